package picture

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"slices"

	"golang.org/x/image/draw"

	"github.com/tongfa/tongfa/media/sniff"
)

// Platform names a place a picture is published, each with its limits.
type Platform string

// The platforms pictures are fitted to.
const (
	WeChat      Platform = "wechat"       // pictures in a WeChat article (media/uploadimg)
	WeChatCover Platform = "wechat_cover" // an article's cover (permanent image material)
	WeChatThumb Platform = "wechat_thumb" // thumb material (64 KB JPEG)
	Weibo       Platform = "weibo"
	App         Platform = "app"
	Website     Platform = "website"
	Douyin      Platform = "douyin" // covers and the pictures of Douyin image posts (video/upload_image)
)

// Spec is what a platform accepts.
type Spec struct {
	Name     string       // for operators
	MaxSide  int          // longest side in pixels
	MaxBytes int          // the file must be smaller than this
	Formats  []sniff.Type // accepted; JPEG is always among them
	NeedsAlt bool         // the picture must have alt text (accessibility of government websites)
}

// Specs are the platforms' limits. WeChat's uploadimg takes JPEG or PNG
// "below 1 MB", and articles show at most 1080 px wide; its permanent
// image material (the cover) takes up to 10 MB, but 2 MB has been the
// limit for years and loads faster; thumb material is a JPEG of at most
// 64 KB. Weibo's upload takes JPEG, PNG or GIF below 5 MB and shows 2048
// px at most. The app and the website get 1920 px, enough for any screen,
// in under 2 MB.
var Specs = map[Platform]Spec{
	WeChat:      {Name: "微信公众号正文图片", MaxSide: 1080, MaxBytes: 1_000_000, Formats: []sniff.Type{sniff.JPEG, sniff.PNG}},
	WeChatCover: {Name: "微信公众号封面", MaxSide: 1280, MaxBytes: 2_000_000, Formats: []sniff.Type{sniff.JPEG, sniff.PNG}},
	WeChatThumb: {Name: "微信公众号缩略图", MaxSide: 360, MaxBytes: 64_000, Formats: []sniff.Type{sniff.JPEG}},
	Weibo:       {Name: "微博配图", MaxSide: 2048, MaxBytes: 5_000_000, Formats: []sniff.Type{sniff.JPEG, sniff.PNG, sniff.GIF}},
	App:         {Name: "客户端图片", MaxSide: 1920, MaxBytes: 2_000_000, Formats: []sniff.Type{sniff.JPEG, sniff.PNG, sniff.GIF}},
	Website:     {Name: "网站图片", MaxSide: 1920, MaxBytes: 2_000_000, Formats: []sniff.Type{sniff.JPEG, sniff.PNG, sniff.GIF}, NeedsAlt: true},
	Douyin:      {Name: "抖音图文图片", MaxSide: 1920, MaxBytes: 5_000_000, Formats: []sniff.Type{sniff.JPEG, sniff.PNG}},
}

// qualities are tried in turn until a JPEG fits; then the picture shrinks.
var qualities = []int{85, 75, 65, 55}

// Fit returns p as the platform takes it: p itself when it already fits
// (an animated GIF keeps its animation only then), else a smaller copy,
// PNG while transparency matters and it fits, JPEG otherwise.
func Fit(p *Picture, s Spec) (*Picture, error) {
	if slices.Contains(s.Formats, p.Type) && max(p.Width, p.Height) <= s.MaxSide && len(p.Bytes) < s.MaxBytes {
		return p, nil
	}
	img := scale(p.Frame, s.MaxSide)
	for {
		if !opaque(img) && slices.Contains(s.Formats, sniff.PNG) {
			if b, err := encodePNG(img); err != nil || len(b) < s.MaxBytes {
				return fitted(img, b, sniff.PNG), err
			}
		}
		flat := flatten(img)
		for _, q := range qualities {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, flat, &jpeg.Options{Quality: q}); err != nil {
				return nil, fmt.Errorf("picture: encode jpeg: %w", err)
			}
			if buf.Len() < s.MaxBytes {
				return fitted(flat, buf.Bytes(), sniff.JPEG), nil
			}
		}
		side := max(img.Bounds().Dx(), img.Bounds().Dy()) * 3 / 4
		if side < 32 {
			return nil, fmt.Errorf("picture: cannot fit %s under %d bytes", s.Name, s.MaxBytes)
		}
		img = scale(img, side)
	}
}

func fitted(img image.Image, b []byte, t sniff.Type) *Picture {
	return &Picture{Type: t, Bytes: b, Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), Frame: img}
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	return buf.Bytes(), err
}

// scale shrinks img so its longest side is at most side (never enlarges),
// with Catmull-Rom resampling: sharp text on posters stays legible.
func scale(img image.Image, side int) image.Image {
	b := img.Bounds()
	if max(b.Dx(), b.Dy()) <= side {
		return img
	}
	w, h := within(b, side)
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// within is the size of b shrunk so its longest side is side.
func within(b image.Rectangle, side int) (w, h int) {
	w, h = b.Dx(), b.Dy()
	if w >= h {
		return side, max(1, h*side/w)
	}
	return max(1, w*side/h), side
}

// flatten puts a transparent picture on white, as JPEG has no alpha.
func flatten(img image.Image) image.Image {
	if opaque(img) {
		return img
	}
	dst := image.NewRGBA(img.Bounds())
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, img.Bounds().Min, draw.Over)
	return dst
}
