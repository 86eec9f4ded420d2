package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserLeadersAdmin: the supervising office's administrator opens
// bureau A's leaders page from the administration menu, sees the city's
// table that applies to it, is told which line of a pasted table is
// wrong, imports a TSV file, saves a second version and rolls it back;
// axe runs on every state, on a desktop and on a phone.
func TestBrowserLeadersAdmin(t *testing.T) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			h := setupConsole(t)
			if st := h.script("cityadmin").do("PUT", leadersPath(h.city.ID), map[string]string{"content": cityLeadersTSV}, nil); st != 200 {
				t.Fatalf("city import: %d", st)
			}
			file := filepath.Join(t.TempDir(), "甲局领导.tsv")
			if err := os.WriteFile(file, []byte("\uFEFF"+bureauLeadersTSV), 0o644); err != nil {
				t.Fatal(err)
			}
			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.login("cityadmin")
			tb.open("/admin/accounts")
			tb.click(`nav.subnav a[href="/admin/leaders"]`)
			tb.waitFor("the leaders page", `location.pathname === "/admin/leaders" && !!document.getElementById("leaders-effective")`)
			tb.open("/admin/leaders?unit=" + itoa(h.unitA.ID))
			tb.waitFor("the city's leaders inherited", `document.getElementById("leaders-effective").innerText.includes("示范市人民政府办公室")`)
			if got := tb.text(`document.getElementById("leaders-effective").innerText`); !strings.Contains(got, "现任") || strings.Contains(got, "本单位") {
				t.Errorf("effective table before bureau A has its own: %s", got)
			}
			tb.fits("leaders")
			tb.audit("leaders-inherited")

			tb.expect("/leaders")
			tb.refused("#leaders-form", "leaders-content", bureauLeadersTSV+"钱进\t副局长\t2021-02-30\t\t2\tserving\n", "领导名单第 2 行有误")
			tb.audit("leaders-error")

			tb.run(chromedp.SetUploadFiles("#leaders-file", []string{file}, chromedp.ByID))
			tb.waitFor("the file in the text box", `document.getElementById("leaders-content").value === `+jsString(bureauLeadersTSV))
			tb.run(chromedp.SendKeys("#leaders-note", "导入局领导", chromedp.ByID))
			tb.click(`#leaders-form button[type=submit]`)
			tb.waitFor("bureau A's own leader", `document.getElementById("leaders-effective") && document.getElementById("leaders-effective").innerText.includes("王海")`)
			tb.fits("leaders")
			tb.audit("leaders-imported")

			tb.run(chromedp.SetValue("#leaders-content", bureauLeadersTSV+"赵敏\t副局长\t2021-01-01\t\t2\tserving\n", chromedp.ByID))
			tb.click(`#leaders-form button[type=submit]`)
			tb.waitFor("the second version", `document.querySelectorAll("#leaders-versions > li").length === 2 &&
				document.getElementById("leaders-effective").innerText.includes("赵敏")`)
			tb.run(chromedp.Evaluate(`window.confirm = () => true`, nil))
			tb.click(`#leaders-versions form button[type=submit]`)
			tb.waitFor("the first version back", `document.querySelector("#h-own").textContent.includes("第 1 版") &&
				!document.getElementById("leaders-effective").innerText.includes("赵敏")`)
			tb.audit("leaders-rolled-back")
		})
	}
}

// refused puts text into the form's field (by id), submits the form and
// expects its error box to show want with the stable code, the field
// marked invalid.
func (tb *tab) refused(form, field, text, want string) {
	tb.t.Helper()
	tb.run(chromedp.SetValue("#"+field, text, chromedp.ByID))
	tb.click(form + ` button[type=submit]`)
	tb.waitFor("the error of "+form, fmt.Sprintf(`!document.querySelector("%s .errorbox").hidden`, form))
	if e := tb.text(fmt.Sprintf(`document.querySelector("%s .errorbox").innerText`, form)); !strings.Contains(e, want) ||
		!strings.Contains(e, "错误代码：validation_failed") {
		tb.t.Errorf("error of %s: %s, want %q", form, e, want)
	}
	if tb.text(fmt.Sprintf(`document.getElementById(%q).getAttribute("aria-invalid")`, field)) != "true" {
		tb.t.Errorf("%s is not marked invalid", field)
	}
}

// jsString quotes s as a JavaScript string.
func jsString(s string) string { return fmt.Sprintf("%q", s) }

