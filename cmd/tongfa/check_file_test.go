package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/media/mediatest"
)

func writeTemp(t *testing.T, name string, b []byte, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckWorkbookJSONHasLocations(t *testing.T) {
	b, err := mediatest.XLSX(mediatest.Roster(20))
	in := writeTemp(t, "名单.dat", b, err) // the extension says nothing: the content decides
	code, out := runCLI(t, "", "check", in, "--json")
	if code != 1 {
		t.Fatalf("exit %d: %.500s", code, out)
	}
	var rep struct {
		Type     string `json:"type"`
		Findings []struct {
			Location, Kind, Category, Level, Text string
		} `json:"findings"`
		Blocked bool `json:"blocked"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %.300s", err, out)
	}
	found := false
	for _, f := range rep.Findings {
		found = found || f.Location == "Sheet1!C7" && f.Category == "id_card" && f.Text == mediatest.IDNumber(4)
	}
	if rep.Type != "xlsx" || !rep.Blocked || !found {
		t.Fatalf("%+v", rep)
	}
}

func TestCheckWordHumanOutput(t *testing.T) {
	b, err := mediatest.DOCX([]mediatest.Para{{"申请人手机" + mediatest.Mobile(1) + "。"}}, nil)
	in := writeTemp(t, "a.docx", b, err)
	code, out := runCLI(t, "", "check", in)
	if code != 1 || !strings.Contains(out, "第 1 段\t必须修改\tpii/mobile\t"+mediatest.Mobile(1)) || !strings.Contains(out, "docx: 1 pieces of text checked") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestMaskWorkbook(t *testing.T) {
	rows := mediatest.Roster(20)
	b, err := mediatest.XLSX(rows)
	in := writeTemp(t, "名单.xlsx", b, err)
	outFile := filepath.Join(t.TempDir(), "masked.xlsx")
	code, out := runCLI(t, "", "mask", in, "--out", outFile)
	if code != 0 || !strings.Contains(out, "已脱敏 80 处个人信息") {
		t.Fatalf("exit %d: %s", code, out)
	}
	if code, out := runCLI(t, "", "check", outFile); code != 0 || strings.Contains(out, rows[0][mediatest.ColID]) {
		t.Fatalf("the masked copy: exit %d: %.500s", code, out)
	}
	if code, out := runCLI(t, "", "mask", in); code != 2 || !strings.Contains(out, "--out") {
		t.Fatalf("no --out: exit %d: %s", code, out)
	}
}

func TestPDFBlocksAndCannotBeMasked(t *testing.T) {
	b, err := mediatest.PDF([][]string{{"ID " + mediatest.IDNumber(2)}})
	in := writeTemp(t, "notice.pdf", b, err)
	code, out := runCLI(t, "", "check", in)
	if code != 1 || !strings.Contains(out, "第 1 页\t必须修改\tpii/id_card") || !strings.Contains(out, "全文\t必须修改\tmedia/unmaskable") {
		t.Fatalf("exit %d: %s", code, out)
	}
	code, out = runCLI(t, "", "mask", in, "--out", filepath.Join(t.TempDir(), "x.pdf"))
	if code != 1 || !strings.Contains(out, "PDF 无法可靠脱敏") {
		t.Fatalf("mask pdf: exit %d: %s", code, out)
	}
}

func TestMaskTextToFile(t *testing.T) {
	outFile := filepath.Join(t.TempDir(), "out.txt")
	if code, out := runCLI(t, "电话13812342345", "mask", "-", "--out", outFile); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if b, _ := os.ReadFile(outFile); string(b) != "电话138****2345" {
		t.Fatalf("%q", b)
	}
}
