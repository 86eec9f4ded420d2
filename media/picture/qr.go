package picture

import (
	"image"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/draw"
)

// qrSide is the longest side QR codes are looked for at: a code printed
// on a poster still has two or more pixels a module there, and the
// search stays well under a second.
const qrSide = 2000

// QRCodes returns the contents of the QR codes in img, each once, in the
// order found.
func QRCodes(img image.Image) []string {
	if max(img.Bounds().Dx(), img.Bounds().Dy()) > qrSide {
		img = shrinkFast(img, qrSide)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return nil
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	var texts []string
	if rs, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints); err == nil {
		for _, r := range rs {
			texts = append(texts, r.GetText())
		}
	}
	if len(texts) == 0 {
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			texts = append(texts, r.GetText())
		}
	}
	return unique(texts)
}

func unique(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// shrinkFast scales with bilinear approximation: the QR search needs
// edges, not beauty.
func shrinkFast(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := within(b, side)
	dst := image.NewGray(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}
