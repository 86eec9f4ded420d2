package media_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/rwcarlsen/goexif/exif"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/media/picture"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

var checker = sync.OnceValue(sensitive.NewDefault)

type fixture struct {
	svc         *media.Service
	db          *store.DB
	unit, other int64
	user        int64
}

func setup(t *testing.T) fixture {
	t.Helper()
	db := storetest.New(t)
	f := fixture{db: db, svc: media.New(db, checker(), media.Limits{}, 2)}
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.CreateUnit(ctx, "测试市人民政府办公室", nil)
		if err != nil {
			return err
		}
		o, err := tx.CreateUnit(ctx, "测试市教育局", nil)
		if err != nil {
			return err
		}
		user, err := tx.CreateUser(ctx, store.NewUser{Username: "editor", UnitID: u.ID, PasswordHash: "x"})
		f.unit, f.other, f.user = u.ID, o.ID, user.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f fixture) upload(t *testing.T, name string, b []byte) *media.Object {
	t.Helper()
	o, err := f.svc.Upload(context.Background(), f.unit, f.user, name, bytes.NewReader(b))
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	return o
}

func TestUploadCleansAPhotoAndFitsItToPlatforms(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	in, _ := mediatest.JPEGWithGPS(640, 480, 6)
	o := f.upload(t, "现场.jpg", in)
	if o.Type != "jpeg" || o.Width != 480 || o.Height != 640 || o.Name != "现场.jpg" || o.UnitID != f.unit {
		t.Fatalf("%+v", o)
	}
	stored, _ := f.db.GetBlob(ctx, o.Hash)
	if _, err := exif.Decode(bytes.NewReader(stored)); err == nil || media.Sum(stored) != o.Hash {
		t.Fatal("the stored photo keeps its EXIF, or is not named by its hash")
	}
	if again := f.upload(t, "again.jpg", in); again.ID != o.ID {
		t.Fatal("the same photo twice is two objects")
	}
	if _, err := f.svc.Variant(ctx, f.unit, o.Hash, picture.Website); tongfa.ErrorCode(err) != tongfa.EInvalid {
		t.Fatalf("website picture without alt text: %v", err)
	}
	if err := f.db.DescribeObject(ctx, f.unit, o.Hash, "会议现场", ""); err != nil {
		t.Fatal(err)
	}
	for _, p := range []picture.Platform{picture.Website, picture.WeChat, picture.WeChatThumb, picture.Weibo} {
		v, err := f.svc.Variant(ctx, f.unit, o.Hash, p)
		spec := picture.Specs[p]
		if err != nil || v.Size >= int64(spec.MaxBytes) || max(v.Width, v.Height) > spec.MaxSide {
			t.Fatalf("%s: %+v %v", p, v, err)
		}
		if cached, _ := f.svc.Variant(ctx, f.unit, o.Hash, p); cached.Hash != v.Hash {
			t.Fatalf("%s: not cached", p)
		}
	}
	if _, err := f.svc.Variant(ctx, f.other, o.Hash, picture.Weibo); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("another unit's picture: %v", err)
	}
}

func TestUploadRefuses(t *testing.T) {
	f := setup(t)
	for name, b := range map[string][]byte{
		"page.jpg": []byte("<html><script>alert(1)</script></html>"),
		"logo.png": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		"名单.xlsx":  []byte("PK\x03\x04broken"),
	} {
		if _, err := f.svc.Upload(context.Background(), f.unit, f.user, name, bytes.NewReader(b)); tongfa.ErrorCode(err) != tongfa.EUnsupported {
			t.Errorf("%s: %v", name, err)
		}
	}
	small := media.New(f.db, checker(), media.Limits{Image: 100, Attachment: 1000, Video: 1000}, 1)
	in, _ := mediatest.JPEGWithGPS(64, 64, 1)
	if _, err := small.Upload(context.Background(), f.unit, f.user, "a.jpg", bytes.NewReader(in)); tongfa.ErrorCode(err) != tongfa.ETooLarge {
		t.Errorf("large picture: %v", err)
	}
	video := append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00"), make([]byte, 2000)...)
	if _, err := small.Upload(context.Background(), f.unit, f.user, "a.mp4", bytes.NewReader(video)); tongfa.ErrorCode(err) != tongfa.ETooLarge {
		t.Errorf("large video: %v", err)
	}
	o, err := f.svc.Upload(context.Background(), f.unit, f.user, "a.mp4", bytes.NewReader(video))
	if err != nil || o.Type != "mp4" || o.Size != int64(len(video)) || o.Hash != media.Sum(video) {
		t.Fatalf("video: %+v %v", o, err)
	}
}

