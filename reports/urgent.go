package reports

import (
	"context"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/store"
)

// UrgentRow is the first-report compliance of one kind of channel (R5).
type UrgentRow struct {
	Key   string `json:"key"` // platform, or "total"
	Label string `json:"label"`
	Items int    `json:"items"` // distinct urgent items
	// Channels is every urgent item × target account judged: Met, Late
	// (published after the deadline), Unpublished (deadline passed, not
	// published) and Pending (deadline still ahead, not published).
	Channels    int  `json:"channels"`
	Met         int  `json:"met"`
	Late        int  `json:"late"`
	Unpublished int  `json:"unpublished"`
	Pending     int  `json:"pending"`
	OnTime      Rate `json:"on_time"` // Met of Met + Late + Unpublished
	// Latency is from the event time to the first post, over published channels.
	MedianMinutes *float64 `json:"median_minutes"`
	WorstMinutes  *float64 `json:"worst_minutes"`
}

// urgentTally accumulates one UrgentRow.
type urgentTally struct {
	row     UrgentRow
	items   map[int64]bool
	latency durations
}

func (t *urgentTally) add(c store.UrgentChannel, state string) {
	if t.items == nil {
		t.items = map[int64]bool{}
	}
	t.items[c.ItemID] = true
	t.row.Channels++
	switch state {
	case clocks.Met:
		t.row.Met++
	case clocks.Missed:
		t.row.Late++
	case clocks.Breached:
		t.row.Unpublished++
	default:
		t.row.Pending++
	}
	if c.FirstDelivered != nil {
		t.latency = append(t.latency, c.FirstDelivered.Sub(c.EventTime))
	}
}

func (t *urgentTally) done() UrgentRow {
	r := t.row
	r.Items = len(t.items)
	r.OnTime = Rate{Num: r.Met, Den: r.Met + r.Late + r.Unpublished}
	r.MedianMinutes, r.WorstMinutes = t.latency.stat(time.Minute, 1)
	return r
}

// urgent judges every channel of the urgent items whose event time lies in
// the period, with the deadline of its unit's clock policy, as of now.
func (b *builder) urgent(ctx context.Context) error {
	chans, err := b.db.ReportUrgent(ctx, b.sc, b.p.From, b.until)
	if err != nil {
		return err
	}
	cal := b.s.calendar()
	tallies := make([]urgentTally, len(platforms)+1)
	for _, c := range chans {
		pol, err := b.policy(ctx, c.ItemUnitID)
		if err != nil {
			return err
		}
		span, ok := pol.UrgentSpan(c.Platform)
		if !ok {
			continue // no first-report clock on this kind of channel
		}
		state := judge(span.End(cal, c.EventTime), c.FirstDelivered, b.now)
		tallies[platformIndex(c.Platform)].add(c, state)
		tallies[len(platforms)].add(c, state)
		if a := b.accounts[c.AccountID]; a != nil {
			a.Urgent = a.Urgent.Add(onTime(state == clocks.Met, state != clocks.OnTrack))
		}
	}
	b.r.Urgent = make([]UrgentRow, len(tallies))
	for i := range tallies {
		b.r.Urgent[i] = tallies[i].done()
		b.r.Urgent[i].Key, b.r.Urgent[i].Label = channelKey(i)
	}
	return nil
}

// judge is a channel's clock state as package clocks decides it: met or
// missed once published, breached when the deadline passed without a
// post, else still running (on track; the clocks may call it at risk).
func judge(deadline time.Time, delivered *time.Time, now time.Time) string {
	switch {
	case delivered != nil && !delivered.After(deadline):
		return clocks.Met
	case delivered != nil:
		return clocks.Missed
	case !now.Before(deadline):
		return clocks.Breached
	}
	return clocks.OnTrack
}
