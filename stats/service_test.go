package stats_test

import (
	"context"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
)

// wantItemStats: the item's page shows each channel's days through the
// last one collected, and totals that are the days summed.
func (e *env) wantItemStats(t *testing.T, item int64, last time.Time) {
	t.Helper()
	got, err := e.svc.ItemStats(context.Background(), item)
	if err != nil || len(got.Channels) != 5 {
		t.Fatalf("item stats %+v, %v", got, err)
	}
	for _, ch := range got.Channels {
		if ch.Through == nil || ch.Platform != tongfa.PlatformWeChat && !ch.Through.Equal(last) || len(ch.Daily) == 0 || ch.PlatformLabel == "" {
			t.Errorf("%s: through %v, %d days", ch.Platform, ch.Through, len(ch.Daily))
			continue
		}
		var shares int64
		for _, d := range ch.Daily {
			shares += *d.Shares
		}
		if *ch.Totals.Shares != shares || (ch.Platform == tongfa.PlatformWeibo) != (ch.Totals.Reads == nil) {
			t.Errorf("%s: totals %+v, shares of the days %d", ch.Platform, ch.Totals, shares)
		}
	}
	if got.Totals.Reads == nil || *got.Totals.Reads <= 0 {
		t.Errorf("item totals %+v", got.Totals)
	}
}
