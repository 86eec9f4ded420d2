package picture

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/sniff"
)

// Limits of what is decoded. A picture is held whole in memory as RGBA
// while it is cleaned (4 bytes a pixel): 50 megapixels is 200 MB, enough
// for a 50 MP phone photo or a poster at print resolution, and a bound on
// what a decompression bomb can make us allocate. An animated GIF's frames
// together are bounded the same way.
const (
	MaxPixels    = 50_000_000
	MaxGIFPixels = 200_000_000
	jpegQuality  = 92 // cleaning: keep what the photographer had
)

// Picture is a decoded picture and its encoding.
type Picture struct {
	Type          sniff.Type
	Bytes         []byte
	Width, Height int
	// Frame is the picture (the first frame of an animation), right way up.
	Frame image.Image
	// Anim is the whole animation of an animated GIF, nil otherwise.
	Anim *gif.GIF
}

func refuse(format string, args ...any) error {
	return tongfa.Errorf(tongfa.EUnsupported, format, args...)
}

// Decode reads a picture of type t, refusing one too large to decode.
func Decode(b []byte, t sniff.Type) (*Picture, error) {
	cfg, err := decodeConfig(b, t)
	if err != nil {
		return nil, refuse("图片已损坏，无法读取，请重新导出后上传")
	}
	if cfg.Width*cfg.Height > MaxPixels || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, refuse("图片尺寸过大（%d×%d 像素），最多 %d 万像素，请缩小后再上传", cfg.Width, cfg.Height, MaxPixels/10000)
	}
	p := &Picture{Type: t, Bytes: b}
	if t == sniff.GIF {
		err = p.decodeGIF(b)
	} else {
		p.Frame, err = decodeFrame(b, t)
	}
	if err != nil {
		return nil, &tongfa.Error{Code: tongfa.EUnsupported, Message: "图片已损坏，无法读取，请重新导出后上传", Err: err}
	}
	p.Width, p.Height = p.Frame.Bounds().Dx(), p.Frame.Bounds().Dy()
	return p, nil
}

// codecs decode each picture type: its header alone, or its first frame.
var codecs = map[sniff.Type]struct {
	config func(io.Reader) (image.Config, error)
	frame  func(io.Reader) (image.Image, error)
}{
	sniff.JPEG: {jpeg.DecodeConfig, jpeg.Decode},
	sniff.PNG:  {png.DecodeConfig, png.Decode},
	sniff.GIF:  {gif.DecodeConfig, gif.Decode},
	sniff.WebP: {webp.DecodeConfig, webp.Decode},
}

func decodeConfig(b []byte, t sniff.Type) (image.Config, error) {
	c, ok := codecs[t]
	if !ok {
		return image.Config{}, fmt.Errorf("picture: %s is not a picture", t)
	}
	return c.config(bytes.NewReader(b))
}

func decodeFrame(b []byte, t sniff.Type) (image.Image, error) {
	return codecs[t].frame(bytes.NewReader(b))
}

// decodeGIF decodes every frame, after counting them without
// decompressing: LZW lets a few megabytes expand to gigabytes.
func (p *Picture) decodeGIF(b []byte) error {
	if px, ok := gifPixels(b); !ok || px > MaxGIFPixels {
		return fmt.Errorf("picture: gif frames hold %d pixels", px)
	}
	g, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil {
		return err
	}
	p.Frame = g.Image[0]
	if len(g.Image) > 1 {
		p.Anim = g
	}
	return nil
}

// Clean decodes b, turns it the right way up and encodes it again, so the
// result holds pixels and nothing else. JPEG stays JPEG (quality 92), PNG
// PNG, GIF GIF (animation kept, comments and XMP dropped); a WebP, which Go
// cannot encode, becomes a JPEG, or a PNG when it is transparent. Colour
// profiles are dropped with the rest: a wide-gamut photo looks slightly
// duller, which is accepted for the guarantee.
func Clean(b []byte, t sniff.Type) (*Picture, error) {
	p, err := Decode(b, t)
	if err != nil {
		return nil, err
	}
	if t == sniff.JPEG {
		p.Frame = orient(p.Frame, jpegOrientation(b))
		p.Width, p.Height = p.Frame.Bounds().Dx(), p.Frame.Bounds().Dy()
	}
	var buf bytes.Buffer
	switch {
	case p.Anim != nil:
		p.Anim.Config = image.Config{}
		err = gif.EncodeAll(&buf, p.Anim)
	case t == sniff.GIF:
		err = gif.Encode(&buf, p.Frame, nil)
	case t == sniff.PNG, t == sniff.WebP && !opaque(p.Frame):
		p.Type = sniff.PNG
		err = png.Encode(&buf, p.Frame)
	default:
		p.Type = sniff.JPEG
		err = jpeg.Encode(&buf, p.Frame, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return nil, fmt.Errorf("picture: encode %s: %w", p.Type, err)
	}
	p.Bytes = buf.Bytes()
	return p, nil
}

// opaque reports whether every pixel of img is opaque.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
