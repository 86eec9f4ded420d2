package picture_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"testing"

	"github.com/rwcarlsen/goexif/exif"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/media/picture"
	"github.com/tongfa/tongfa/media/sniff"
)

func TestCleanDropsGPSAndTurnsThePhoto(t *testing.T) {
	in, err := mediatest.JPEGWithGPS(64, 32, 6)
	if err != nil {
		t.Fatal(err)
	}
	x, err := exif.Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatalf("the test photo's EXIF does not parse: %v", err)
	}
	if lat, lon, err := x.LatLong(); err != nil || lat < 35.7 || lat > 35.8 || lon < 114.2 || lon > 114.4 {
		t.Fatalf("the test photo's GPS: %v %v %v", lat, lon, err)
	}
	p, err := picture.Clean(in, sniff.JPEG)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exif.Decode(bytes.NewReader(p.Bytes)); err == nil {
		t.Fatal("EXIF survived cleaning")
	}
	for _, marker := range [][]byte{[]byte("Exif"), []byte("http://ns.adobe.com/xap"), {0xFF, 0xE1}} {
		if bytes.Contains(p.Bytes, marker) {
			t.Fatalf("%q left in the cleaned picture", marker)
		}
	}
	// Orientation 6: the stored picture is shown turned 90° clockwise, so
	// the blue top-left quarter ends up top right.
	if p.Width != 32 || p.Height != 64 || p.Type != sniff.JPEG {
		t.Fatalf("%s %d×%d", p.Type, p.Width, p.Height)
	}
	if !blue(p.Frame.At(28, 4)) || blue(p.Frame.At(4, 4)) {
		t.Fatal("not turned the right way")
	}
}

func blue(c color.Color) bool {
	r, _, b, _ := c.RGBA()
	return b > r
}

func TestOrientations(t *testing.T) {
	// Where the blue quarter of a 64×32 picture is shown for each
	// orientation, as a point inside it.
	want := map[int]image.Point{1: {4, 4}, 2: {60, 4}, 3: {60, 28}, 4: {4, 28}, 5: {4, 4}, 6: {28, 4}, 7: {28, 60}, 8: {4, 60}}
	for o, pt := range want {
		in, _ := mediatest.JPEGWithGPS(64, 32, o)
		p, err := picture.Clean(in, sniff.JPEG)
		if err != nil {
			t.Fatal(err)
		}
		if !blue(p.Frame.At(pt.X, pt.Y)) {
			t.Errorf("orientation %d: no blue at %v", o, pt)
		}
	}
}

func TestFitOversizePNGToWeChat(t *testing.T) {
	in, err := mediatest.Noise(1800, 1200)
	if err != nil {
		t.Fatal(err)
	}
	if len(in) < 5_000_000 {
		t.Fatalf("the test picture is only %d bytes", len(in))
	}
	p, err := picture.Clean(in, sniff.PNG)
	if err != nil {
		t.Fatal(err)
	}
	spec := picture.Specs[picture.WeChat]
	f, err := picture.Fit(p, spec)
	if err != nil {
		t.Fatal(err)
	}
	b, typ := f.Bytes, f.Type
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || len(b) >= spec.MaxBytes || max(cfg.Width, cfg.Height) > spec.MaxSide || (typ != sniff.JPEG && typ != sniff.PNG) || format != string(typ) {
		t.Fatalf("%s %d bytes %d×%d (%v)", typ, len(b), cfg.Width, cfg.Height, err)
	}
	thumb, err := picture.Fit(p, picture.Specs[picture.WeChatThumb])
	if err != nil || thumb.Type != sniff.JPEG || len(thumb.Bytes) >= 64_000 || max(thumb.Width, thumb.Height) > 360 {
		t.Fatalf("thumb: %+v, %v", thumb, err)
	}
}

func TestFitKeepsWhatFits(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, mediatest.Marked(200, 100))
	p, err := picture.Clean(buf.Bytes(), sniff.PNG)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := picture.Fit(p, picture.Specs[picture.Website]); err != nil || f != p {
		t.Fatalf("a small PNG is taken as it is: %v", err)
	}
}

func TestAnimatedGIFKeepsFrames(t *testing.T) {
	pal := color.Palette{color.White, color.Black}
	g := &gif.GIF{LoopCount: 0}
	for i := range 3 {
		f := image.NewPaletted(image.Rect(0, 0, 20, 20), pal)
		f.SetColorIndex(i, i, 1)
		g.Image, g.Delay = append(g.Image, f), append(g.Delay, 10)
	}
	var buf bytes.Buffer
	gif.EncodeAll(&buf, g)
	p, err := picture.Clean(buf.Bytes(), sniff.GIF)
	if err != nil || p.Anim == nil || len(p.Anim.Image) != 3 {
		t.Fatalf("%+v %v", p, err)
	}
	if f, _ := picture.Fit(p, picture.Specs[picture.WeChat]); f.Type != sniff.JPEG {
		t.Fatalf("WeChat takes no GIF: got %s", f.Type)
	}
}

func TestDecodeRefusesBombs(t *testing.T) {
	// A PNG header claiming 20000×20000 pixels.
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := buf.Bytes()
	b[16], b[17], b[18], b[19] = 0, 0, 0x4E, 0x20
	b[20], b[21], b[22], b[23] = 0, 0, 0x4E, 0x20
	if _, err := picture.Clean(b, sniff.PNG); tongfa.ErrorCode(err) != tongfa.EUnsupported {
		t.Fatalf("huge picture: %v", err)
	}
	if _, err := picture.Clean([]byte("\xFF\xD8\xFF\xE0garbage"), sniff.JPEG); tongfa.ErrorCode(err) != tongfa.EUnsupported {
		t.Fatalf("broken picture: %v", err)
	}
}

func TestQRCodes(t *testing.T) {
	poster, err := mediatest.Poster(1200, 1800, "https://lottery.example.com/win?id=1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := picture.Clean(poster, sniff.PNG)
	if err != nil {
		t.Fatal(err)
	}
	got := picture.QRCodes(p.Frame)
	if len(got) != 1 || got[0] != "https://lottery.example.com/win?id=1" {
		t.Fatalf("QR codes %q", got)
	}
	if got := picture.QRCodes(mediatest.Marked(300, 300)); len(got) != 0 {
		t.Fatalf("QR codes in a plain picture: %q", got)
	}
}
