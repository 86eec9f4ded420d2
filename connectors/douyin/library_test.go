package douyin_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	lib "github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/media/picture"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// libraryPictures stores noise pictures of the given sizes in a fresh
// media library (PostgreSQL) and returns it with their hashes.
func libraryPictures(t *testing.T, sizes ...[2]int) (*lib.Service, int64, []*lib.Object) {
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
	var objs []*lib.Object
	for _, sz := range sizes {
		b, err := mediatest.Noise(sz[0], sz[1])
		if err != nil {
			t.Fatal(err)
		}
		o, err := svc.Upload(ctx, unit.ID, 0, "图.png", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	return svc, unit.ID, objs
}

// TestLibraryPicturesToDouyin: the pictures of an image post that are in
// the media library are read from the store as their copies fitted to
// Douyin (never through the image fetcher), so a picture too big for
// Douyin as uploaded (a 2600×1800 noise PNG, over 5 MB) goes up as the
// fitted copy and the post is created.
func TestLibraryPicturesToDouyin(t *testing.T) {
	b := setup(t, sim.DouyinOptions{})
	svc, unit, objs := libraryPictures(t, [2]int{2600, 1800}, [2]int{800, 600})
	b.Client.Images = nil // nothing but the library may give pictures
	b.Client.Library = lib.Source{Service: svc}
	ctx := context.Background()
	if objs[0].Size < sim.DouyinImageMax {
		t.Fatalf("the first picture should be over Douyin's limit as stored: %d bytes", objs[0].Size)
	}
	hs := []tongfa.MediaHash{objs[0].Hash, objs[1].Hash}

	p := b.Post("图文")
	p.Payload.Video, p.Payload.Cover = "", ""
	p.Payload.Images = []string{hs[0].Ref(), hs[1].Ref()}
	r, err := b.Client.Publish(ctx, p, connectortest.NewSteps())
	if err != nil || r.URL == "" {
		t.Fatalf("%+v %v", r, err)
	}
	got := b.Sim.DouyinImages()
	for _, h := range hs {
		v, err := svc.Variant(ctx, unit, h, picture.Douyin)
		if err != nil {
			t.Fatal(err)
		}
		if v.Size >= sim.DouyinImageMax || max(v.Width, v.Height) > picture.Specs[picture.Douyin].MaxSide {
			t.Errorf("copy %+v does not fit Douyin", v)
		}
		if got[v.Hash.String()] != 1 {
			t.Errorf("Douyin did not receive the fitted copy %s once: %v", v.Hash, got)
		}
	}
	if len(got) != 2 {
		t.Errorf("Douyin received %d images, want 2: %v", len(got), got)
	}
	b.WantPosts(t, 1)
}

// TestMissingLibraryPictureFailsForGood: a library picture the store does
// not hold is a permanent failure naming the file; nothing is posted.
func TestMissingLibraryPictureFailsForGood(t *testing.T) {
	b := setup(t, sim.DouyinOptions{})
	svc, _, _ := libraryPictures(t)
	b.Client.Library = lib.Source{Service: svc}
	p := b.Post("缺图")
	p.Payload.Video, p.Payload.Cover = "", ""
	p.Payload.Images = []string{tongfa.SumMedia([]byte("nothing")).Ref()}
	_, err := b.Client.Publish(context.Background(), p, connectortest.NewSteps())
	ce := connectortest.WantClass(t, err, connectors.Permanent)
	if ce.Code != "media_unavailable" {
		t.Errorf("code %q", ce.Code)
	}
	if n := b.Sim.Calls("douyin", "api/douyin/v1/video/upload_image/"); n != 0 {
		t.Errorf("%d images uploaded", n)
	}
}
