package sniff

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"strings"
)

// The main part content types of the accepted Office Open XML packages,
// and of their macro-enabled siblings, which are refused.
const (
	ctDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	ctXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	ctDocm = "application/vnd.ms-word.document.macroEnabled.main+xml"
	ctXlsm = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
)

// maxContentTypes bounds the one part read here: [Content_Types].xml is a
// few kilobytes in a real document.
const maxContentTypes = 1 << 20

// office tells a Word or Excel document from any other zip by the content
// type its package declares for the main part; a zip that is neither, or
// one that carries macros, is refused.
func office(b []byte) (Type, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", refuse("文件损坏或不完整（无法作为 Office 文档打开），请重新导出后上传")
	}
	var types []string
	for _, f := range zr.File {
		switch {
		case strings.EqualFold(f.Name, "[Content_Types].xml"):
			if types, err = contentTypes(f); err != nil {
				return "", refuse("Office 文档的内容类型清单无法读取，请重新导出后上传")
			}
		case strings.HasSuffix(strings.ToLower(f.Name), "vbaproject.bin"):
			return "", refuse("文档含宏（VBA 代码），不接受；请另存为不含宏的 .docx 或 .xlsx 后再上传")
		}
	}
	for _, ct := range types {
		switch ct {
		case ctDocx:
			return DOCX, nil
		case ctXlsx:
			return XLSX, nil
		case ctDocm, ctXlsm:
			return "", refuse("文档含宏（.docm/.xlsm），不接受；请另存为不含宏的 .docx 或 .xlsx 后再上传")
		}
	}
	return "", refuse("不接受压缩包或此类 Office 文件，只接受 .docx 和 .xlsx 文档")
}

// contentTypes lists the ContentType of every Override and Default entry.
func contentTypes(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var doc struct {
		Defaults []struct {
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Default"`
		Overrides []struct {
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, maxContentTypes)).Decode(&doc); err != nil {
		return nil, err
	}
	var out []string
	for _, o := range doc.Overrides {
		out = append(out, o.ContentType)
	}
	for _, d := range doc.Defaults {
		out = append(out, d.ContentType)
	}
	return out, nil
}

// isCSV reports whether text reads as a table: at least two records of
// the same number (two or more) of comma-separated fields, as far as the
// first twenty records go.
func isCSV(text []byte) bool {
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = 0 // every record as long as the first
	r.LazyQuotes = true
	n := 0
	for ; n < 20; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil || len(rec) < 2 {
			return false
		}
	}
	return n >= 2
}
