package wechat_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
)

var china = time.FixedZone("CST", 8*3600)

func utcDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// A mass send's articles have datacube figures from the morning after:
// asking for today is WeChat's 61501, asking before the day is computed
// gives an incomplete day without articles, and afterwards every article
// is there with its place in the send, followers with it.
func TestStatsArriveTheNextMorning(t *testing.T) {
	ctx := context.Background()
	clk := sim.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, china))
	m := newMassSetup(t, sim.Options{Now: clk.Now}, nil)
	r, err := m.client.SendEdition(ctx, m.acc, m.edition("头条：春耕备耕有序推进", "二条：道路施工公告"), connectortest.NewSteps())
	if err != nil {
		t.Fatal(err)
	}
	day := utcDate(2026, 3, 2)
	_, err = m.client.Stats(ctx, m.acc, day, day, nil)
	if ce, ok := err.(*connectors.Error); !ok || ce.Code != "61501" || ce.Class != connectors.Permanent {
		t.Fatalf("asking for today: %v, want 61501", err)
	}

	clk.Advance(16 * time.Hour) // 02:00 the next day: not computed yet
	got, err := m.client.Stats(ctx, m.acc, day, day, nil)
	if err != nil || len(got) != 1 || got[0].Complete || len(got[0].Posts) != 0 {
		t.Fatalf("before the morning: %+v, %v", got, err)
	}

	clk.Advance(7 * time.Hour) // 09:00
	got, err = m.client.Stats(ctx, m.acc, day, day, nil)
	if err != nil || len(got) != 1 || !got[0].Complete || got[0].Account.Followers == nil || got[0].Account.NewFollowers == nil {
		t.Fatalf("the morning after: %+v, %v", got, err)
	}
	posts := got[0].Posts
	if len(posts) != 2 {
		t.Fatalf("articles %+v", posts)
	}
	var reads int64
	for i, p := range posts {
		want := fmt.Sprintf("%s_%d", r.MsgDataID, i+1)
		if p.ID != want || p.Position != i+1 || !p.Published.Equal(day) || *p.Reads <= 0 || p.Likes != nil || p.Wows != nil {
			t.Errorf("article %d: %+v (reads %v), want id %s", i+1, p, *p.Reads, want)
		}
		reads += *p.Reads
	}
	if *got[0].Account.Reads != reads {
		t.Errorf("account reads %d, articles %d", *got[0].Account.Reads, reads)
	}
}

// Eight days ask the user endpoints twice (seven days a call) and the
// article endpoints once a day; the send is still read the day after.
func TestStatsRespectDateRanges(t *testing.T) {
	ctx := context.Background()
	clk := sim.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, china))
	m := newMassSetup(t, sim.Options{Now: clk.Now}, nil)
	if _, err := m.client.SendEdition(ctx, m.acc, m.edition("头条：一周要闻"), connectortest.NewSteps()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(9 * 24 * time.Hour)
	got, err := m.client.Stats(ctx, m.acc, utcDate(2026, 3, 2), utcDate(2026, 3, 9), nil)
	if err != nil || len(got) != 8 {
		t.Fatalf("%d days, %v", len(got), err)
	}
	// The first call met a token that had lapsed over the nine days and
	// was made again after a refresh.
	if n := m.Sim.Calls("wechat", "datacube/getusercumulate"); n != 2 {
		t.Errorf("getusercumulate called %d times, want 2", n)
	}
	if n := m.Sim.Calls("wechat", "datacube/getarticlesummary"); n != 8 {
		t.Errorf("getarticlesummary called %d times, want 8", n)
	}
	for i, d := range got {
		if !d.Complete || i < 2 && (len(d.Posts) != 1 || *d.Posts[0].Reads <= 0) {
			t.Errorf("%s: %+v", d.Day.Format(time.DateOnly), d)
		}
	}
	if got[0].Posts[0].Published.IsZero() || !got[1].Posts[0].Published.IsZero() {
		t.Errorf("only the day of the send names it as sent: %+v", got[:2])
	}
}
