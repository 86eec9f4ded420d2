package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/store"
)

// uniquePNG is a small picture no other call makes.
func (f *fixture) uniquePNG() []byte {
	n := f.n()
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	img.Set(0, 0, color.NRGBA{R: uint8(n), G: uint8(n >> 8), B: uint8(n >> 16), A: 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// picture stores a fresh picture in unit u's library.
func (f *fixture) picture(u *tongfa.Unit) tongfa.MediaHash {
	o, err := f.h.hub.Media.Upload(context.Background(), u.ID, f.editorOf(u).ID, "图.png", bytes.NewReader(f.uniquePNG()))
	if err != nil {
		f.t.Fatal(err)
	}
	return o.Hash
}

// attachedItem stores a draft of unit u with a fresh roster attachment
// holding personal data.
func (f *fixture) attachedItem(u *tongfa.Unit) (*tongfa.Item, tongfa.MediaHash) {
	ctx := context.Background()
	rows := mediatest.Roster(3)
	rows[0][0] = fmt.Sprint(f.n())
	x, err := mediatest.XLSX(rows)
	if err != nil {
		f.t.Fatal(err)
	}
	o, err := f.h.hub.Media.Upload(ctx, u.ID, f.editorOf(u).ID, "名单.xlsx", bytes.NewReader(x))
	if err != nil {
		f.t.Fatal(err)
	}
	c := tongfa.Content{Title: fmt.Sprintf("矩阵公示%d", f.n()), Body: "<p>公示名单见附件。</p>", Category: tongfa.CategoryNews,
		Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, Targets: []int64{},
		Attachments: []tongfa.MediaHash{o.Hash}}
	c.Media = c.MediaUses()
	it, err := f.h.db.CreateItem(ctx, u.ID, f.editorOf(u).ID, c, store.SystemActor, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return it, o.Hash
}

// uploadForm is a multipart/form-data body with a fresh picture.
func (f *fixture) uploadForm() (string, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "矩阵.png")
	fw.Write(f.uniquePNG())
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

func mediaRows() []row {
	pic := func(suffix string, body any) func(f *fixture, u *tongfa.Unit) request {
		return func(f *fixture, u *tongfa.Unit) request {
			return request{path: "/api/v1/media/" + f.picture(u).String() + suffix, body: body}
		}
	}
	return []row{
		{"POST", "/api/v1/media", func(f *fixture, u *tongfa.Unit) request {
			body, ct := f.uploadForm()
			return request{path: fmt.Sprintf("/api/v1/media?unit_id=%d", u.ID), body: body, hdr: map[string]string{"Content-Type": ct}}
		}, "all=403 ed=201,403,403,403"},
		{"GET", "/api/v1/media", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/media?unit_id=%d", u.ID)}
		}, everyone},
		{"GET", "/api/v1/media/{hash}", pic("", nil), readers},
		{"PUT", "/api/v1/media/{hash}", pic("", map[string]string{"alt": "会场全景", "caption": "常务会议现场"}), editorOnly},
		{"GET", "/api/v1/media/{hash}/check", pic("/check", nil), readers},
		{"POST", "/api/v1/items/{id}/attachments/{hash}/mask", func(f *fixture, u *tongfa.Unit) request {
			it, h := f.attachedItem(u)
			return request{path: fmt.Sprintf("/api/v1/items/%d/attachments/%s/mask", it.ID, h)}
		}, editorOnly},
		{"GET", "/media/{hash}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: "/media/" + f.picture(u).String()}
		}, readers},
	}
}

// media walks the library's routes for TestOpenAPIResponsesMatchSchemas.
func (s *shapes) media() {
	h := s.h
	f := newFixture(s.t, h)
	pic := f.picture(h.unitA)
	s.call("editor", "GET", "/api/v1/media", nil, nil, 200)
	s.call("editor", "GET", "/api/v1/media/{hash}", []any{pic}, nil, 200)
	s.call("editorB", "GET", "/api/v1/media/{hash}", []any{pic}, nil, 404)
	s.call("editor", "PUT", "/api/v1/media/{hash}", []any{pic}, map[string]any{"alt": "会场", "caption": "常务会议"}, 200)
	s.call("editor", "GET", "/api/v1/media/{hash}/check", []any{pic}, nil, 200)
	it, x := f.attachedItem(h.unitA)
	s.call("editor", "GET", "/api/v1/media/{hash}/check", []any{x}, nil, 200)
	s.call("editor", "POST", "/api/v1/items/{id}/attachments/{hash}/mask", []any{it.ID, x}, nil, 200)
	s.call("editor", "POST", "/api/v1/items/{id}/attachments/{hash}/mask", []any{it.ID, x}, nil, 404)
	got := s.call("editor", "GET", "/api/v1/items/{id}", []any{it.ID}, nil, 200)
	if atts := arr(obj(obj(got["version"])["content"])["attachments"]); len(atts) != 1 || atts[0] == x.String() {
		s.t.Errorf("masked version's attachments: %v", atts)
	}
}
