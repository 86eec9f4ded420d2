package attach

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/sniff"
	"github.com/tongfa/tongfa/sensitive"
)

// Mask returns a copy of doc's file with its personal data de-identified
// as the checker masks a body text (410602********1238, 138****2345, 张某某),
// everything else left as it was: in a workbook only the cells holding
// personal data are rewritten (their styles kept), in a Word document only
// the text of the runs holding it. The copy is read back and checked
// before it is returned: personal data it still holds (a comment, a text
// the mask cannot reach) is a content_blocked error naming the places.
// A PDF or a picture cannot be masked: content_blocked with the reason.
func Mask(ctx context.Context, c *sensitive.Checker, doc *Document) ([]byte, error) {
	edits := maskEdits(ctx, c, doc)
	var out []byte
	var err error
	switch doc.Type {
	case sniff.XLSX:
		out, err = maskXLSX(doc, edits)
	case sniff.DOCX:
		out, err = maskDOCX(doc, edits)
	case sniff.CSV:
		out, err = maskCSV(doc, edits)
	case sniff.TXT:
		out = maskTXT(doc, edits)
	case sniff.PDF:
		return nil, tongfa.Errorf(tongfa.EBlocked, "PDF 无法可靠脱敏：请在原始文档（Word、Excel）中脱敏后重新导出 PDF 上传")
	default:
		return nil, tongfa.Errorf(tongfa.EBlocked, "图片无法自动脱敏：请处理原图后重新上传")
	}
	if err != nil {
		return nil, err
	}
	return out, verify(ctx, c, doc.Type, out)
}

// maskEdits returns, by segment index, the personal data findings to
// replace in that segment, sorted and without overlaps.
func maskEdits(ctx context.Context, c *sensitive.Checker, doc *Document) map[int][]sensitive.Finding {
	edits := map[int][]sensitive.Finding{}
	for i := range doc.Segments {
		seg := &doc.Segments[i]
		if strings.TrimSpace(seg.Text) == "" {
			continue
		}
		prefix := labelPrefix(seg.Label)
		var keep []sensitive.Finding
		end := 0
		for _, f := range shift(c.Check(ctx, prefix+seg.Text, sensitive.Options{}).Findings, len(prefix), seg.Text) {
			if f.Kind == sensitive.KindPII && f.Replacement != "" && f.Start >= end {
				keep = append(keep, f)
				end = f.End
			}
		}
		if keep != nil {
			edits[i] = keep
		}
	}
	return edits
}

// replace applies the findings' replacements to text.
func replace(text string, fs []sensitive.Finding) string {
	var b strings.Builder
	pos := 0
	for _, f := range fs {
		b.WriteString(text[pos:f.Start])
		b.WriteString(f.Replacement)
		pos = f.End
	}
	b.WriteString(text[pos:])
	return b.String()
}

// verify reads the masked copy back and refuses it if the mask missed
// personal data.
func verify(ctx context.Context, c *sensitive.Checker, t sniff.Type, out []byte) error {
	doc, err := Extract(out, t)
	if err != nil {
		return fmt.Errorf("attach: read back the masked copy: %w", err)
	}
	var places []string
	for i, fs := range maskEdits(ctx, c, doc) {
		if len(fs) > 0 {
			places = append(places, doc.Segments[i].Location)
		}
	}
	if len(places) == 0 {
		return nil
	}
	more := ""
	if len(places) > 10 {
		places, more = places[:10], "等"
	}
	return &tongfa.Error{Code: tongfa.EBlocked, Data: places,
		Message: fmt.Sprintf("脱敏后的文件仍含个人信息（%s%s），无法自动处理，请人工修改后重新上传", strings.Join(places, "、"), more)}
}

func maskCSV(doc *Document, edits map[int][]sensitive.Finding) ([]byte, error) {
	recs, err := readRecords(doc.raw)
	if err != nil {
		return nil, unreadable("CSV", err)
	}
	for i, fs := range edits {
		seg := doc.Segments[i]
		recs[seg.index][seg.field] = replace(seg.Text, fs)
	}
	var buf bytes.Buffer
	if bytes.HasPrefix(doc.raw, []byte("\xEF\xBB\xBF")) {
		buf.WriteString("\xEF\xBB\xBF") // Excel needs the mark to read UTF-8
	}
	w := csv.NewWriter(&buf)
	w.UseCRLF = bytes.Contains(doc.raw, []byte("\r\n"))
	if err := w.WriteAll(recs); err != nil {
		return nil, fmt.Errorf("attach: write csv: %w", err)
	}
	return buf.Bytes(), nil
}

func maskTXT(doc *Document, edits map[int][]sensitive.Finding) []byte {
	bom := []byte("\xEF\xBB\xBF")
	lines := strings.Split(string(bytes.TrimPrefix(doc.raw, bom)), "\n")
	for i, fs := range edits {
		seg := doc.Segments[i]
		lines[seg.index] = replace(seg.Text, fs)
	}
	out := strings.Join(lines, "\n")
	if bytes.HasPrefix(doc.raw, bom) {
		out = string(bom) + out
	}
	return []byte(out)
}
