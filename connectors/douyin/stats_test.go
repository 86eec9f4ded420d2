package douyin_test

import (
	"context"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
)

func chinaDate(t time.Time) time.Time {
	c := t.In(time.FixedZone("CST", 8*3600))
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
}

// An item's likes, comments, shares and plays come as daily series the
// day after, with the user's fans; after 30 days Douyin has no data for
// the item, and days further back than its longest window cannot be
// asked for.
func TestStatsDailySeries(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	p := b.Harness.Post("河道清淤进展")
	r, err := b.Client.Publish(ctx, p, connectortest.NewSteps())
	if err != nil {
		t.Fatal(err)
	}
	published := b.Clock.Now()
	day := chinaDate(published)
	b.Clock.Add(2*24*time.Hour + 9*time.Hour)
	posts := []connectors.StatsPost{{ID: r.PlatformPostID, Published: published}}
	got, err := b.Client.Stats(ctx, b.Acc, day, day.AddDate(0, 0, 1), posts)
	if err != nil || len(got) != 2 {
		t.Fatalf("%+v, %v", got, err)
	}
	for _, d := range got {
		if !d.Complete || d.Account.Followers == nil || len(d.Posts) != 1 {
			t.Fatalf("%s: %+v", d.Day.Format(time.DateOnly), d)
		}
		ps := d.Posts[0]
		if ps.ID != r.PlatformPostID || ps.Reads == nil || ps.Likes == nil || ps.Shares == nil || ps.Comments == nil || ps.Wows != nil {
			t.Errorf("%s: %+v", d.Day.Format(time.DateOnly), ps)
		}
	}
	if *got[0].Posts[0].Reads+*got[1].Posts[0].Reads == 0 {
		t.Error("two days of an item without a single play")
	}
	for _, ep := range []string{"data/external/user/fans/", "data/external/item/play/", "data/external/item/like/"} {
		if n := b.Harness.Sim.Calls("douyin", ep); n != 1 {
			t.Errorf("%s called %d times, want 1", ep, n)
		}
	}

	b.Clock.Add(31 * 24 * time.Hour)
	yesterday := chinaDate(b.Clock.Now()).AddDate(0, 0, -1)
	got, err = b.Client.Stats(ctx, b.Acc, yesterday, yesterday, posts)
	if err != nil || len(got) != 1 || len(got[0].Posts) != 0 || b.Harness.Sim.Calls("douyin", "data/external/item/play/") != 1 {
		t.Fatalf("an item older than 30 days: %+v, %v", got, err)
	}
	_, err = b.Client.Stats(ctx, b.Acc, yesterday.AddDate(0, 0, -31), yesterday, posts)
	connectortest.WantClass(t, err, connectors.Permanent)
}
