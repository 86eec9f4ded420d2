package web_test

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/sanitize"
)

// offsite records every request a tab makes to a host other than
// 127.0.0.1: the console must load nothing from anywhere else.
type offsite struct {
	mu   sync.Mutex
	urls []string
}

func (o *offsite) watch(tb *tab) {
	chromedp.ListenTarget(tb.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			u, err := url.Parse(e.Request.URL)
			if err == nil && (u.Scheme == "data" || u.Scheme == "blob") {
				return
			}
			if err != nil || u.Hostname() != "127.0.0.1" {
				o.mu.Lock()
				o.urls = append(o.urls, e.Request.URL)
				o.mu.Unlock()
			}
		}
	})
	tb.run(network.Enable())
}

func (o *offsite) none(t *testing.T) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, u := range o.urls {
		t.Errorf("the console requested %s, outside 127.0.0.1", u)
	}
}

// TestBrowserComposeMedia: on a 390×844 phone and on the desktop, an
// editor drops a poster on the compose page's drop zone (a synthetic drop
// event carrying the file) and chooses a 公示名单 workbook with ID numbers
// in the file input. Both go up to the media library with a progress bar;
// the workbook is listed as an attachment with its personal data located
// by cell, the poster with its QR code leading outside the allowed
// domains, "无法检查文字，请人工核对" and the missing alternative text,
// which the editor then fills in. The poster is inserted into the body and
// made the cover; the item is saved; the item page shows each file with
// its findings; masking the workbook from there makes a new version whose
// attachment is the masked copy, and its findings are gone. Nothing is
// requested outside 127.0.0.1; axe runs on every page.
func TestBrowserComposeMedia(t *testing.T) {
	h := setupConsole(t)
	roster := mustBytes(mediatest.XLSX(mediatest.Roster(5)))
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "低保公示名单.xlsx")
	if err := os.WriteFile(xlsx, roster, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			// A poster of its own: the same bytes again would be the same
			// library file, with the other run's alt text.
			poster := mustBytes(mediatest.Poster(600, 800, "https://evil.example/pay?from="+sc.name))
			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			var off offsite
			off.watch(tb)
			tb.login("editor")
			tb.open("/compose")
			tb.waitFor("the drop zone", `!!document.getElementById("dropzone")`)
			// The editor comes from the binary, under its versioned path.
			tb.waitFor("the editor", `!!document.querySelector("#editor.ql-editor")`)
			if src := tb.text(`performance.getEntriesByType("resource").map(e => e.name).filter(n => n.includes("quill")).join(" ")`); !strings.Contains(src, h.ts.URL+"/static/vendor/quill/2.0.3/quill.js") {
				t.Errorf("quill loaded from %q", src)
			}

			// The poster is dropped on the drop zone.
			tb.run(chromedp.Evaluate(fmt.Sprintf(`(() => {
				const bin = atob(%q), bytes = new Uint8Array(bin.length);
				for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
				const dt = new DataTransfer();
				dt.items.add(new File([bytes], "活动海报.png", {type: "image/png"}));
				const zone = document.getElementById("dropzone");
				zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
				zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
			})()`, base64.StdEncoding.EncodeToString(poster)), nil))
			// The workbook is chosen in the file input.
			tb.run(chromedp.SetUploadFiles("#media-file", []string{xlsx}, chromedp.ByID))

			xl := `document.querySelector('#media-list li[data-type="xlsx"]')`
			png := `document.querySelector('#media-list li[data-type="png"]')`
			tb.waitFor("the workbook's findings by cell", xl+` && `+xl+`.querySelector('.finding[data-kind="pii"] .location')`)
			tb.waitFor("the poster's findings", png+` && `+png+`.querySelector('.finding[data-kind="media"]')`)
			got := tb.text(xl + `.innerText`)
			for _, want := range []string{"低保公示名单.xlsx", "个人信息", "Sheet1!C3", mediatest.IDNumber(0), "作为附件随稿件发布", "保存稿件后，可在稿件页一键脱敏"} {
				if !strings.Contains(got, want) {
					t.Errorf("the workbook's entry lacks %q: %s", want, got)
				}
			}
			if tb.text(`String(`+xl+`.querySelector("input.as-attachment").checked)`) != "true" {
				t.Error("the workbook is not marked as an attachment")
			}
			got = tb.text(png + `.innerText`)
			for _, want := range []string{"活动海报.png", "图片中的二维码指向 evil.example", "无法检查文字，请人工核对", "缺少替代文字"} {
				if !strings.Contains(got, want) {
					t.Errorf("the poster's entry lacks %q: %s", want, got)
				}
			}
			tb.audit("compose-media-" + sc.name)

			// Alternative text, then the poster in the body and as the cover.
			tb.run(chromedp.SendKeys(`#media-list li[data-type="png"] .alt-text input`, "反诈宣传海报", chromedp.ByQuery))
			tb.click(`#media-list li[data-type="png"] .alt-text button`)
			tb.waitFor("the alt text saved", png+`.querySelector(".alt-state").textContent === "已保存" && !`+png+`.querySelector('[data-kind="alt"]')`)
			tb.typeInto("#title", "城市低保公示（"+sc.name+"）")
			tb.typeInto("#editor", "现将本月城市低保名单公示如下。请群众监督。")
			// The last sentence made bold with the toolbar's button.
			tb.run(chromedp.Evaluate(`(() => {
				const q = Quill.find(document.getElementById("editor-box"));
				const text = q.getText(), at = text.indexOf("请群众监督。");
				q.setSelection(at, "请群众监督。".length, "user");
			})()`, nil))
			tb.click(`#toolbar button.ql-bold`)
			tb.waitFor("the bold text", `!!document.querySelector("#editor strong")`)
			// Word's HTML pasted: its styles and fonts go, its words stay.
			tb.run(chromedp.Evaluate(`(() => {
				const q = Quill.find(document.getElementById("editor-box"));
				q.setSelection(q.getLength() - 1, 0, "user");
				const dt = new DataTransfer();
				dt.setData("text/html", '<p class="MsoNormal"><span style="font-family:宋体;color:red">监督电话：0392-3311234</span><o:p></o:p></p>');
				dt.setData("text/plain", "监督电话：0392-3311234");
				document.getElementById("editor").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
			})()`, nil))
			tb.waitFor("the pasted text", `document.getElementById("editor").textContent.includes("监督电话")`)
			// A table from the toolbar, a word typed into its first cell.
			tb.run(chromedp.Evaluate(`(() => {
				const q = Quill.find(document.getElementById("editor-box"));
				q.setSelection(q.getLength() - 1, 0, "user");
			})()`, nil))
			tb.click(`#toolbar button.ql-table-insert`)
			tb.waitFor("the table", `document.querySelectorAll("#editor table td").length === 9`)
			tb.run(chromedp.Evaluate(`(() => {
				const q = Quill.find(document.getElementById("editor-box"));
				const cell = Quill.find(document.querySelector("#editor table td"));
				q.setSelection(cell.offset(q.scroll), 0, "user");
			})()`, nil))
			tb.typeInto("#editor", "公示期")
			tb.click(`#media-list li[data-type="png"] button.insert`)
			tb.waitFor("the poster in the body", `!!document.querySelector('#editor img[src^="/media/"]')`)
			tb.click(`#media-list li[data-type="png"] input.as-cover`)
			tb.click(`#archive-only`)
			tb.click(`#compose button[type=submit]`)
			tb.waitFor("the item page", `location.pathname.startsWith("/items/") && !!document.getElementById("files")`)

			files := tb.text(`document.getElementById("files").innerText`)
			for _, want := range []string{"封面", "附件", "低保公示名单.xlsx Sheet1!C3", "图片中的二维码指向 evil.example"} {
				if !strings.Contains(files, want) {
					t.Errorf("the item page's files lack %q: %s", want, files)
				}
			}
			tb.audit("item-media-" + sc.name)
			tb.run(chromedp.Evaluate(`window.confirm = () => true`, nil))
			tb.click(`#files form[data-api$="/mask"] button`)
			tb.waitFor("the masked version", `document.body.innerText.includes("第 2 版") && !document.querySelector('#files form[data-api$="/mask"]')`)
			files = tb.text(`document.getElementById("files").innerText`)
			// A public phone number on the workbook's second sheet stays, as a notice.
			blocking := tb.text(`String(document.querySelectorAll('#files .finding.level-block').length)`)
			if blocking != "0" || strings.Contains(files, mediatest.IDNumber(0)) || !strings.Contains(files, "已脱敏的副本") {
				t.Errorf("after masking: %s", files)
			}
			tb.audit("item-masked-" + sc.name)

			var it itemChecked
			id := strings.TrimPrefix(tb.text(`location.pathname`), "/items/")
			if st := h.script("editor").do("GET", "/api/v1/items/"+id, nil, &it); st != 200 {
				t.Fatalf("get item: %d", st)
			}
			if n := len(it.Version.Content.Attachments); n != 1 || len(it.Version.Content.Media) != 2 {
				t.Errorf("the saved version's files: %+v", it.Version.Content)
			}
			// The editor's HTML, as saved: through the sanitizer, bold kept,
			// the picture a library reference, nothing of Quill's or Word's.
			body := it.Version.Content.Body
			if !strings.Contains(body, "<strong>请群众监督。</strong>") || !strings.Contains(body, `<img src="/media/`) ||
				!strings.Contains(body, "监督电话") || !strings.Contains(body, "<table>") || !strings.Contains(body, "<td>公示期") ||
				sanitize.New().HTML(body) != body {
				t.Errorf("saved body: %s", body)
			}
			for _, bad := range []string{"ql-", "data-list", "style=", "宋体", "&nbsp;", "MsoNormal", "<span"} {
				if strings.Contains(body, bad) {
					t.Errorf("saved body holds %q: %s", bad, body)
				}
			}

			off.none(t)
		})
	}
}
