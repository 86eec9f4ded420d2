package attach

import (
	"bytes"
	"fmt"

	"github.com/tongfa/tongfa/sensitive"
)

// maskXLSX rewrites only the cells that hold personal data, as text with
// their style kept; excelize writes the rest of the workbook back as read.
// A cell that was a number (a phone typed as 13812342345) becomes text:
// 138****2345 is no number.
func maskXLSX(doc *Document, edits map[int][]sensitive.Finding) ([]byte, error) {
	f, err := openXLSX(doc.raw)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for i, fs := range edits {
		seg := doc.Segments[i]
		if seg.cell == "" {
			continue // a comment: verify reports what is left
		}
		if err := f.SetCellStr(seg.part, seg.cell, replace(seg.Text, fs)); err != nil {
			return nil, fmt.Errorf("attach: mask %s: %w", seg.Location, err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("attach: write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}
