package clocks

import (
	"testing"
	"time"

	"github.com/tongfa/tongfa/workday"
)

// TestWeekState: a week is met as soon as it has enough posts, missed
// only once it has ended, and never judged before it begins or, when
// short, if the account opened during it.
func TestWeekState(t *testing.T) {
	cst := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, workday.Location()) }
	monday, opened := cst(11, 30, 0), cst(6, 1, 9)
	for _, tc := range []struct {
		name        string
		posts       int
		opened, now time.Time
		want        string
	}{
		{"week to come", 0, opened, cst(11, 29, 23), WeekNotStarted},
		{"begins exactly now", 0, opened, monday, WeekNotStarted},
		{"met midweek", 3, opened, cst(12, 2, 12), WeekMet},
		{"short midweek", 2, opened, cst(12, 2, 12), WeekInProgress},
		{"short on Sunday night", 2, opened, cst(12, 6, 23), WeekInProgress},
		{"short once over", 2, opened, cst(12, 7, 0), WeekMissed},
		{"opened in the week, met", 4, cst(12, 5, 9), cst(12, 5, 10), WeekMet},
		{"opened in the week, short, running", 1, cst(12, 5, 9), cst(12, 5, 10), WeekInProgress},
		{"opened in the week, short, over", 1, cst(12, 5, 9), cst(12, 8, 10), WeekNotOpened},
		{"opened at its Monday 00:00", 1, monday, cst(12, 8, 10), WeekMissed},
		{"opened after the week", 0, cst(12, 9, 9), cst(12, 10, 10), WeekNotOpened},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := weekState(monday, tc.posts, 3, tc.opened, tc.now); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
