package wechat_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	lib "github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// libraryPictures stores n pictures (a 1400×900 picture first, too big
// for WeChat as it is) in a fresh library and returns it with their
// hashes.
func libraryPictures(t *testing.T, n int) (lib.Source, []tongfa.MediaHash) {
	t.Helper()
	ctx := context.Background()
	db := storetest.New(t)
	var unit *tongfa.Unit
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		unit, err = tx.CreateUnit(ctx, "示范市甲局", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := lib.New(db, sensitive.NewDefault(), lib.Limits{}, 2)
	var hs []tongfa.MediaHash
	for i := range n {
		b, err := mediatest.Noise(1400-i*100, 900)
		if err != nil {
			t.Fatal(err)
		}
		o, err := svc.Upload(ctx, unit.ID, 0, "图.png", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, o.Hash)
	}
	return lib.Source{Service: svc}, hs
}

// TestLibraryPicturesGoUpOncePerAccount: a cover and two body pictures of
// the library are read from the store (never fetched), fitted to WeChat's
// limits, and uploaded once per account: a second article with the same
// pictures uploads nothing again.
func TestLibraryPicturesGoUpOncePerAccount(t *testing.T) {
	st := newSetup(t)
	src, hs := libraryPictures(t, 3)
	st.client.Library = src
	post := func(title string) *connectors.Post {
		p := st.Post(title)
		p.Payload.Cover = hs[0].Ref()
		p.Payload.HTML = `<p>正文</p><p><img src="` + hs[1].Ref() + `" alt="一"></p><p><img src="` + hs[2].Ref() + `" alt="二"></p>`
		return p
	}
	var urls []string
	for _, title := range []string{"第一篇", "第二篇"} {
		r, err := st.Publisher.Publish(context.Background(), post(title), connectortest.NewSteps())
		if err != nil {
			t.Fatalf("%s: %v", title, err)
		}
		urls = append(urls, r.URL)
	}
	if n := st.Sim.Calls("wechat", "cgi-bin/material/add_material"); n != 1 {
		t.Errorf("thumb material uploaded %d times, want 1", n)
	}
	if n := st.Sim.Calls("wechat", "cgi-bin/media/uploadimg"); n != 2 {
		t.Errorf("uploadimg called %d times, want 2", n)
	}
	st.WantPosts(t, 2)
	for _, u := range urls {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(page), "/media/") || strings.Count(string(page), "/wechat/mmbiz/") < 2 {
			t.Errorf("the article's pictures are not WeChat's: %.300s", page)
		}
	}
}

// TestMissingLibraryFileFailsForGood: a picture the library does not hold
// is a permanent failure naming the file, and nothing reaches WeChat.
func TestMissingLibraryFileFailsForGood(t *testing.T) {
	st := newSetup(t)
	src, _ := libraryPictures(t, 0)
	st.client.Library = src
	p := st.Post("缺图")
	p.Payload.Cover = tongfa.SumMedia([]byte("nothing")).Ref()
	_, err := st.Publisher.Publish(context.Background(), p, connectortest.NewSteps())
	ce := connectortest.WantClass(t, err, connectors.Permanent)
	if ce.Code != "media_unavailable" {
		t.Errorf("code %q", ce.Code)
	}
	wantNothingUploaded(t, st)
}
