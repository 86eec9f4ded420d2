package sensitive

import (
	"context"
	"strings"
	"testing"
)

func unitDict(t *testing.T, tsv string) *Dictionary {
	t.Helper()
	d := &Dictionary{}
	if err := d.Parse("unit", strings.NewReader(tsv)); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestUnitWords: a unit's own words are found only in its checks, its
// allowed phrases clear the installation's words inside them for that
// unit only, and each *Dictionary is compiled once.
func TestUnitWords(t *testing.T) {
	c := NewDefault()
	ctx := context.Background()
	unit := unitDict(t, "东湖改造\tcustom\treview\t项目名称待定，请勿提前发布\n!代办证件窗口\n")
	text := "东湖改造启动；代办证件窗口位于一楼。"

	plain := c.Check(ctx, text, Options{})
	if rules(plain) != "代办证件" {
		t.Fatalf("without unit words: %q, want only the installation's 代办证件", rules(plain))
	}
	withUnit := c.Check(ctx, text, Options{Words: unit})
	if rules(withUnit) != "东湖改造" {
		t.Fatalf("with unit words: %q, want the unit's word and the allowed phrase cleared", rules(withUnit))
	}
	if f := withUnit.Findings[0]; f.Level != LevelReview || text[f.Start:f.End] != "东湖改造" || f.Suggestion == "" {
		t.Fatalf("unit finding %+v", f)
	}
	// Evasion normalisation applies to unit words too.
	if r := c.Check(ctx, "东 湖 改 造", Options{Words: unit}); rules(r) != "东湖改造" {
		t.Fatalf("spaced unit word: %q", rules(r))
	}
	first, _ := c.unitWords(unit)
	again, _ := c.unitWords(unit)
	if first != again {
		t.Fatal("a unit dictionary was compiled twice")
	}
	// Unit words combine with a leaders table in one check.
	leaders := &Leaders{Persons: []Leader{{Name: "张三", Status: StatusServing, Terms: []Term{{Title: "副市长", Order: 1}}}}}
	both := c.Check(ctx, "张三市长谈东湖改造", Options{Words: unit, Leaders: leaders})
	if !strings.Contains(rules(both), "东湖改造") || len(both.Findings) < 2 {
		t.Fatalf("unit words beside leaders: %+v", both.Findings)
	}
}

func rules(r Report) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Rule)
	}
	return strings.Join(out, ",")
}