// TestBrowserComposeLeaderFix: with the city's table, the editor types a
// title 李振华 no longer holds; the finding is highlighted and listed as
// 领导职务核对 with its one-click fix, which rewrites the text; an event
// time before his promotion makes the new title wrong in turn; the
// preview checks the whole item on that day. On a desktop and a phone.
func TestBrowserComposeLeaderFix(t *testing.T) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			h := setupConsole(t)
			if st := h.script("cityadmin").do("PUT", leadersPath(h.city.ID), map[string]string{"content": cityLeadersTSV}, nil); st != 200 {
				t.Fatalf("city import: %d", st)
			}
			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.login("editor")
			tb.open("/compose")
			tb.waitFor("the editor", `!!document.getElementById("editor")`)
			tb.typeInto("#title", "关于做好防汛工作的通知")
			tb.typeInto("#editor", "副市长李振华到防汛一线检查指导。")
			tb.waitFor("the leader finding", `!!document.querySelector('#check-findings li[data-kind="leader"][data-level="block"]') &&
				CSS.highlights.has("tf-block") && CSS.highlights.get("tf-block").size === 1`)
			item := tb.text(`document.querySelector('#check-findings li[data-kind="leader"]').innerText`)
			for _, want := range []string{"领导职务核对", "副市长李振华", "改为「市长李振华」", "已于2021年3月15日卸任副市长"} {
				if !strings.Contains(item, want) {
					t.Errorf("finding lacks %q: %s", want, item)
				}
			}
			tb.waitFor("the preview's whole-item check", `document.getElementById("precheck") &&
				document.getElementById("precheck").textContent.includes("领导姓名职务按")`)
			tb.fits("leaders")
			tb.audit("compose-leader")

			tb.click(`#check-findings li[data-kind="leader"] button.fix`)
			tb.waitFor("the fixed title", `document.getElementById("editor").textContent === "市长李振华到防汛一线检查指导。"`)
			tb.waitFor("nothing left", `document.getElementById("check-status").textContent.startsWith("未发现问题")`)
			if tb.text(`String(CSS.highlights.has("tf-block"))`) != "false" {
				t.Error("highlight stays after the fix")
			}
			tb.audit("compose-leader-fixed")

			// On the day of an event before his promotion he was deputy mayor.
			tb.run(chromedp.Evaluate(`(function () {
				var u = document.getElementById("urgency");
				u.value = "urgent";
				u.dispatchEvent(new Event("change", { bubbles: true }));
				var e = document.getElementById("event-time");
				e.value = "2020-05-01T09:00";
				e.dispatchEvent(new Event("change", { bubbles: true }));
			})()`, nil))
			tb.waitFor("the title judged on the event's day", `!!document.querySelector('#check-findings li[data-kind="leader"]') &&
				document.querySelector('#check-findings li[data-kind="leader"]').innerText.includes("改为「副市长李振华」")`)
			tb.waitFor("the preview on the event's day", `document.getElementById("precheck").textContent.includes("2020-05-01")`)
			tb.audit("compose-leader-event")
		})
	}
}

// TestBrowserUnitWords: the city's administrator opens bureau A's words
// from the administration menu, is told which line is wrong, imports a
// file of words, and the page then counts them; a compose check in bureau
// A finds the word. axe runs on every state, on a desktop and a phone.
func TestBrowserUnitWords(t *testing.T) {
	const words = "东湖改造\tcustom\tblock\t项目尚未批复，请勿发布\n!代办证件窗口\n"
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			h := setupConsole(t)
			file := filepath.Join(t.TempDir(), "甲局词库.tsv")
			if err := os.WriteFile(file, []byte("\uFEFF"+words), 0o644); err != nil {
				t.Fatal(err)
			}
			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.login("cityadmin")
			tb.open("/admin/accounts")
			tb.click(`nav.subnav a[href="/admin/words"]`)
			tb.waitFor("the words page", `location.pathname === "/admin/words" && !!document.getElementById("words-applied")`)
			tb.open("/admin/words?unit=" + itoa(h.unitA.ID))
			tb.waitFor("no words yet", `document.getElementById("words-applied").innerText.includes("尚无本单位词库")`)
			tb.fits("words")
			tb.audit("words-empty")

			tb.expect("/words")
			tb.refused("#words-form", "words-content", "东湖改造\tcustom\n", "本单位词库第 1 行有误")
			tb.audit("words-error")

			tb.run(chromedp.SetUploadFiles("#words-file", []string{file}, chromedp.ByID))
			tb.waitFor("the file in the text box", `document.getElementById("words-content").value === `+jsString(words))
			tb.run(chromedp.SendKeys("#words-note", "甲局专项", chromedp.ByID))
			tb.click(`#words-form button[type=submit]`)
			tb.waitFor("the words counted", `document.getElementById("words-applied") &&
				document.getElementById("words-applied").innerText.includes("第 1 版，1 个词，1 个放行短语")`)
			tb.fits("words")
			tb.audit("words-saved")
			tb.screenshot("words-saved")
		})
	}
	var rep struct{ Findings []struct{ Rule string } }
	h := setup(t)
	if st := h.script("admin").do("PUT", fmt.Sprintf("/api/v1/units/%d/words", h.unitA.ID), map[string]string{"content": words}, nil); st != 200 {
		t.Fatalf("set words: %d", st)
	}
	if st := h.script("editor").do("POST", "/api/v1/check", map[string]string{"text": "东湖改造"}, &rep); st != 200 || len(rep.Findings) != 1 {
		t.Fatalf("check after the upload: %d %+v", st, rep)
	}
}
