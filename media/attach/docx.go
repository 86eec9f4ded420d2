package attach

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
)

const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// maxPart bounds one unzipped XML part of a Word document (zip bombs).
const maxPart = 256 << 20

// run is one w:t (or w:delText) element: where its text lies in the part's
// XML, and where that text lies in its paragraph's text.
type run struct {
	xmlStart, xmlEnd   int64
	textStart, textEnd int
}

// wordParts are the parts of a Word document that hold text, with the
// name their locations start with; the body's has none.
var wordParts = []struct{ prefix, place string }{
	{"word/document.xml", ""}, {"word/header", "页眉"}, {"word/footer", "页脚"},
	{"word/footnotes.xml", "脚注"}, {"word/endnotes.xml", "尾注"}, {"word/comments.xml", "批注"},
}

// readDOCX reads the paragraphs of the body, the tables, headers,
// footers, notes and comments.
func (d *Document) readDOCX() error {
	zr, err := zip.NewReader(bytes.NewReader(d.raw), int64(len(d.raw)))
	if err != nil {
		return unreadable("Word", err)
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, wp := range wordParts {
		for _, f := range files {
			if f.Name != wp.prefix && !(strings.HasSuffix(wp.prefix, "r") && strings.HasPrefix(f.Name, wp.prefix) && strings.HasSuffix(f.Name, ".xml")) {
				continue
			}
			xmlText, err := readPart(f)
			if err != nil {
				return unreadable("Word", err)
			}
			place := wp.place
			if place == "页眉" || place == "页脚" {
				place += strings.TrimSuffix(strings.TrimPrefix(f.Name, wp.prefix), ".xml") + " "
			}
			segs, err := wordSegments(f.Name, xmlText, place)
			if err != nil {
				return unreadable("Word", err)
			}
			d.Segments = append(d.Segments, segs...)
		}
	}
	d.Images = countParts(d.raw, "word/media/")
	return nil
}

func readPart(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPart+1))
	if err == nil && len(b) > maxPart {
		err = fmt.Errorf("attach: %s larger than %d bytes", f.Name, maxPart)
	}
	return b, err
}

// table is one open w:tbl while walking a part.
type table struct {
	n, row, col int
	header      []string
	cell        strings.Builder
}

// para is one open w:p: its text so far and where its runs lie.
type para struct {
	text strings.Builder
	runs []run
}

// walker turns one part's XML into segments, remembering where every
// run's text lies so a mask can rewrite exactly those bytes.
type walker struct {
	part, place   string
	tables        []*table
	paras         []*para
	nTables, nPar int
	inText        bool
	runStart      int64
	runText       int
	fallback      int // depth inside mc:Fallback, whose text repeats mc:Choice
	segs          []Segment
}

func wordSegments(part string, xmlText []byte, place string) ([]Segment, error) {
	w := &walker{part: part, place: place}
	dec := xml.NewDecoder(bytes.NewReader(xmlText))
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			return w.segs, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			w.start(t, dec.InputOffset())
		case xml.EndElement:
			w.end(t, before)
		case xml.CharData:
			if w.inText && len(w.paras) > 0 {
				w.paras[len(w.paras)-1].text.Write(t)
			}
		}
	}
}

func (w *walker) start(t xml.StartElement, offset int64) {
	if t.Name.Local == "Fallback" {
		w.fallback++
	}
	if t.Name.Space != wordNS {
		return
	}
	p := w.top()
	switch t.Name.Local {
	case "tbl":
		w.nTables++
		w.tables = append(w.tables, &table{n: w.nTables})
	case "tr":
		if tb := w.table(); tb != nil {
			tb.row, tb.col = tb.row+1, 0
		}
	case "tc":
		if tb := w.table(); tb != nil {
			tb.col++
			tb.cell.Reset()
		}
	case "p":
		w.paras = append(w.paras, &para{})
	case "t", "delText":
		if p != nil {
			w.inText, w.runStart, w.runText = true, offset, p.text.Len()
		}
	case "tab":
		if p != nil {
			p.text.WriteByte('\t')
		}
	case "br", "cr":
		if p != nil {
			p.text.WriteByte('\n')
		}
	}
}

func (w *walker) end(t xml.EndElement, offset int64) {
	if t.Name.Local == "Fallback" {
		w.fallback--
	}
	if t.Name.Space != wordNS {
		return
	}
	switch t.Name.Local {
	case "t", "delText":
		if p := w.top(); p != nil && w.inText {
			p.runs = append(p.runs, run{xmlStart: w.runStart, xmlEnd: offset, textStart: w.runText, textEnd: p.text.Len()})
		}
		w.inText = false
	case "p":
		w.endPara()
	case "tc":
		if tb := w.table(); tb != nil && tb.row == 1 {
			tb.header = append(tb.header, strings.TrimSpace(tb.cell.String()))
		}
	case "tbl":
		w.tables = w.tables[:len(w.tables)-1]
	}
}

// endPara closes a paragraph into a segment named by where it stands.
func (w *walker) endPara() {
	p := w.top()
	if p == nil {
		return
	}
	w.paras = w.paras[:len(w.paras)-1]
	seg := Segment{Text: p.text.String(), part: w.part, runs: p.runs, shadow: w.fallback > 0}
	if tb := w.table(); tb != nil {
		tb.cell.WriteString(seg.Text)
		seg.Location = fmt.Sprintf("%s表格 %d 第 %d 行第 %d 列", w.place, tb.n, tb.row, tb.col)
		if tb.row > 1 && tb.col <= len(tb.header) {
			seg.Label = tb.header[tb.col-1]
		}
	} else if seg.shadow {
		seg.Location = "兼容副本"
	} else {
		w.nPar++
		seg.Location = fmt.Sprintf("%s第 %d 段", w.place, w.nPar)
	}
	if strings.TrimSpace(seg.Text) != "" {
		w.segs = append(w.segs, seg)
	}
}

func (w *walker) top() *para {
	if len(w.paras) == 0 {
		return nil
	}
	return w.paras[len(w.paras)-1]
}

func (w *walker) table() *table {
	if len(w.tables) == 0 {
		return nil
	}
	return w.tables[len(w.tables)-1]
}
