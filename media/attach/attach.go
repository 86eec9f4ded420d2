package attach

import (
	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/sniff"
)

// Segment is one piece of a document's text at one place: a cell, a
// paragraph, a page, a line.
type Segment struct {
	// Location names the place for an operator: Sheet1!C7, 第 12 段,
	// 表格 1 第 3 行第 2 列, 第 2 页, C7 (CSV), 第 5 行 (TXT).
	Location string
	Text     string
	// Label is the column header of a table cell. The checker reads it in
	// front of the cell's text, as a sentence would say 身份证号：…, so a
	// bank card or a name in a labelled column is recognised; findings
	// inside the label itself are not reported.
	Label string

	part   string // the sheet (xlsx) or zip part (docx) the text lives in
	cell   string // the cell name (xlsx, csv)
	runs   []run  // where the text lies in the part's XML (docx)
	index  int    // record (csv) or line (txt) index
	field  int    // field index within a csv record
	shadow bool   // a repeat of text reported elsewhere (docx mc:Fallback): masked, not reported
}

// Document is the text of an attachment, and what could not be read.
type Document struct {
	Type     sniff.Type
	Segments []Segment
	// Pages is the page count of a PDF; Blank lists its pages that have
	// no text layer (scanned), counted from 1.
	Pages int
	Blank []int
	// Images counts the pictures embedded in a DOCX or XLSX: their text
	// cannot be read.
	Images int

	raw []byte
}

// Extract reads the text of b, a file of type t (see sniff.Detect). An
// image has no text: it yields a document with no segments, which Check
// reports as one to read by eye. A file that cannot be read is an
// unsupported_media_type error with the reason in Chinese.
func Extract(b []byte, t sniff.Type) (*Document, error) {
	doc := &Document{Type: t, raw: b}
	var err error
	switch {
	case t == sniff.XLSX:
		err = doc.readXLSX()
	case t == sniff.DOCX:
		err = doc.readDOCX()
	case t == sniff.PDF:
		err = doc.readPDF()
	case t == sniff.CSV:
		err = doc.readCSV()
	case t == sniff.TXT:
		doc.readTXT()
	case t.Image():
	default:
		return nil, tongfa.Errorf(tongfa.EUnsupported, "此类文件（%s）不是可检查文字的附件", t)
	}
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// unreadable is the error for a document whose text cannot be read.
func unreadable(kind string, err error) error {
	return &tongfa.Error{Code: tongfa.EUnsupported, Err: err,
		Message: kind + " 文件无法读取（可能已损坏或加密），无法检查其中文字，请重新导出未加密的文件后上传"}
}
