package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/rwcarlsen/goexif/exif"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/mediatest"
)

// upload posts file as multipart/form-data to the library as c and
// returns the status and the object.
func (c *client) upload(path, name string, file []byte) (int, tongfa.MediaObject, string) {
	c.h.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	st, raw, _ := c.raw("POST", path, mw.FormDataContentType(), buf.Bytes())
	var o tongfa.MediaObject
	if st == http.StatusCreated {
		c.h.unmarshal(raw, &o)
	}
	return st, o, string(raw)
}

func (h *harness) unmarshal(raw []byte, v any) {
	h.t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		h.t.Fatalf("decode %q: %v", raw, err)
	}
}

func mustBytes(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// The library over HTTP: a photo uploaded by an editor comes back
// cleaned (no GPS), typed by its bytes; other units do not see it; HTML
// is refused; /media/{hash} serves it with its sniffed type and nosniff,
// and to nobody else until an item using it is published.
func TestMediaLibraryUploadAndServe(t *testing.T) {
	h := setup(t)
	ed := h.script("editor")
	photo := mustBytes(mediatest.JPEGWithGPS(64, 48, 6))
	st, o, body := ed.upload("/api/v1/media", "照片.png", photo)
	if st != http.StatusCreated || o.Type != tongfa.MediaJPEG || o.UnitID != h.unitA.ID || o.Width != 48 {
		t.Fatalf("upload: %d %+v %s", st, o, body)
	}
	st, raw, hdr := ed.raw("GET", "/media/"+o.Hash.String(), "", nil)
	if st != 200 || hdr.Get("Content-Type") != "image/jpeg" || hdr.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(hdr.Get("Content-Disposition"), "inline") || !strings.HasSuffix(hdr.Get("Content-Disposition"), ".jpg") {
		t.Fatalf("serve: %d %v", st, hdr)
	}
	if x, err := exif.Decode(bytes.NewReader(raw)); err == nil {
		if lat, lon, err := x.LatLong(); err == nil {
			t.Fatalf("served photo still has GPS %f,%f", lat, lon)
		}
	}
	if bytes.Equal(raw, photo) {
		t.Fatal("served the uploaded bytes, not the cleaned ones")
	}

	var list struct {
		Files []tongfa.MediaObject `json:"files"`
		Total int                  `json:"total"`
	}
	if st := h.script("reviewer").do("GET", "/api/v1/media", nil, &list); st != 200 || list.Total != 1 || list.Files[0].Hash != o.Hash {
		t.Fatalf("reviewer's list: %d %+v", st, list)
	}
	for _, who := range []string{"editorB", "reviewerC"} {
		if st := h.script(who).do("GET", "/api/v1/media", nil, &list); st != 200 || list.Total != 0 {
			t.Errorf("%s lists %d files", who, list.Total)
		}
		if st := h.script(who).do("GET", "/api/v1/media/"+o.Hash.String(), nil, nil); st != 404 {
			t.Errorf("%s reads another unit's file: %d", who, st)
		}
		if st, _, _ := h.script(who).raw("GET", "/media/"+o.Hash.String(), "", nil); st != 404 {
			t.Errorf("%s is served another unit's unpublished file: %d", who, st)
		}
	}
	if st, _, _ := h.browser().raw("GET", "/media/"+o.Hash.String(), "", nil); st != 404 {
		t.Errorf("anonymous is served an unpublished file: %d", st)
	}

	if st, _, body := ed.upload("/api/v1/media", "a.jpg", []byte("<!doctype html><script>alert(1)</script>")); st != http.StatusUnsupportedMediaType {
		t.Errorf("HTML uploaded as a.jpg: %d %s", st, body)
	}
	if st, _, _ := ed.upload(fmt.Sprintf("/api/v1/media?unit_id=%d", h.unitB.ID), "b.jpg", photo); st != http.StatusForbidden {
		t.Errorf("upload into another unit: %d", st)
	}

	// Published with an item: public, cacheable.
	it := h.createItem("editor", withHTML(itemBody("图片新闻"), "<p>图片新闻。</p><p><img src=\""+o.Hash.Ref()+"\" alt=\"会场\"></p>"))
	if st, _, _ := h.browser().raw("GET", "/media/"+o.Hash.String(), "", nil); st != 404 {
		t.Errorf("anonymous is served a draft's picture: %d", st)
	}
	f := newFixture(t, h)
	f.setState(it.ID, tongfa.StatePublished)
	st, _, hdr = h.browser().raw("GET", "/media/"+o.Hash.String(), "", nil)
	if st != 200 || hdr.Get("Content-Type") != "image/jpeg" {
		t.Errorf("anonymous, published: %d %v", st, hdr)
	}
}

func withHTML(b map[string]any, html string) map[string]any {
	b["body"] = html
	return b
}

// A picture of bureau A used by an item published on bureau B's account
// (by grant) is readable by B's reviewer, who co-signs the item, and by
// nobody of another city; B's reviewer still cannot list or describe it.
func TestCoSignerReadsTheItemsPictures(t *testing.T) {
	h := setup(t)
	ed := h.script("editor")
	site := h.account(h.unitB.ID, tongfa.PlatformWebsite, "乙局网站")
	h.grant("cityadmin", site, h.unitA.ID)
	_, o, body := ed.upload("/api/v1/media", "会场.jpg", mustBytes(mediatest.JPEGWithGPS(32, 24, 1)))
	if o.Type != tongfa.MediaJPEG {
		t.Fatalf("upload: %s", body)
	}
	b := withHTML(itemBody("联合发布"), `<p>联合发布。</p><p><img src="`+o.Hash.Ref()+`" alt="会场"></p>`)
	b["targets"] = []int64{site}
	var it created
	if st := ed.do("POST", "/api/v1/items", b, &it); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	path := "/media/" + o.Hash.String()
	if st, _, _ := h.script("reviewerB").raw("GET", path, "", nil); st != 404 {
		t.Errorf("B's reviewer before the item reaches B: %d", st)
	}
	if st := ed.do("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", nil, nil); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	if st, _, _ := h.script("reviewerB").raw("GET", path, "", nil); st != 200 {
		t.Errorf("B's reviewer, co-signing: %d", st)
	}
	if st, _, _ := h.script("reviewerC").raw("GET", path, "", nil); st != 404 {
		t.Errorf("another city's reviewer: %d", st)
	}
	if st := h.script("reviewerB").do("GET", "/api/v1/media/"+o.Hash.String(), nil, nil); st != 404 {
		t.Errorf("B's reviewer reads A's library record: %d", st)
	}
}
