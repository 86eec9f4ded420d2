package reports_test

import (
	"context"
	"testing"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/reports/reportstest"
)

// TestWeeklyAgreesWithClocks: the report's weekly compliance is the clocks'
// weekly table (GET /api/v1/frequency/weekly) over the quarter's whole
// weeks, counting the weeks the clocks judge: the centre's app opened on
// Monday 2 February 09:00 and posted once that week, which is not judged.
func TestWeeklyAgreesWithClocks(t *testing.T) {
	b := setup(t)
	r := b.build(t, 0, 0)
	rows, err := b.svc.Clocks.WeeklyAt(context.Background(), nil, reportstest.CST(2026, 1, 5, 0, 0, 0), reportstest.CST(2026, 3, 30, 0, 0, 0), b.svc.Clocks.DB.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]reports.Rate{}
	states := map[string]int{}
	for _, w := range rows {
		if w.AccountID == b.q.CenterApp {
			states[w.State]++
		}
		if !w.Judged() {
			continue
		}
		rt := want[w.AccountID]
		rt.Den++
		if w.Compliant {
			rt.Num++
		}
		want[w.AccountID] = rt
	}
	if states[clocks.WeekNotOpened] != 5 || states[clocks.WeekMet] != 7 {
		t.Errorf("the app's weeks: %v", states)
	}
	for _, a := range r.Accounts {
		if a.Weekly != want[a.AccountID] {
			t.Errorf("%s: report %v, clocks %v", a.Name, a.Weekly, want[a.AccountID])
		}
	}
}

// TestUrgentAgreesWithClocks: every channel the report judges is in the
// state the clocks show for it at the same instant.
func TestUrgentAgreesWithClocks(t *testing.T) {
	b := setup(t)
	r := b.build(t, 0, 0)
	states := map[string]int{}
	for _, id := range b.q.Urgent {
		cl, err := b.svc.Clocks.Status(context.Background(), id, b.q.Now)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range cl.Channels {
			states[ch.State]++
		}
	}
	states[clocks.OnTrack] += states[clocks.AtRisk] // both still running
	tot := r.Urgent[len(r.Urgent)-1]
	got := map[string]int{clocks.Met: tot.Met, clocks.Missed: tot.Late, clocks.Breached: tot.Unpublished, clocks.OnTrack: tot.Pending}
	for k, n := range got {
		if states[k] != n {
			t.Errorf("%s: report %d, clocks %d (%v)", k, n, states[k], states)
		}
	}
}
