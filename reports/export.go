package reports

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/tongfa/tongfa/spreadsheet"
)

// Export formats.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// ParseFormat checks an export format; "" means JSON.
func ParseFormat(s string) (string, error) {
	switch s {
	case "":
		return FormatJSON, nil
	case FormatJSON, FormatCSV, FormatXLSX:
		return s, nil
	}
	return "", badParam("format", "导出格式应为 json、csv 或 xlsx")
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	switch format {
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/json; charset=utf-8"
}

// FileName is the download name of a report, ASCII so every client keeps it.
func (r *Report) FileName(format string) string {
	return fmt.Sprintf("tongfa-report-%s-%s-%s.%s", r.Kind, r.From, r.To, format)
}

// Write encodes r in format.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatCSV:
		return r.writeCSV(w)
	case FormatXLSX:
		return r.writeXLSX(w)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// writeCSV writes every table one after the other, each under its title
// and separated by an empty line. The byte-order mark makes Excel read the
// file as UTF-8.
func (r *Report) writeCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for i, t := range r.Tables() {
		if i > 0 {
			cw.Write(nil) //nolint:errcheck // Flush reports the first error
		}
		cw.Write(texts([]any{t.Title}))    //nolint:errcheck // as above
		cw.Write(texts(toCells(t.Header))) //nolint:errcheck // as above
		for _, row := range t.Rows {
			cw.Write(texts(row)) //nolint:errcheck // as above
		}
	}
	cw.Flush()
	return cw.Error()
}

// texts is a row as the CSV file writes it: text cells escaped so that no
// name typed by someone runs as a formula, figures as their text.
func texts(row []any) []string {
	out := make([]string, len(row))
	for i, c := range row {
		if s, ok := c.(string); ok {
			out[i] = spreadsheet.Escape(s)
		} else {
			out[i] = Text(c)
		}
	}
	return out
}

// writeXLSX writes one sheet per table: a bold, frozen header row,
// percentages and decimals as numbers with their display format, and
// columns as wide as their longest text.
func (r *Report) writeXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, t := range r.Tables() {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), t.Title)
		} else {
			_, err = f.NewSheet(t.Title)
		}
		if err == nil {
			err = st.sheet(f, t)
		}
		if err != nil {
			return fmt.Errorf("reports: sheet %s: %w", t.Title, err)
		}
	}
	f.SetDocProps(&excelize.DocProperties{Title: r.Period + "考核报表", Creator: "统发", Subject: r.Scope.Label}) //nolint:errcheck // cosmetic
	return f.Write(w)
}

// styles are the workbook's cell styles.
type styles struct{ header, percent, dec1, dec2 int }

func newStyles(f *excelize.File) (*styles, error) {
	var s styles
	var err error
	border := []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}
	add := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	add(&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	pct, d1, d2 := "0.0%", "0.0", "0.00"
	add(&s.percent, &excelize.Style{CustomNumFmt: &pct})
	add(&s.dec1, &excelize.Style{CustomNumFmt: &d1})
	add(&s.dec2, &excelize.Style{CustomNumFmt: &d2})
	return &s, err
}

// sheet fills one sheet with a table.
func (s *styles) sheet(f *excelize.File, t Table) error {
	name := t.Title
	if err := s.row(f, name, 1, toCells(t.Header), s.header); err != nil {
		return err
	}
	for i, row := range t.Rows {
		if err := s.row(f, name, i+2, row, 0); err != nil {
			return err
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for c, width := range columnWidths(t) {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(name, col, col, width); err != nil {
			return err
		}
	}
	return nil
}

// row writes one row; style 0 takes each cell's own number format.
func (s *styles) row(f *excelize.File, sheet string, n int, cells []any, style int) error {
	for c, cell := range cells {
		ref, _ := excelize.CoordinatesToCellName(c+1, n)
		v, cellStyle := s.value(cell)
		if v != nil {
			if err := f.SetCellValue(sheet, ref, v); err != nil {
				return err
			}
		}
		if style != 0 {
			cellStyle = style
		}
		if cellStyle != 0 {
			if err := f.SetCellStyle(sheet, ref, ref, cellStyle); err != nil {
				return err
			}
		}
	}
	return nil
}

// value is a cell's value for the workbook (nil: leave empty) and its style.
func (s *styles) value(cell any) (any, int) {
	switch c := cell.(type) {
	case Rate:
		if v, ok := c.Value(); ok {
			return v, s.percent
		}
		return nil, 0
	case Dec:
		if c.V == nil {
			return nil, 0
		}
		if c.Places == 1 {
			return *c.V, s.dec1
		}
		return *c.V, s.dec2
	case string:
		return spreadsheet.Escape(c), 0 // a name typed by someone must not run as a formula
	}
	return cell, 0
}

func toCells(header []string) []any {
	out := make([]any, len(header))
	for i, h := range header {
		out[i] = h
	}
	return out
}

// columnWidths fits each column to its longest text, counting a Chinese
// character as two (as Excel's default font draws it), within 8–60.
func columnWidths(t Table) []float64 {
	widths := make([]float64, len(t.Header))
	fit := func(i int, s string) {
		widths[i] = max(widths[i], min(float64(displayWidth(s))+2, 60))
	}
	for i, h := range t.Header {
		widths[i] = 8
		fit(i, h)
	}
	for _, row := range t.Rows {
		for i, c := range row {
			fit(i, Text(c))
		}
	}
	return widths
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if utf8.RuneLen(r) > 1 && r >= 0x1100 {
			n++
		}
	}
	return n
}
