package attach_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/media/sniff"
	"github.com/tongfa/tongfa/sensitive"
)

var checker = sync.OnceValue(sensitive.NewDefault)

// check sniffs, extracts and checks b.
func check(t *testing.T, b []byte, opts sensitive.Options) (*attach.Document, *attach.Report) {
	t.Helper()
	typ, err := sniff.Detect(b)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := attach.Extract(b, typ)
	if err != nil {
		t.Fatal(err)
	}
	return doc, attach.Check(context.Background(), checker(), doc, opts)
}

// byCategory indexes findings by category, then location.
func byCategory(rep *attach.Report) map[string]map[string]attach.Finding {
	out := map[string]map[string]attach.Finding{}
	for _, f := range rep.Findings {
		if out[f.Category] == nil {
			out[f.Category] = map[string]attach.Finding{}
		}
		out[f.Category][f.Location] = f
	}
	return out
}

func TestPDFWithIDNumbersBlocks(t *testing.T) {
	b, err := mediatest.PDF([][]string{
		{"Recipients of the 2024 minimum living allowance", "1. Zhang Wei  ID " + mediatest.IDNumber(1) + "  mobile " + mediatest.Mobile(1)},
		{},
		{"Supervision hotline 0392-3311234"},
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, rep := check(t, b, sensitive.Options{})
	if doc.Pages != 3 || len(doc.Blank) != 1 || doc.Blank[0] != 2 {
		t.Fatalf("pages %d, blank %v", doc.Pages, doc.Blank)
	}
	got := byCategory(rep)
	if f, ok := got[sensitive.PIIIDCard]["第 1 页"]; !ok || f.Text != mediatest.IDNumber(1) || f.Level != sensitive.LevelBlock {
		t.Fatalf("id finding %+v in %+v", f, rep.Findings)
	}
	if _, ok := got[sensitive.PIIMobile]["第 1 页"]; !ok {
		t.Fatalf("no mobile finding: %+v", rep.Findings)
	}
	un, ok := got[attach.CategoryUnmaskable]["全文"]
	if !ok || un.Level != sensitive.LevelBlock || !strings.Contains(un.Suggestion, "重新导出 PDF") || !rep.Blocked {
		t.Fatalf("unmaskable %+v, blocked %v", un, rep.Blocked)
	}
	if f := got[attach.CategoryNoText]["第 2 页"]; f.Level != sensitive.LevelReview || !strings.Contains(f.Suggestion, "无法检查文字，请人工核对") {
		t.Fatalf("blank page: %+v", rep.Findings)
	}
	if _, err := attach.Mask(context.Background(), checker(), doc); tongfa.ErrorCode(err) != tongfa.EBlocked {
		t.Fatalf("mask pdf: %v", err)
	}
}

func TestScannedPDFAndImageNeedAPerson(t *testing.T) {
	b, err := mediatest.PDF([][]string{{}, {}})
	if err != nil {
		t.Fatal(err)
	}
	_, rep := check(t, b, sensitive.Options{})
	if f := byCategory(rep)[attach.CategoryNoText]["全文"]; f.Level != sensitive.LevelReview || rep.Blocked {
		t.Fatalf("scanned pdf: %+v", rep)
	}
	doc, err := attach.Extract([]byte("\xFF\xD8\xFF"), sniff.JPEG)
	if err != nil {
		t.Fatal(err)
	}
	rep = attach.Check(context.Background(), checker(), doc, sensitive.Options{})
	if f := byCategory(rep)[attach.CategoryNoText]["图片"]; f.Level != sensitive.LevelReview {
		t.Fatalf("image: %+v", rep)
	}
}

func TestCSVAndText(t *testing.T) {
	csv := "\xEF\xBB\xBF姓名,卡号,金额\r\n张伟,6222021234567890128,300\r\n"
	doc, rep := check(t, []byte(csv), sensitive.Options{})
	got := byCategory(rep)
	if _, ok := got[sensitive.PIIName]["A2"]; !ok {
		t.Fatalf("a name under 姓名 is personal data: %+v", rep.Findings)
	}
	out, err := attach.Mask(context.Background(), checker(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\xEF\xBB\xBF姓名,卡号,金额\r\n张某,"; !strings.HasPrefix(string(out), want) || strings.Contains(string(out), "6222021234567890128") {
		t.Fatalf("masked csv %q", out)
	}
	txt := "第一行没有问题。\n联系人手机13812342345。\n"
	doc, rep = check(t, []byte(txt), sensitive.Options{})
	if _, ok := byCategory(rep)[sensitive.PIIMobile]["第 2 行"]; !ok || !rep.Blocked {
		t.Fatalf("txt %+v", rep)
	}
	out, err = attach.Mask(context.Background(), checker(), doc)
	if err != nil || string(out) != "第一行没有问题。\n联系人手机138****2345。\n" {
		t.Fatalf("masked txt %q, %v", out, err)
	}
}

func TestUnreadable(t *testing.T) {
	for _, typ := range []sniff.Type{sniff.XLSX, sniff.DOCX, sniff.PDF} {
		if _, err := attach.Extract([]byte("PK\x03\x04 not really"), typ); tongfa.ErrorCode(err) != tongfa.EUnsupported {
			t.Errorf("%s: %v", typ, err)
		}
	}
}
