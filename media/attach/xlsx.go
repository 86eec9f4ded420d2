package attach

import (
	"archive/zip"
	"bytes"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// xlsxOptions bound what opening a workbook may unzip: a 50 MB upload of
// compressed XML must not expand into gigabytes (a zip bomb).
var xlsxOptions = excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 256 << 20}

func openXLSX(b []byte) (*excelize.File, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), xlsxOptions)
	if err != nil {
		return nil, unreadable("Excel", err)
	}
	return f, nil
}

// readXLSX reads every cell of every sheet, hidden ones too (hidden is not
// private: anyone who opens the file can show them), and every comment.
func (d *Document) readXLSX() error {
	f, err := openXLSX(d.raw)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		if err := d.readSheet(f, sheet); err != nil {
			return unreadable("Excel", err)
		}
		comments, err := f.GetComments(sheet)
		if err != nil {
			return unreadable("Excel", err)
		}
		for _, c := range comments {
			d.Segments = append(d.Segments, Segment{Location: sheet + "!" + c.Cell + " 批注", Text: commentText(c)})
		}
	}
	d.Images = countParts(d.raw, "xl/media/")
	return nil
}

// readSheet streams a sheet's rows, so a 100,000-row list is never held
// as a whole grid, and labels each cell with its column's header.
func (d *Document) readSheet(f *excelize.File, sheet string) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	var header []string
	for r := 1; rows.Next(); r++ {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		for c, v := range cols {
			if v == "" {
				continue
			}
			name, _ := excelize.CoordinatesToCellName(c+1, r)
			seg := Segment{Location: sheet + "!" + name, Text: v, part: sheet, cell: name}
			if c < len(header) {
				seg.Label = header[c]
			}
			d.Segments = append(d.Segments, seg)
		}
		if header == nil && isHeader(cols) {
			header = cols
		}
	}
	return rows.Error()
}

// isHeader reports whether a row reads as column headers: two or more
// short cells, none of them a number. A title row merged across the
// sheet (2024年度低保公示名单) has one cell and is passed over.
func isHeader(cols []string) bool {
	n := 0
	for _, v := range cols {
		if v == "" {
			continue
		}
		if len([]rune(v)) > 12 || strings.IndexFunc(v, unicode.IsDigit) >= 0 {
			return false
		}
		n++
	}
	return n >= 2
}

func commentText(c excelize.Comment) string {
	if c.Text != "" {
		return c.Text
	}
	var b strings.Builder
	for _, r := range c.Paragraph {
		b.WriteString(r.Text)
	}
	return b.String()
}

// countParts counts the zip entries under dir: the pictures of a
// workbook or a Word document.
func countParts(b []byte, dir string) int {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return 0
	}
	n := 0
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, dir) && !strings.HasSuffix(f.Name, "/") {
			n++
		}
	}
	return n
}
