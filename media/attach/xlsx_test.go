package attach_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/sensitive"
)

const rosterRows = 1000

func roster(t *testing.T) ([][]string, []byte) {
	t.Helper()
	rows := mediatest.Roster(rosterRows)
	b, err := mediatest.XLSX(rows)
	if err != nil {
		t.Fatal(err)
	}
	return rows, b
}

func TestXLSXRosterBlocksWithCellLocations(t *testing.T) {
	rows, b := roster(t)
	_, rep := check(t, b, sensitive.Options{})
	if !rep.Blocked || rep.Type != "xlsx" {
		t.Fatalf("blocked %v, type %s", rep.Blocked, rep.Type)
	}
	got := byCategory(rep)
	for cat, col := range map[string]string{sensitive.PIIIDCard: "C", sensitive.PIIMobile: "D", sensitive.PIIBankCard: "E", sensitive.PIIName: "B"} {
		if len(got[cat]) != rosterRows {
			t.Errorf("%s: %d findings, want %d", cat, len(got[cat]), rosterRows)
		}
		loc := fmt.Sprintf("Sheet1!%s%d", col, 7)
		if f, ok := got[cat][loc]; !ok || f.Start != 0 {
			t.Errorf("%s: no finding at %s (%+v)", cat, loc, f)
		}
	}
	if f := got[sensitive.PIIIDCard]["Sheet1!C7"]; f.Text != rows[4][mediatest.ColID] || f.Level != sensitive.LevelBlock {
		t.Errorf("C7: %+v", f)
	}
	if _, ok := got[sensitive.PIIPublicPhone]["说明!A1"]; !ok || len(got[sensitive.PIIPublicPhone]) != 1 {
		t.Errorf("the hotline on the second sheet is a notice, 序号 110 is not: %+v", got[sensitive.PIIPublicPhone])
	}
}

func TestXLSXExemptionKeepsData(t *testing.T) {
	_, b := roster(t)
	_, rep := check(t, b, sensitive.Options{Exemption: &tongfa.Exemption{Type: tongfa.ExemptionMandatory, Basis: "《社会救助暂行办法》第十一条"}})
	if rep.Blocked || rep.RequiredTier != tongfa.TierDeputy {
		t.Fatalf("blocked %v, tier %s, reasons %v", rep.Blocked, rep.RequiredTier, rep.Reasons[:min(3, len(rep.Reasons))])
	}
}

// TestXLSXMask masks every cell holding personal data and changes nothing
// else: every other value, every cell's style, the widths and the merge.
func TestXLSXMask(t *testing.T) {
	rows, b := roster(t)
	doc, _ := check(t, b, sensitive.Options{})
	out, err := attach.Mask(context.Background(), checker(), doc)
	if err != nil {
		t.Fatal(err)
	}
	before, after := open(t, b), open(t, out)
	want := map[string]string{}
	for r, row := range rows {
		id, phone, card := row[mediatest.ColID], row[mediatest.ColPhone], row[mediatest.ColCard]
		want[cell(mediatest.ColID, r)] = id[:6] + "********" + id[14:]
		want[cell(mediatest.ColPhone, r)] = phone[:3] + "****" + phone[7:]
		want[cell(mediatest.ColCard, r)] = card[:4] + "***********" + card[15:]
		name := []rune(row[mediatest.ColName])
		want[cell(mediatest.ColName, r)] = string(name[0]) + "某" + map[bool]string{true: "某"}[len(name) == 3]
	}
	for _, sheet := range before.GetSheetList() {
		all, _ := before.GetRows(sheet)
		for r, row := range all {
			for c, v := range row {
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				got, _ := after.GetCellValue(sheet, name)
				if w, ok := want[name]; ok && sheet == "Sheet1" {
					v = w
				}
				if got != v {
					t.Fatalf("%s!%s = %q, want %q", sheet, name, got, v)
				}
				s1, _ := before.GetCellStyle(sheet, name)
				s2, _ := after.GetCellStyle(sheet, name)
				if s1 != s2 {
					t.Fatalf("%s!%s style %d, was %d", sheet, name, s2, s1)
				}
			}
		}
	}
	for _, col := range []string{"A", "C", "E", "G"} {
		w1, _ := before.GetColWidth("Sheet1", col)
		w2, _ := after.GetColWidth("Sheet1", col)
		if w1 != w2 {
			t.Errorf("column %s width %v, was %v", col, w2, w1)
		}
	}
	if m, _ := after.GetMergeCells("Sheet1"); len(m) != 1 || m[0].GetStartAxis() != "A1" {
		t.Errorf("merged cells %v", m)
	}
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row+3)
	return name
}

func open(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestXLSXMaskRefusesWhatItCannotReach(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellStr("Sheet1", "A1", "名单见批注")
	if err := f.AddComment("Sheet1", excelize.Comment{Cell: "A1", Author: "x", Text: "王伟 手机" + mediatest.Mobile(3)}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	f.Write(&buf)
	doc, rep := check(t, buf.Bytes(), sensitive.Options{})
	if _, ok := byCategory(rep)[sensitive.PIIMobile]["Sheet1!A1 批注"]; !ok {
		t.Fatalf("comment not checked: %+v", rep.Findings)
	}
	if _, err := attach.Mask(context.Background(), checker(), doc); tongfa.ErrorCode(err) != tongfa.EBlocked {
		t.Fatalf("mask with a comment: %v", err)
	}
}
