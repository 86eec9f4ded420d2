package attach

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/sniff"
	"github.com/tongfa/tongfa/sensitive"
)

// KindMedia is the kind of the findings about a file rather than its
// words: text that cannot be read or masked, pictures, QR codes, alt text.
const KindMedia = "media"

// Categories of KindMedia findings.
const (
	CategoryNoText       = "no_text"       // review: a picture or scanned page; nobody checked its words
	CategoryImages       = "images"        // review: pictures inside a DOCX or XLSX
	CategoryUnmaskable   = "unmaskable"    // block: personal data in a PDF's text layer
	CategoryQRLink       = "qr_link"       // review: a QR code leading outside the unit's domains
	CategoryAltText      = "alt_text"      // block: a website image without alt text
	CategoryMaskLeftover = "mask_leftover" // block: personal data the masked copy still holds
)

// Finding is a checker finding at a place in a document. Start and End
// are byte offsets into that place's text (the cell, paragraph or page),
// and Text is that substring.
type Finding struct {
	Location string `json:"location"`
	sensitive.Finding
}

// Report is the check of a whole document; it has the shape of the text
// report (sensitive.Report) without masked_text, whose place a masked copy
// of the file takes.
type Report struct {
	Type         sniff.Type  `json:"type"`
	Findings     []Finding   `json:"findings"`
	RequiredTier tongfa.Tier `json:"required_tier"`
	Blocked      bool        `json:"blocked"`
	Reasons      []string    `json:"reasons"`
	Segments     int         `json:"segments"` // pieces of text checked
}

// Check runs c over every segment of doc with opts and adds the findings
// about the file itself. Personal data blocks as in a body text; in a
// PDF, whose text cannot be masked reliably, it also blocks the file.
func Check(ctx context.Context, c *sensitive.Checker, doc *Document, opts sensitive.Options) *Report {
	rep := &Report{Type: doc.Type, Findings: []Finding{}, RequiredTier: tongfa.TierRoutine, Reasons: []string{}, Segments: len(doc.Segments)}
	seen := map[string]bool{}
	for i := range doc.Segments {
		seg := &doc.Segments[i]
		if seg.shadow {
			continue
		}
		for _, f := range checkSegment(ctx, c, seg, opts, rep, seen) {
			rep.Findings = append(rep.Findings, Finding{Location: seg.Location, Finding: f})
		}
	}
	rep.add(fileFindings(doc, rep)...)
	return rep
}

// checkSegment checks one segment, its label in front, and returns the
// findings of the segment's own text with offsets into it.
func checkSegment(ctx context.Context, c *sensitive.Checker, seg *Segment, opts sensitive.Options, rep *Report, seen map[string]bool) []sensitive.Finding {
	if strings.TrimSpace(seg.Text) == "" {
		return nil
	}
	prefix := labelPrefix(seg.Label)
	r := c.Check(ctx, prefix+seg.Text, opts)
	rep.Blocked = rep.Blocked || r.Blocked && blocksInText(r.Findings, len(prefix))
	rep.RequiredTier = tongfa.MaxTier(rep.RequiredTier, r.RequiredTier)
	for _, why := range r.Reasons {
		if !seen[why] {
			seen[why] = true
			rep.Reasons = append(rep.Reasons, why)
		}
	}
	fs := shift(r.Findings, len(prefix), seg.Text)
	if serial(seg) {
		fs = slices.DeleteFunc(fs, func(f sensitive.Finding) bool { return f.Category == sensitive.PIIPublicPhone })
	}
	return fs
}

// serial reports whether a cell is a short bare number outside a phone
// column: the 110th row's 序号 is not the police hotline.
func serial(seg *Segment) bool {
	if len(seg.Text) > 5 || strings.Contains(seg.Label, "电话") || strings.Contains(seg.Label, "热线") {
		return false
	}
	return strings.Trim(seg.Text, "0123456789") == ""
}

// labelPrefix is what the checker reads before a labelled cell. Only a
// short label reads as one: a long header is a sentence of its own.
func labelPrefix(label string) string {
	label = strings.TrimSpace(label)
	if label == "" || len([]rune(label)) > 12 {
		return ""
	}
	return label + "："
}

// blocksInText reports whether a block-level finding lies in the text
// after the label: a label that is itself a blocked word is reported
// where the header cell is checked.
func blocksInText(fs []sensitive.Finding, prefix int) bool {
	for _, f := range fs {
		if f.Level == sensitive.LevelBlock && f.End > prefix {
			return true
		}
	}
	return false
}

// shift drops the findings inside the label and moves the others onto
// the segment's own text.
func shift(fs []sensitive.Finding, prefix int, text string) []sensitive.Finding {
	out := fs[:0]
	for _, f := range fs {
		if f.End <= prefix {
			continue
		}
		f.Start, f.End = max(f.Start-prefix, 0), f.End-prefix
		f.Text = text[f.Start:f.End]
		out = append(out, f)
	}
	return out
}

// add appends findings and lets block-level ones block.
func (r *Report) add(fs ...Finding) {
	for _, f := range fs {
		r.Findings = append(r.Findings, f)
		r.Blocked = r.Blocked || f.Level == sensitive.LevelBlock
	}
}

// media builds a finding about the file at loc.
func media(loc, category, level, text, suggestion string) Finding {
	return Finding{Location: loc, Finding: sensitive.Finding{Kind: KindMedia, Category: category, Level: level,
		Text: text, Rule: category, Suggestion: suggestion}}
}

// NoText is the review finding for a picture nobody can check by machine
// (no OCR): an operator reads it.
func NoText(loc string) Finding {
	return media(loc, CategoryNoText, sensitive.LevelReview, "", "无法检查文字，请人工核对图片中是否有身份证号、手机号等个人信息或其他不宜公开的内容")
}

// fileFindings are the findings about doc as a file: no text to check,
// pictures inside, a PDF holding personal data.
func fileFindings(doc *Document, rep *Report) []Finding {
	var out []Finding
	switch {
	case doc.Type.Image():
		out = append(out, NoText("图片"))
	case doc.Type == sniff.PDF && len(doc.Blank) == doc.Pages:
		out = append(out, NoText("全文"))
	case doc.Type == sniff.PDF && len(doc.Blank) > 0:
		out = append(out, NoText(pageList(doc.Blank)))
	}
	if doc.Images > 0 {
		out = append(out, media("文档中的图片", CategoryImages, sensitive.LevelReview, "",
			fmt.Sprintf("文档含 %d 张图片，图片中的文字无法检查，请人工核对", doc.Images)))
	}
	if doc.Type == sniff.PDF {
		if n := maskable(rep.Findings); n > 0 {
			out = append(out, media("全文", CategoryUnmaskable, sensitive.LevelBlock, "",
				fmt.Sprintf("PDF 文字层中有 %d 处个人信息，PDF 无法可靠脱敏（文字可能残留在文字层、字体或图层中）；请在原始文档中脱敏后重新导出 PDF 上传", n)))
		}
	}
	return out
}

// maskable counts the findings a mask would rewrite.
func maskable(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Kind == sensitive.KindPII && f.Replacement != "" {
			n++
		}
	}
	return n
}

// pageList names pages: 第 2、5 页.
func pageList(pages []int) string {
	s := make([]string, 0, len(pages))
	for i, p := range pages {
		if i == 20 {
			s = append(s, "…")
			break
		}
		s = append(s, fmt.Sprint(p))
	}
	return "第 " + strings.Join(s, "、") + " 页"
}
