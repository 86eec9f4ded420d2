package picture_test

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/media/picture"
	"github.com/tongfa/tongfa/media/sniff"
)

// photo is a 12-megapixel (4000×3000) JPEG photo with GPS and orientation
// 6, as a phone takes it, of noise so it does not compress away.
func photo(b *testing.B) []byte {
	noise, err := mediatest.Noise(4000, 3000)
	if err != nil {
		b.Fatal(err)
	}
	p, err := picture.Decode(noise, sniff.PNG)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, p.Frame, &jpeg.Options{Quality: 90})
	in, _ := mediatest.JPEGWithGPS(16, 16, 6)
	// Graft the EXIF segment of the small photo onto the large one.
	app1 := in[2 : 2+2+int(in[4])<<8|int(in[5])]
	return append(append([]byte{0xFF, 0xD8}, app1...), buf.Bytes()[2:]...)
}

// BenchmarkClean measures cleaning a 12 MP phone photo (decode, turn,
// re-encode); ms/MP is per megapixel.
func BenchmarkClean(b *testing.B) {
	in := photo(b)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := picture.Clean(in, sniff.JPEG); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/12, "ms/MP")
}

// BenchmarkFitWeChat measures fitting the cleaned photo to WeChat's 1 MB,
// 1080 px limit.
func BenchmarkFitWeChat(b *testing.B) {
	p, err := picture.Clean(photo(b), sniff.JPEG)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := picture.Fit(p, picture.Specs[picture.WeChat]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/12, "ms/MP")
}
