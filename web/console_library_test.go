package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	pictures "github.com/tongfa/tongfa/connectors/media/mediatest"
	"github.com/tongfa/tongfa/media/mediatest"
)

// TestConsoleLibraryPage: the media library page lists the unit's files
// with their types named for operators; the upload form is there for the
// unit's editors only; another unit's staff neither see the files nor
// open the unit's library.
func TestConsoleLibraryPage(t *testing.T) {
	h := setupConsole(t)
	ctx := context.Background()
	o, err := h.hub.Media.Upload(ctx, h.unitA.ID, h.users["editor"].ID, "冬季消防海报.png", bytes.NewReader(pictures.PNG(t)))
	if err != nil {
		t.Fatal(err)
	}
	ed := h.visitor(t)
	ed.login("editor")
	st, body, _ := ed.get("/library")
	if st != 200 || !strings.Contains(body, "冬季消防海报.png") || !strings.Contains(body, `href="/media/`+o.Hash.String()+`"`) ||
		!strings.Contains(body, "图片（PNG）") || !strings.Contains(body, `id="library-upload"`) ||
		!strings.Contains(body, fmt.Sprintf(`data-upload="/api/v1/media?unit_id=%d"`, h.unitA.ID)) || !strings.Contains(body, "共 1 个") {
		t.Fatalf("editor's library: %d\n%s", st, body)
	}
	rv := h.visitor(t)
	rv.login("reviewer")
	if st, body, _ := rv.get("/library"); st != 200 || !strings.Contains(body, "冬季消防海报.png") || strings.Contains(body, `id="library-upload"`) {
		t.Fatalf("reviewer's library: %d\n%s", st, body)
	}
	other := h.visitor(t)
	other.login("editorB")
	if st, body, _ := other.get("/library"); st != 200 || strings.Contains(body, "冬季消防海报.png") {
		t.Errorf("another bureau's editor sees the file: %d", st)
	}
	if st, _, _ := other.get(fmt.Sprintf("/library?unit=%d", h.unitA.ID)); st != 404 {
		t.Errorf("another bureau's editor opens the bureau's library: %d", st)
	}
}

// TestBrowserLibraryUpload: on a phone and on the desktop an editor
// drops a poster on the library's upload form and chooses a workbook in
// its file input; both are listed after the page reloads; axe and the
// overflow check pass. (Refusals are the API's: TestMediaLibraryUploadAndServe.)
func TestBrowserLibraryUpload(t *testing.T) {
	h := setupConsole(t)
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "活动报名表.xlsx")
	if err := os.WriteFile(xlsx, mustBytes(mediatest.XLSX(mediatest.Roster(3))), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			poster := mustBytes(mediatest.Poster(300, 400, "https://www.example.gov.cn/?"+sc.name))
			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.login("editor")
			tb.open("/library")
			tb.waitFor("the upload form", `!!document.getElementById("library-upload")`)
			tb.run(chromedp.Evaluate(fmt.Sprintf(`(() => {
				const bin = atob(%q), bytes = new Uint8Array(bin.length);
				for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
				const dt = new DataTransfer();
				dt.items.add(new File([bytes], "活动海报-%s.png", {type: "image/png"}));
				const form = document.getElementById("library-upload");
				form.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
				form.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
			})()`, base64.StdEncoding.EncodeToString(poster), sc.name), nil))
			tb.waitFor("the dropped poster listed", `document.querySelector("#library-files") !== null && document.querySelector("#library-files").textContent.includes("活动海报-`+sc.name+`.png")`)
			tb.open("/library") // a fresh page: the reload after the drop has settled
			tb.run(chromedp.SetUploadFiles("#library-file", []string{xlsx}, chromedp.ByID))
			// The page reloads once the upload is done. The second screen's
			// library already lists the workbook (the first screen uploaded
			// it), so the mark set here tells the reloaded page from this one.
			tb.run(chromedp.Evaluate(`window.beforeUpload = true`, nil))
			tb.click(`#library-upload button[type=submit]`)
			tb.waitFor("the workbook listed after the reload", `!window.beforeUpload && document.querySelector("#library-files").textContent.includes("活动报名表.xlsx")`)
			tb.expect("Excel 表格")
			tb.audit("媒体库")
			tb.fits("媒体库")
			tb.screenshot("library-" + sc.name)
		})
	}
}
