package app_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/app"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
)

// The app answers a day's figures per post and for the account on the
// signed stats endpoint, and says when the day is final; a day not over
// yet is refused.
func TestStatsPerDay(t *testing.T) {
	ctx := context.Background()
	china := time.FixedZone("CST", 8*3600)
	clk := sim.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, china))
	ts := httptest.NewServer(sim.NewWith(sim.Options{Now: clk.Now}))
	t.Cleanup(ts.Close)
	c := app.New(connectors.NewHTTPClient(2 * time.Second))
	c.Now = clk.Now
	acc := connectors.Account{ID: 1, Platform: tongfa.PlatformApp, APIBase: ts.URL + "/app",
		Credentials: map[string]string{"hmac_secret": sim.AppSecret}}
	r, err := c.Publish(ctx, &connectors.Post{Key: "tongfa-d1", Account: acc,
		Payload: connectors.Payload{Title: "惠企政策一网通办", HTML: "<p>正文</p>"}}, connectortest.NewSteps())
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	_, err = c.Stats(ctx, acc, day, day, nil)
	connectortest.WantClass(t, err, connectors.Permanent)

	clk.Advance(17 * time.Hour) // 02:00 the next day: over, not final
	got, err := c.Stats(ctx, acc, day, day, nil)
	if err != nil || len(got) != 1 || got[0].Complete || len(got[0].Posts) != 1 || got[0].Posts[0].ID != r.PlatformPostID {
		t.Fatalf("%+v, %v", got, err)
	}
	p := got[0].Posts[0]
	if *p.Reads <= 0 || p.Wows != nil || !p.Published.Equal(clk.Now().Add(-17*time.Hour)) || *got[0].Account.Reads != *p.Reads ||
		got[0].Account.Followers == nil {
		t.Errorf("%+v %+v", p, got[0].Account)
	}
	clk.Advance(7 * time.Hour)
	if got, err = c.Stats(ctx, acc, day, day, nil); err != nil || !got[0].Complete || *got[0].Posts[0].Reads != *p.Reads {
		t.Fatalf("final: %+v, %v (a day's figures do not change)", got, err)
	}
}
