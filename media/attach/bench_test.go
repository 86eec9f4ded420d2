package attach_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/media/sniff"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/sensitive/benchdata"
)

// benchCheck measures reading and checking b whole, as CheckAttachment
// does: MB/s is of the file.
func benchCheck(b *testing.B, file []byte, t sniff.Type) {
	c := sensitive.NewDefault()
	ctx := context.Background()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	var findings int
	for b.Loop() {
		doc, err := attach.Extract(file, t)
		if err != nil {
			b.Fatal(err)
		}
		findings = len(attach.Check(ctx, c, doc, sensitive.Options{}).Findings)
	}
	b.ReportMetric(float64(findings), "findings")
}

// BenchmarkCheckXLSX100k checks a 公示名单 of 100,000 rows, each with a
// name, an ID number, a phone and a bank card.
func BenchmarkCheckXLSX100k(b *testing.B) {
	file, err := mediatest.XLSX(mediatest.Roster(100_000))
	if err != nil {
		b.Fatal(err)
	}
	benchCheck(b, file, sniff.XLSX)
}

// BenchmarkCheckDOCX200Pages checks a Word document of about 200 pages:
// 6,000 paragraphs of notice prose (about 45 characters a line, 30 lines
// a page), every 50th with an ID number and a phone.
func BenchmarkCheckDOCX200Pages(b *testing.B) {
	text := benchdata.Text(6000 * 160)
	var paras []mediatest.Para
	for i := 0; len(paras) < 6000; i++ {
		n := 160
		for !utf8.RuneStart(text[n]) {
			n++
		}
		p := strings.TrimSpace(text[:n])
		text = text[n:] + text[:n]
		if i%50 == 0 {
			p += "联系人身份证号" + mediatest.IDNumber(i) + "，电话" + mediatest.Mobile(i) + "。"
		}
		paras = append(paras, mediatest.Para{p})
	}
	file, err := mediatest.DOCX(paras, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchCheck(b, file, sniff.DOCX)
}
