package reports_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tongfa/tongfa/reports"
)

// TestWorkbook opens the exported workbook with excelize: one sheet per
// table in order, each header row frozen, every value as the tables state
// it (percentages and decimals as numbers with their display format), and
// columns at least as wide as their header.
func TestWorkbook(t *testing.T) {
	b := setup(t)
	var buf bytes.Buffer
	if err := b.build(t, 0, 0).Write(&buf, reports.FormatXLSX); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != strings.Join(sheetOrder, ",") {
		t.Fatalf("sheets %s", got)
	}
	for _, sheet := range sheetOrder {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		compareGrid(t, sheet, padRows(rows, len(wantTables[sheet][0])), wantTables[sheet])
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("%s: panes %+v %v", sheet, panes, err)
		}
		for i, h := range wantTables[sheet][0] {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if w, _ := f.GetColWidth(sheet, col); w < float64(2*len([]rune(h))) && w < 60 {
				t.Errorf("%s column %s (%s) is %.0f wide", sheet, col, h, w)
			}
		}
	}
	// A percentage is a number shown as one.
	if v, _ := f.GetCellValue("发布统计", "F2", excelize.Options{RawCellValue: true}); !strings.HasPrefix(v, "0.755") {
		t.Errorf("raw F2 = %q, want the fraction 37/49", v)
	}
	if v, _ := f.GetCellValue("紧急发布", "J2", excelize.Options{RawCellValue: true}); v != "13800" {
		t.Errorf("raw J2 = %q", v)
	}
}

// padRows gives trailing empty cells back (GetRows drops them).
func padRows(rows [][]string, width int) [][]string {
	for i := range rows {
		for len(rows[i]) < width {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

func TestCSV(t *testing.T) {
	b := setup(t)
	var buf bytes.Buffer
	if err := b.build(t, 0, 0).Write(&buf, reports.FormatCSV); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasPrefix(raw, "\uFEFF概览\r\n指标,数值\r\n") {
		t.Fatalf("start %q", raw[:40])
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF")))
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Sections: title, header, rows; the empty line between sections is
	// skipped by the reader.
	i := 0
	for _, sheet := range sheetOrder {
		if records[i][0] != sheet {
			t.Fatalf("record %d = %q, want section %s", i, records[i], sheet)
		}
		want := wantTables[sheet]
		compareGrid(t, sheet, records[i+1:i+1+len(want)], want)
		i += 1 + len(want)
	}
	if i != len(records) {
		t.Errorf("%d records, read %d", len(records), i)
	}
}

func TestJSON(t *testing.T) {
	b := setup(t)
	var buf bytes.Buffer
	if err := b.build(t, 0, 0).Write(&buf, reports.FormatJSON); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Summary struct {
			Weekly struct {
				Num, Den int
				Value    float64
			} `json:"weekly_compliance"`
			MedianAnswerDays float64 `json:"median_answer_working_days"`
		} `json:"summary"`
		Red []struct {
			Name  string  `json:"name"`
			Score float64 `json:"score"`
		} `json:"red_list"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	w := out.Summary.Weekly
	if w.Num != 27 || w.Den != 43 || w.Value != 0.6279 || out.Summary.MedianAnswerDays != 4.25 ||
		len(out.Red) != 1 || out.Red[0].Name != "教育服务客户端" || out.Red[0].Score != 100 {
		t.Errorf("json %+v", out)
	}
}

// TestExportEscapesFormulas: names typed by people reach the CSV file and
// the workbook as text that no spreadsheet program runs (OWASP "CSV
// injection"), while figures stay numbers, negative ones included.
func TestExportEscapesFormulas(t *testing.T) {
	score := -1.5 // no real score is negative; it shows numbers are left alone
	r := &reports.Report{Kind: reports.Quarter, Period: "@报表", From: "2026-01-01", To: "2026-04-01",
		Scope: reports.Scope{Label: "=HYPERLINK(\"http://evil.example\",\"点击\")"},
		Accounts: []reports.AccountRow{{Rank: 1, Name: "+1+cmd|' /C calc'!A0", UnitName: "-2+3", PlatformLabel: "\t=1",
			Posts: 4, Score: &score}}}
	escaped := map[string]string{
		r.Scope.Label:          "'" + r.Scope.Label,
		"+1+cmd|' /C calc'!A0": "'+1+cmd|' /C calc'!A0",
		"-2+3":                 "'-2+3",
		"\t=1":                 "'\t=1",
		"@报表":                  "'@报表",
	}
	var csvBuf, xlsxBuf bytes.Buffer
	if err := r.Write(&csvBuf, reports.FormatCSV); err != nil {
		t.Fatal(err)
	}
	if err := r.Write(&xlsxBuf, reports.FormatXLSX); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBuf.String(), "\uFEFF")))
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, rec := range records {
		for _, cell := range rec {
			if _, err := strconv.ParseFloat(cell, 64); err != nil && cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("CSV cell %q starts a formula", cell)
			}
			seen[cell] = true
		}
	}
	if !seen["-1.5"] {
		t.Error("the score -1.5 is not in the CSV file as a number")
	}
	for in, want := range escaped {
		if !seen[want] {
			t.Errorf("CSV lacks %q escaped as %q", in, want)
		}
	}
	f, err := excelize.OpenReader(&xlsxBuf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]string{"B2": escaped["-2+3"], "C2": escaped["+1+cmd|' /C calc'!A0"], "D2": escaped["\t=1"]} {
		if got, _ := f.GetCellValue("账号考核", cell); got != want {
			t.Errorf("账号考核!%s = %q, want %q", cell, got, want)
		}
	}
	if got, _ := f.GetCellValue("概览", "B4"); got != escaped[r.Scope.Label] {
		t.Errorf("概览!B4 = %q", got)
	}
	if typ, _ := f.GetCellType("账号考核", "M2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("the score is stored as text (%v), want a number", typ)
	}
	if v, _ := f.GetCellValue("账号考核", "M2", excelize.Options{RawCellValue: true}); v != "-1.5" {
		t.Errorf("score cell = %q, want the number -1.5", v)
	}
}
