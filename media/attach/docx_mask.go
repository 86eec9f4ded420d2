package attach

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"

	"github.com/tongfa/tongfa/sensitive"
)

// splice replaces xml[start:end] with text.
type splice struct {
	start, end int64
	text       string
}

// maskDOCX rewrites the text of the runs holding personal data and copies
// every other byte of the package as it was: styles, numbering, pictures
// and the other runs of the paragraph are untouched. A value split over
// several runs (Word splits text where the editing history does) is
// replaced in the run it starts in, and removed from the others.
func maskDOCX(doc *Document, edits map[int][]sensitive.Finding) ([]byte, error) {
	byPart := map[string][]splice{}
	for i, fs := range edits {
		seg := doc.Segments[i]
		byPart[seg.part] = append(byPart[seg.part], runSplices(seg, fs)...)
	}
	zr, err := zip.NewReader(bytes.NewReader(doc.raw), int64(len(doc.raw)))
	if err != nil {
		return nil, unreadable("Word", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := copyPart(zw, f, byPart[f.Name]); err != nil {
			return nil, fmt.Errorf("attach: write docx %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("attach: write docx: %w", err)
	}
	return buf.Bytes(), nil
}

// runSplices turns a paragraph's findings into new texts for its runs.
func runSplices(seg Segment, fs []sensitive.Finding) []splice {
	var out []splice
	placed := make([]bool, len(fs))
	for _, r := range seg.runs {
		var b bytes.Buffer
		pos, changed := r.textStart, false
		for k, f := range fs {
			if f.End <= r.textStart || f.Start >= r.textEnd {
				continue
			}
			a, e := max(f.Start, pos), min(f.End, r.textEnd)
			b.WriteString(seg.Text[pos:a])
			b.WriteString(piece(seg.Text, f, a, e, !placed[k]))
			placed[k] = true
			pos, changed = e, true
		}
		if changed {
			b.WriteString(seg.Text[pos:r.textEnd])
			var esc bytes.Buffer
			xml.EscapeText(&esc, b.Bytes())
			out = append(out, splice{r.xmlStart, r.xmlEnd, esc.String()})
		}
	}
	return out
}

// piece is the part of f's replacement that goes where text[a:b] was.
// A mask as long as the original (the usual case: digits become stars)
// is cut character for character, so each run keeps its own characters'
// formatting; another is put whole where the value starts.
func piece(text string, f sensitive.Finding, a, b int, first bool) string {
	repl := []rune(f.Replacement)
	if len(repl) == utf8.RuneCountInString(f.Text) {
		i := utf8.RuneCountInString(text[f.Start:a])
		return string(repl[i : i+utf8.RuneCountInString(text[a:b])])
	}
	if first {
		return f.Replacement
	}
	return ""
}

// copyPart copies a zip entry unchanged (still compressed) or, with
// splices, writes its edited XML.
func copyPart(zw *zip.Writer, f *zip.File, sp []splice) error {
	if len(sp) == 0 {
		return zw.Copy(f)
	}
	b, err := readPart(f)
	if err != nil {
		return err
	}
	sort.Slice(sp, func(i, j int) bool { return sp[i].start < sp[j].start })
	var out bytes.Buffer
	pos := int64(0)
	for _, s := range sp {
		out.Write(b[pos:s.start])
		out.WriteString(s.text)
		pos = s.end
	}
	out.Write(b[pos:])
	hdr := f.FileHeader
	hdr.Method = zip.Deflate
	hdr.Extra = nil // may hold the old sizes (zip64)
	w, err := zw.CreateHeader(&hdr)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, &out)
	return err
}
