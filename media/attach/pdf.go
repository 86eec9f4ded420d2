package attach

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ledongthuc/pdf"
)

// maxPages bounds the pages read from one PDF.
const maxPages = 2000

// readPDF reads the text layer page by page. A page without text is
// listed in Blank: it was scanned or drawn, and only a person can read it.
// The reader panics on some malformed files; that is an unreadable file,
// not a crash.
func (d *Document) readPDF() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = unreadable("PDF", fmt.Errorf("attach: pdf reader panicked: %v", p))
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(d.raw), int64(len(d.raw)))
	if err != nil {
		return unreadable("PDF", err)
	}
	d.Pages = r.NumPage()
	if d.Pages > maxPages {
		return unreadable("PDF", fmt.Errorf("attach: %d pages", d.Pages))
	}
	fonts := map[string]*pdf.Font{}
	for i := 1; i <= d.Pages; i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			d.Blank = append(d.Blank, i)
			continue
		}
		for _, name := range p.Fonts() {
			if _, ok := fonts[name]; !ok {
				f := p.Font(name)
				fonts[name] = &f
			}
		}
		text, err := p.GetPlainText(fonts)
		if err != nil {
			return unreadable("PDF", err)
		}
		if strings.TrimSpace(text) == "" {
			d.Blank = append(d.Blank, i)
			continue
		}
		d.Segments = append(d.Segments, Segment{Location: fmt.Sprintf("第 %d 页", i), Text: text})
	}
	return nil
}
