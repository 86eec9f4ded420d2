package mediatest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Marked returns a w×h picture, red with a blue top-left quarter, so a
// test can tell which way up it is.
func Marked(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{200, 30, 30, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, w/2, h/2), image.NewUniform(color.RGBA{30, 30, 200, 255}), image.Point{}, draw.Src)
	return img
}

// JPEGWithGPS returns Marked(w, h) as a JPEG carrying EXIF: orientation o
// and a GPS position (35°44'12.34"N 114°17'56.78"E), as a phone writes it.
func JPEGWithGPS(w, h, o int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Marked(w, h), &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	tiff := exifTIFF(uint16(o))
	app1 := append([]byte{0xFF, 0xE1, 0, 0}, "Exif\x00\x00"...)
	app1 = append(app1, tiff...)
	binary.BigEndian.PutUint16(app1[2:], uint16(len(app1)-2))
	return append(append(append([]byte{}, b[:2]...), app1...), b[2:]...), nil
}

// exifTIFF is a big-endian TIFF header, IFD0 with the orientation and a
// pointer to a GPS IFD holding latitude and longitude.
func exifTIFF(o uint16) []byte {
	be := binary.BigEndian
	t := make([]byte, 140)
	copy(t, "MM\x00\x2A")
	be.PutUint32(t[4:], 8)
	entry := func(at int, tag, typ uint16, count, value uint32) {
		be.PutUint16(t[at:], tag)
		be.PutUint16(t[at+2:], typ)
		be.PutUint32(t[at+4:], count)
		be.PutUint32(t[at+8:], value)
	}
	be.PutUint16(t[8:], 2)
	entry(10, 0x0112, 3, 1, uint32(o)<<16) // SHORT, left-justified in the value
	entry(22, 0x8825, 4, 1, 38)            // GPS IFD pointer
	be.PutUint16(t[38:], 4)
	entry(40, 0x0001, 2, 2, 'N'<<24)
	entry(52, 0x0002, 5, 3, 92)
	entry(64, 0x0003, 2, 2, 'E'<<24)
	entry(76, 0x0004, 5, 3, 116)
	for i, v := range []uint32{35, 1, 44, 1, 1234, 100, 114, 1, 17, 1, 5678, 100} {
		be.PutUint32(t[92+4*i:], v)
	}
	return t
}

// Poster returns a w×h PNG poster with a QR code for text in its lower
// right corner, on a coloured background with a few blocks of "print".
func Poster(w, h int, text string) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{250, 235, 200, 255}), image.Point{}, draw.Src)
	for y := h / 10; y < h/2; y += h / 12 {
		draw.Draw(img, image.Rect(w/10, y, w*8/10, y+h/30), image.NewUniform(color.RGBA{150, 20, 20, 255}), image.Point{}, draw.Src)
	}
	side := min(w, h) / 4
	code, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, side, side, nil)
	if err != nil {
		return nil, err
	}
	at := image.Pt(w-side-w/20, h-side-h/20)
	draw.Draw(img, image.Rectangle{Min: at, Max: at.Add(image.Pt(side, side))}, code, image.Point{}, draw.Src)
	var buf bytes.Buffer
	err = png.Encode(&buf, img)
	return buf.Bytes(), err
}

// Noise returns a w×h PNG of coloured noise: it compresses badly, so it
// is large for its size.
func Noise(w, h int) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	x := uint32(2463534242)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}
