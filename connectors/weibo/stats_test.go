package weibo_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/weibo"
)

// Weibo shows only what stands now: one day of running totals for the
// posts named (100 ids a call) and the followers of the token's owner.
// A rate limit is handed back at once.
func TestStatsAreRunningTotals(t *testing.T) {
	ctx := context.Background()
	h := harness(t)
	c := h.Publisher.(*weibo.Client)
	p := h.Post("全市重点项目集中开工")
	r, err := c.Publish(ctx, p, connectortest.NewSteps())
	if err != nil {
		t.Fatal(err)
	}
	posts := []connectors.StatsPost{{ID: r.PlatformPostID}}
	for i := range 120 { // statuses Weibo does not know are left out of its answer
		posts = append(posts, connectors.StatsPost{ID: strconv.Itoa(900000 + i)})
	}
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	time.Sleep(20 * time.Millisecond)
	got, err := c.Stats(ctx, p.Account, day, day, posts)
	if err != nil || len(got) != 1 || !got[0].Totals || !got[0].Day.Equal(day) || got[0].Account.Followers == nil {
		t.Fatalf("stats %+v, %v", got, err)
	}
	if n := h.Sim.Calls("weibo", "2/statuses/count.json"); n != 2 {
		t.Errorf("statuses/count called %d times for 121 ids, want 2", n)
	}
	ps := got[0].Posts
	if len(ps) != 1 || ps[0].ID != r.PlatformPostID || ps[0].Reads != nil || ps[0].Shares == nil || ps[0].Likes == nil {
		t.Fatalf("posts %+v", ps)
	}
	h.SetFaults(sim.PlatformFaults{Endpoints: map[string]sim.Fault{"2/users/show.json": {RateLimitRate: 1, RetryAfterS: 60}}})
	_, err = c.Stats(ctx, p.Account, day, day, posts)
	connectortest.WantClass(t, err, connectors.RateLimited)
	if h.Sim.Calls("weibo", "2/users/show.json") != 2 {
		t.Error("a rate limit must come back at once, not be asked again")
	}
}
