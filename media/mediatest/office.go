package mediatest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"
)

// RosterTitle is the merged title row above a roster's header.
const RosterTitle = "2024年度城市居民最低生活保障公示名单"

// XLSX returns a workbook holding rows under RosterHeader on Sheet1 (a
// merged title in row 1, the header in row 2, styled cells, set column
// widths) and a second sheet without personal data. Phone numbers are
// stored as numbers in every other row, as people type them.
func XLSX(rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	body, _ := f.NewStyle(&excelize.Style{Border: []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}})
	f.SetCellStr(sheet, "A1", RosterTitle)
	f.MergeCell(sheet, "A1", "G1")
	f.SetCellStyle(sheet, "A1", "A1", title)
	for c, h := range RosterHeader {
		cell, _ := excelize.CoordinatesToCellName(c+1, 2)
		f.SetCellStr(sheet, cell, h)
		f.SetCellStyle(sheet, cell, cell, head)
	}
	w := []float64{6, 10, 22, 14, 24, 14, 12}
	for c, width := range w {
		col, _ := excelize.ColumnNumberToName(c + 1)
		f.SetColWidth(sheet, col, col, width)
	}
	sw := make([]any, len(RosterHeader))
	for r, row := range rows {
		for c, v := range row {
			sw[c] = v
			if c == ColPhone && r%2 == 1 {
				var n int64
				fmt.Sscan(v, &n)
				sw[c] = n
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+3)
		if err := f.SetSheetRow(sheet, cell, &sw); err != nil {
			return nil, err
		}
	}
	if len(rows) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(RosterHeader), len(rows)+2)
		f.SetCellStyle(sheet, "A3", last, body)
	}
	f.NewSheet("说明")
	f.SetCellStr("说明", "A1", "本名单公示期为7天，如有异议请拨打监督电话0392-3311234。")
	var buf bytes.Buffer
	err := f.Write(&buf)
	return buf.Bytes(), err
}

// Para is a paragraph of a generated Word document: its runs, the odd
// ones bold, so a value split over runs keeps two formats.
type Para []string

// DOCX returns a Word document with paras, then a table of rows under
// RosterHeader. Every row's ID number is split over two runs, as Word's
// editing history leaves it.
func DOCX(paras []Para, rows [][]string) ([]byte, error) {
	var body strings.Builder
	for _, p := range paras {
		body.WriteString(paraXML(p...))
	}
	if rows != nil {
		body.WriteString("<w:tbl>")
		body.WriteString(rowXML(RosterHeader, -1))
		for _, r := range rows {
			body.WriteString(rowXML(r, ColID))
		}
		body.WriteString("</w:tbl>")
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		body.String() + `<w:sectPr/></w:body></w:document>`
	return zipParts(map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": doc,
	})
}

func paraXML(runs ...string) string {
	var b strings.Builder
	b.WriteString("<w:p>")
	for i, r := range runs {
		b.WriteString("<w:r>")
		if i%2 == 1 {
			b.WriteString("<w:rPr><w:b/></w:rPr>")
		}
		b.WriteString(`<w:t xml:space="preserve">`)
		xml.EscapeText(&b, []byte(r))
		b.WriteString("</w:t></w:r>")
	}
	b.WriteString("</w:p>")
	return b.String()
}

// rowXML writes a table row; the cell in column split has its text in two
// runs.
func rowXML(cells []string, split int) string {
	var b strings.Builder
	b.WriteString("<w:tr>")
	for c, v := range cells {
		b.WriteString("<w:tc>")
		if c == split && len(v) > 6 {
			b.WriteString(paraXML(v[:6], v[6:]))
		} else {
			b.WriteString(paraXML(v))
		}
		b.WriteString("</w:tc>")
	}
	b.WriteString("</w:tr>")
	return b.String()
}

func zipParts(parts map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		w.Write([]byte(parts[name]))
	}
	err := zw.Close()
	return buf.Bytes(), err
}

// PDF returns a PDF with a text layer: one page per element of pages,
// one line per string (ASCII: the core fonts need no embedding). An empty
// page has no text, like a scanned one.
func PDF(pages [][]string) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetFont("Helvetica", "", 11)
	for _, lines := range pages {
		pdf.AddPage()
		for _, l := range lines {
			pdf.CellFormat(0, 8, l, "", 1, "L", false, 0, "")
		}
	}
	var buf bytes.Buffer
	err := pdf.Output(&buf)
	return buf.Bytes(), err
}
