package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tongfa/tongfa"
	connmedia "github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/media/mediatest"
)

type itemFinding struct {
	Field      string `json:"field"`
	Location   string `json:"location"`
	Media      string `json:"media"`
	Kind       string `json:"kind"`
	Category   string `json:"category"`
	Level      string `json:"level"`
	Text       string `json:"text"`
	Rule       string `json:"rule"`
	Suggestion string `json:"suggestion"`
}

type itemChecked struct {
	ID      int64 `json:"id"`
	Version struct {
		Number  int `json:"number"`
		Content struct {
			Body        string   `json:"body"`
			Attachments []string `json:"attachments"`
			Media       []string `json:"media"`
		} `json:"content"`
	} `json:"version"`
	Check struct {
		Findings []itemFinding `json:"findings"`
		Blocked  bool          `json:"blocked"`
		Reasons  []string      `json:"reasons"`
	} `json:"check"`
}

// findingsAt counts the findings of kind located in the file h.
func findingsAt(fs []itemFinding, h tongfa.MediaHash, kind string) (n int, locs []string) {
	for _, f := range fs {
		if f.Media == h.String() && f.Kind == kind {
			n++
			locs = append(locs, f.Location)
		}
	}
	return n, locs
}

// An item with a 公示名单 of 1,000 rows attached: its personal data blocks
// submission with cell locations; masking makes a new version whose
// attachment is the masked copy, and that version submits.
func TestAttachmentBlocksSubmissionUntilMasked(t *testing.T) {
	h := setup(t)
	ed := h.script("editor")
	roster := mustBytes(mediatest.XLSX(mediatest.Roster(1000)))
	st, x, body := ed.upload("/api/v1/media", "低保公示名单.xlsx", roster)
	if st != http.StatusCreated || x.Type != tongfa.MediaXLSX {
		t.Fatalf("upload: %d %s", st, body)
	}
	b := archived("2024年度城市低保公示")
	b["attachments"] = []string{x.Hash.String()}
	var it itemChecked
	if st := ed.do("POST", "/api/v1/items", b, &it); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	n, locs := findingsAt(it.Check.Findings, x.Hash, "pii")
	if !it.Check.Blocked || n < 3000 || !strings.Contains(strings.Join(locs, ","), "低保公示名单.xlsx Sheet1!C3") {
		t.Fatalf("check: blocked=%v, %d personal-data findings, first at %v", it.Check.Blocked, n, locs[:min(3, len(locs))])
	}
	st, raw, _ := ed.raw("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", "", nil)
	if st != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "Sheet1!D3") {
		t.Fatalf("submit: %d %.300s", st, raw)
	}

	// Another unit's editor cannot mask it, nor see it.
	if st := h.script("editorB").do("POST", "/api/v1/items/"+itoa(it.ID)+"/attachments/"+x.Hash.String()+"/mask", nil, nil); st != 404 {
		t.Errorf("editorB masks: %d", st)
	}
	var masked itemChecked
	if st := ed.do("POST", "/api/v1/items/"+itoa(it.ID)+"/attachments/"+x.Hash.String()+"/mask", nil, &masked); st != 200 {
		t.Fatalf("mask: %d", st)
	}
	atts := masked.Version.Content.Attachments
	if masked.Version.Number != 2 || len(atts) != 1 || atts[0] == x.Hash.String() {
		t.Fatalf("masked version: %+v", masked.Version)
	}
	mh, _ := tongfa.ParseMediaHash(atts[0])
	st, maskedBytes, hdr := ed.raw("GET", "/media/"+atts[0], "", nil)
	if st != 200 || hdr.Get("Content-Type") != tongfa.MediaXLSX.MIME() || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("masked copy served: %d %v", st, hdr)
	}
	compareMaskedRoster(t, roster, maskedBytes)
	var sub struct {
		State string `json:"state"`
	}
	if st := ed.do("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", nil, &sub); st != 200 {
		t.Fatalf("submit after masking: %d", st)
	}
	// The reviewer reads the masked copy; the original stays the editor's.
	if st, _, _ := h.script("reviewer").raw("GET", "/media/"+mh.String(), "", nil); st != 200 {
		t.Errorf("reviewer reads the masked attachment: %d", st)
	}
}

