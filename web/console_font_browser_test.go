package web_test

import (
	"encoding/json"
	"testing"
)

// fontProbe measures, on the page, how Chromium draws Chinese in the
// console's font: the width of ten different 汉字 (a CJK glyph is a full
// em wide, the missing-glyph box of a Latin font much narrower), and
// whether two different 汉字 draw different pixels (boxes are all alike).
const fontProbe = `(() => {
	const family = getComputedStyle(document.body).fontFamily;
	const span = document.createElement("span");
	span.style.cssText = "position:absolute;white-space:nowrap;font-size:20px";
	document.body.appendChild(span);
	const width = (text) => { span.textContent = text; return span.getBoundingClientRect().width; };
	const han = width("政务新媒体统一发布审");
	span.remove();
	const draw = (ch) => {
		const c = document.createElement("canvas");
		c.width = c.height = 48;
		const g = c.getContext("2d");
		g.font = "40px " + family;
		g.fillText(ch, 4, 40);
		return Array.from(g.getImageData(0, 0, 48, 48).data).join(",");
	};
	return JSON.stringify({family, han, distinct: draw("政") !== draw("务")});
})()`

// TestBrowserRendersChinese: the console's Chinese is drawn with a real
// CJK font. Without one (CI had none, and every screenshot showed boxes)
// Chromium draws each 汉字 as the same missing-glyph box, narrower than
// the full em a CJK glyph takes; .ci/run and scripts/services.sh install
// fonts-noto-cjk.
func TestBrowserRendersChinese(t *testing.T) {
	h := setupConsole(t)
	tb := newTab(t, h.ts.URL, 800, 600, false)
	tb.open("/login")
	var got struct {
		Family   string
		Han      float64
		Distinct bool
	}
	if err := json.Unmarshal([]byte(tb.text(fontProbe)), &got); err != nil {
		t.Fatal(err)
	}
	t.Logf("font-family %s: ten 汉字 at 20px are %.1fpx wide", got.Family, got.Han)
	tb.screenshot("login-chinese")
	if got.Han < 0.95*10*20 {
		t.Errorf("ten 汉字 at 20px are %.1fpx wide, not ten full-width glyphs: no CJK font (apt-get install fonts-noto-cjk)", got.Han)
	}
	if !got.Distinct {
		t.Error("政 and 务 draw the same pixels: Chromium shows missing-glyph boxes (apt-get install fonts-noto-cjk)")
	}
}
