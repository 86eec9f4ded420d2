package attach_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/sensitive"
)

func rosterDOCX(t *testing.T, rows [][]string) []byte {
	t.Helper()
	b, err := mediatest.DOCX([]mediatest.Para{
		{mediatest.RosterTitle},
		{"经审核，以下 1000 户符合条件，现予公示。"},
		{"联系人身份证号：" + mediatest.IDNumber(7)[:10], mediatest.IDNumber(7)[10:] + "，手机" + mediatest.Mobile(7) + "。"},
		{"监督电话：0392-3311234。"},
	}, rows)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDOCXRosterBlocksWithLocations(t *testing.T) {
	rows := mediatest.Roster(rosterRows)
	_, rep := check(t, rosterDOCX(t, rows), sensitive.Options{})
	got := byCategory(rep)
	if !rep.Blocked {
		t.Fatal("not blocked")
	}
	if f, ok := got[sensitive.PIIIDCard]["第 3 段"]; !ok || f.Text != mediatest.IDNumber(7) {
		t.Fatalf("an ID split over two runs: %+v", f)
	}
	for cat, n := range map[string]int{sensitive.PIIIDCard: rosterRows + 1, sensitive.PIIMobile: rosterRows + 1, sensitive.PIIBankCard: rosterRows, sensitive.PIIName: rosterRows} {
		if len(got[cat]) != n {
			t.Errorf("%s: %d findings, want %d", cat, len(got[cat]), n)
		}
	}
	if f, ok := got[sensitive.PIIBankCard]["表格 1 第 6 行第 5 列"]; !ok || f.Text != rows[4][mediatest.ColCard] {
		t.Errorf("card in row 6: %+v", f)
	}
}

// TestDOCXMask rewrites only the runs holding personal data: the rest of
// document.xml is byte for byte what it was.
func TestDOCXMask(t *testing.T) {
	rows := mediatest.Roster(rosterRows)
	in := rosterDOCX(t, rows)
	doc, _ := check(t, in, sensitive.Options{})
	out, err := attach.Mask(context.Background(), checker(), doc)
	if err != nil {
		t.Fatal(err)
	}
	before, after := part(t, in, "word/document.xml"), part(t, out, "word/document.xml")
	id := mediatest.IDNumber(7)
	if !strings.Contains(after, `<w:t xml:space="preserve">联系人身份证号：`+id[:6]+`****</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">****`+id[14:]+"，手机") {
		t.Fatalf("split ID not masked across its runs, bold kept:\n%s", after[:min(len(after), 1500)])
	}
	for _, r := range rows {
		for _, v := range []string{r[mediatest.ColID][6:], r[mediatest.ColPhone], r[mediatest.ColCard], r[mediatest.ColName]} {
			if strings.Contains(after, v) {
				t.Fatalf("%s left in the masked copy", v)
			}
		}
	}
	if strings.Count(after, "<w:b/>") != strings.Count(before, "<w:b/>") || strings.Count(after, "<w:tc>") != strings.Count(before, "<w:tc>") {
		t.Fatal("formatting or table structure changed")
	}
	for _, keep := range []string{mediatest.RosterTitle, "监督电话：0392-3311234。", "城市低保", "<w:t xml:space=\"preserve\">补助金额（元）</w:t>"} {
		if !strings.Contains(after, keep) {
			t.Fatalf("%q lost", keep)
		}
	}
	if part(t, out, "[Content_Types].xml") != part(t, in, "[Content_Types].xml") {
		t.Fatal("other parts changed")
	}
}

func part(t *testing.T, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	s, _ := io.ReadAll(rc)
	return string(s)
}
