package web

import "testing"

// TestShortFirst: charts with a week short of the requirement come first,
// the others keep their order, so a dashboard cut to weeksShown keeps the
// accounts that need attention.
func TestShortFirst(t *testing.T) {
	ok := []weekBar{{Compliant: true}, {Compliant: true}}
	short := []weekBar{{Compliant: true}, {Compliant: false}}
	cs := shortFirst([]weekChart{{AccountName: "甲", Bars: ok}, {AccountName: "乙", Bars: short}, {AccountName: "丙", Bars: ok}, {AccountName: "丁", Bars: short}})
	var got string
	for _, c := range cs {
		got += c.AccountName
	}
	if got != "乙丁甲丙" {
		t.Fatalf("order %s, want 乙丁甲丙", got)
	}
}
