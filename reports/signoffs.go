package reports

import (
	"context"
	"slices"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// SignoffRow is the sign-off turnaround of one tier (R1).
type SignoffRow struct {
	Key       string `json:"key"` // tier, or "total"
	Label     string `json:"label"`
	Submitted int    `json:"submitted"`
	Approved  int    `json:"approved"`
	Rejected  int    `json:"rejected"`
	Pending   int    `json:"pending"` // still in review
	Ended     int    `json:"ended"`   // withdrawn, or voided by a new version
	// Turnaround is the working time from submission to the deciding
	// signature (the last approval, or the rejection), in hours of
	// working days (24 hours each; rest days do not count).
	MedianHours *float64 `json:"median_working_hours"`
	WorstHours  *float64 `json:"worst_working_hours"`
}

var tiers = []tongfa.Tier{tongfa.TierRoutine, tongfa.TierDeputy, tongfa.TierPrincipal}

type signoffTally struct {
	row   SignoffRow
	times durations
}

func (t *signoffTally) add(s store.ReportSubmission, turnaround time.Duration) {
	r := &t.row
	r.Submitted++
	switch s.State {
	case "approved":
		r.Approved++
	case "rejected":
		r.Rejected++
	case "active":
		r.Pending++
	default:
		r.Ended++
	}
	if s.DecidedAt != nil {
		t.times = append(t.times, turnaround)
	}
}

func (t *signoffTally) done() SignoffRow {
	r := t.row
	r.MedianHours, r.WorstHours = t.times.stat(time.Hour, 1)
	return r
}

// signoffs measures the submissions made in the period.
func (b *builder) signoffs(ctx context.Context) error {
	list, err := b.db.ReportSubmissions(ctx, b.sc, b.p.From, b.until)
	if err != nil {
		return err
	}
	cal := b.s.calendar()
	tallies := make([]signoffTally, len(tiers)+1)
	for _, s := range list {
		var d time.Duration
		if s.DecidedAt != nil {
			d = max(cal.WorkingTimeBetween(s.SubmittedAt, *s.DecidedAt), 0)
		}
		tallies[max(slices.Index(tiers, s.Tier), 0)].add(s, d)
		tallies[len(tiers)].add(s, d)
	}
	for i := range tallies {
		row := tallies[i].done()
		row.Key, row.Label = total, "合计"
		if i < len(tiers) {
			row.Key, row.Label = string(tiers[i]), tiers[i].Label()
		}
		b.r.Signoffs = append(b.r.Signoffs, row)
	}
	return nil
}