func TestPosterQRCodeOutsideTheAllowList(t *testing.T) {
	f := setup(t)
	poster, err := mediatest.Poster(1000, 1400, "https://lottery.example.com/prize")
	if err != nil {
		t.Fatal(err)
	}
	o := f.upload(t, "海报.png", poster)
	links, err := f.svc.Links(context.Background(), f.unit, o.Hash)
	if err != nil || len(links) != 1 || links[0] != "https://lottery.example.com/prize" {
		t.Fatalf("links %q %v", links, err)
	}
	rep, err := f.svc.CheckAttachment(context.Background(), f.unit, o.Hash, media.CheckOptions{Allowed: media.AllowList{"gov.cn"}})
	if err != nil {
		t.Fatal(err)
	}
	var qr *attach.Finding
	for i, fd := range rep.Findings {
		if fd.Category == attach.CategoryQRLink {
			qr = &rep.Findings[i]
		}
	}
	if qr == nil || qr.Level != sensitive.LevelReview || qr.Rule != "lottery.example.com" || !strings.HasPrefix(qr.Suggestion, "图片中的二维码指向 lottery.example.com") {
		t.Fatalf("findings %+v", rep.Findings)
	}
}

func TestQRFindings(t *testing.T) {
	allowed := media.AllowList{"hebi.gov.cn", "*.weixin.qq.com"}
	fs := media.QRFindings([]string{"https://www.hebi.gov.cn/x", "http://mp.weixin.qq.com/s/abc", "https://evil.example/", "WWW.Evil.example/a", "张三 13812342345"}, allowed)
	if len(fs) != 3 || fs[0].Rule != "evil.example" || fs[1].Rule != "www.evil.example" || !strings.Contains(fs[2].Suggestion, "不是网址") {
		t.Fatalf("%+v", fs)
	}
	if fs[0].Location != "二维码 3" {
		t.Fatalf("location %q", fs[0].Location)
	}
}

func TestCheckAndMaskAnAttachment(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	b, err := mediatest.XLSX(mediatest.Roster(50))
	if err != nil {
		t.Fatal(err)
	}
	o := f.upload(t, "低保名单.xlsx", b)
	rep, err := f.svc.CheckAttachment(ctx, f.unit, o.Hash, media.CheckOptions{})
	if err != nil || !rep.Blocked || rep.Findings[0].Location == "" {
		t.Fatalf("%+v %v", rep, err)
	}
	m, err := f.svc.MaskAttachment(ctx, f.unit, f.user, o.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "低保名单（已脱敏）.xlsx" || m.DerivedFrom == nil || *m.DerivedFrom != o.Hash || m.Hash == o.Hash {
		t.Fatalf("%+v", m)
	}
	rep, err = f.svc.CheckAttachment(ctx, f.unit, m.Hash, media.CheckOptions{})
	if err != nil || rep.Blocked {
		t.Fatalf("the masked copy still blocks: %+v %v", rep.Findings[:min(3, len(rep.Findings))], err)
	}
	if _, err := f.svc.CheckAttachment(ctx, f.other, o.Hash, media.CheckOptions{}); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("another unit checks the file: %v", err)
	}
}