// compareMaskedRoster checks cell by cell: the ID, phone and bank card
// columns are masked in every data row, every other cell is unchanged.
func compareMaskedRoster(t *testing.T, orig, masked []byte) {
	t.Helper()
	read := func(b []byte) [][]string {
		f, err := excelize.OpenReader(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	a, m := read(orig), read(masked)
	if len(a) != len(m) || len(a) != 1002 {
		t.Fatalf("rows: %d and %d", len(a), len(m))
	}
	pii := map[int]bool{mediatest.ColID: true, mediatest.ColPhone: true, mediatest.ColCard: true}
	for r := range a {
		for c := range a[r] {
			same := a[r][c] == m[r][c]
			if r >= 2 && pii[c] {
				if same || !strings.Contains(m[r][c], "*") {
					t.Fatalf("row %d col %d not masked: %q → %q", r+1, c+1, a[r][c], m[r][c])
				}
			} else if !same && !(r >= 2 && c == mediatest.ColName) {
				t.Fatalf("row %d col %d changed: %q → %q", r+1, c+1, a[r][c], m[r][c])
			}
		}
	}
}

// A PDF with ID numbers blocks with the reason; a poster whose QR code
// leads outside the allowed domains is a review finding on that picture.
func TestPDFAndQRCodeFindings(t *testing.T) {
	h := setup(t)
	ed := h.script("editor")
	pdf := mustBytes(mediatest.PDF([][]string{{"Notice", "ID " + mediatest.IDNumber(1), "ID " + mediatest.IDNumber(2)}}))
	_, p, body := ed.upload("/api/v1/media", "通知.pdf", pdf)
	if p.Type != tongfa.MediaPDF {
		t.Fatalf("pdf upload: %s", body)
	}
	poster := mustBytes(mediatest.Poster(600, 800, "https://evil.example/pay"))
	_, q, body := ed.upload("/api/v1/media", "海报.png", poster)
	if !q.Type.Image() {
		t.Fatalf("poster upload: %s", body)
	}
	b := itemBody("活动通知")
	b["body"] = `<p>活动通知。</p><p><img src="` + q.Hash.Ref() + `" alt="活动海报"></p>`
	b["attachments"] = []string{p.Hash.String()}
	var it itemChecked
	if st := ed.do("POST", "/api/v1/items", b, &it); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	js, _ := json.Marshal(it.Check)
	if n, _ := findingsAt(it.Check.Findings, q.Hash, "media"); n != 1 || !strings.Contains(string(js), "图片中的二维码指向 evil.example") {
		t.Errorf("QR finding on the poster: %s", js)
	}
	if !it.Check.Blocked || !strings.Contains(string(js), "unmaskable") || !strings.Contains(string(js), "请在原始文档中脱敏后重新导出 PDF") {
		t.Errorf("PDF check: %s", js)
	}
	if st := ed.do("POST", "/api/v1/items/"+itoa(it.ID)+"/attachments/"+p.Hash.String()+"/mask", nil, nil); st != 422 {
		t.Errorf("masking a PDF: %d", st)
	}
	// The caption is checked with the item.
	if st := ed.do("PUT", "/api/v1/media/"+q.Hash.String(), map[string]string{"alt": "活动海报", "caption": "咨询电话 13812345678"}, nil); st != 200 {
		t.Fatalf("describe: %d", st)
	}
	if st := ed.do("POST", "/api/v1/items", b, &it); st != http.StatusCreated {
		t.Fatalf("create again: %d", st)
	}
	found := false
	for _, f := range it.Check.Findings {
		found = found || f.Field == "media.caption" && f.Kind == "pii" && f.Media == q.Hash.String()
	}
	if !found {
		t.Errorf("no finding on the caption: %+v", it.Check.Findings)
	}
	// Another unit's file cannot be used.
	_, other, _ := h.script("editorB").upload("/api/v1/media", "b.png", mustBytes(mediatest.Poster(200, 200, "https://www.gov.cn/")))
	b["attachments"] = []string{}
	b["cover"] = other.Hash.Ref()
	if st := ed.do("POST", "/api/v1/items", b, nil); st != 422 {
		t.Errorf("another unit's picture as cover: %d", st)
	}
}

// A picture pasted by URL is imported into the unit's library when its
// host is on the administrator's list (cleaned: no GPS), and the body then
// refers to the library's copy; from any other host it is refused.
func TestPastedImagesAreImportedOrRefused(t *testing.T) {
	h := setup(t)
	photo := mustBytes(mediatest.JPEGWithGPS(40, 30, 1))
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(photo) }))
	defer origin.Close()
	ed := h.script("editor")
	b := itemBody("转发图片")
	b["body"] = `<p>图片：</p><p><img src="` + origin.URL + `/a.jpg?x=1&amp;y=2" alt="图"></p>`
	st, raw, _ := ed.raw("POST", "/api/v1/items", "application/json", mustJSON(b))
	if st != 422 || !strings.Contains(string(raw), "不在管理员允许导入的主机名单中") {
		t.Fatalf("an unlisted host: %d %s", st, raw)
	}

	host := origin.Listener.Addr().String()
	h.hub.Items.Import = &media.Importer{Library: h.hub.Media, Hosts: media.AllowList{"127.0.0.1"},
		Fetch: connmedia.New(connmedia.Options{Allow: []string{host}}).Image}
	b["cover"] = origin.URL + "/cover.jpg"
	var made created
	if st := ed.do("POST", "/api/v1/items", b, &made); st != http.StatusCreated {
		t.Fatalf("an allowed host: %d", st)
	}
	var it struct {
		Version struct {
			Content tongfa.Content `json:"content"`
		} `json:"version"`
	}
	ed.do("GET", "/api/v1/items/"+itoa(made.ID), nil, &it)
	c := it.Version.Content
	pics := tongfa.BodyMedia(c.Body)
	if len(pics) != 1 || c.Cover != pics[0].Ref() || strings.Contains(c.Body, origin.URL) || len(c.Media) != 1 {
		t.Fatalf("imported content: cover %q body %q media %v", c.Cover, c.Body, c.Media)
	}
	st, served, _ := ed.raw("GET", c.Cover, "", nil)
	if st != 200 || bytes.Equal(served, photo) {
		t.Fatalf("the imported picture is served cleaned: %d", st)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// The same for a Word document: personal data in a paragraph (split over
// runs) and in the roster table block with their places; the masked
// version's document holds none and submits.
func TestWordAttachmentBlocksUntilMasked(t *testing.T) {
	h := setup(t)
	ed := h.script("editor")
	doc := mustBytes(mediatest.DOCX([]mediatest.Para{
		{"关于2024年度低保对象的公示"},
		{"联系人身份证号：" + mediatest.IDNumber(7)[:10], mediatest.IDNumber(7)[10:] + "，手机" + mediatest.Mobile(7) + "。"},
	}, mediatest.Roster(20)))
	_, d, body := ed.upload("/api/v1/media", "公示.docx", doc)
	if d.Type != tongfa.MediaDOCX {
		t.Fatalf("upload: %s", body)
	}
	b := archived("低保公示")
	b["attachments"] = []string{d.Hash.String()}
	var it itemChecked
	if st := ed.do("POST", "/api/v1/items", b, &it); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	n, locs := findingsAt(it.Check.Findings, d.Hash, "pii")
	all := strings.Join(locs, ",")
	if !it.Check.Blocked || n < 60 || !strings.Contains(all, "公示.docx 第 2 段") || !strings.Contains(all, "公示.docx 表格 1 第 2 行") {
		t.Fatalf("check: blocked=%v, %d findings at %v", it.Check.Blocked, n, locs[:min(5, len(locs))])
	}
	if st := ed.do("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", nil, nil); st != http.StatusUnprocessableEntity {
		t.Fatalf("submit with personal data: %d", st)
	}
	var masked itemChecked
	if st := ed.do("POST", "/api/v1/items/"+itoa(it.ID)+"/attachments/"+d.Hash.String()+"/mask", nil, &masked); st != 200 {
		t.Fatalf("mask: %d", st)
	}
	mh := masked.Version.Content.Attachments[0]
	var rep struct {
		Blocked  bool              `json:"blocked"`
		Findings []json.RawMessage `json:"findings"`
	}
	if st := ed.do("GET", "/api/v1/media/"+mh+"/check", nil, &rep); st != 200 || rep.Blocked {
		t.Fatalf("the masked document: %d blocked=%v %s", st, rep.Blocked, rep.Findings)
	}
	if st := ed.do("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", nil, nil); st != 200 {
		t.Fatalf("submit after masking: %d", st)
	}
}
