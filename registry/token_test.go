package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
)

// simClock is the simulator's and the connector's shared time.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestDouyinAuthorisationAnnounced: a Douyin account whose owner's
// authorisation (the refresh token, 30 days) lapses within a week is
// announced to the unit's administrators once, like a Weibo token.
func TestDouyinAuthorisationAnnounced(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t)
	clk := &simClock{t: time.Now()}
	s := sim.NewWith(sim.Options{Seed: 1, Now: clk.Now})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	reg := &all.Registry{Douyin: douyin.New(connectors.NewHTTPClient(2*time.Second), nil, nil, nil, douyin.Options{Now: clk.Now})}

	creds, _ := json.Marshal(map[string]string{"access_token": "act.ou-city", "refresh_token": "rft.ou-city", "open_id": "ou-city", "client_key": "awk"})
	a := &tongfa.Account{UnitID: o.host.ID, Platform: tongfa.PlatformDouyin, Name: "示范甲局抖音号", APIBase: ts.URL + "/douyin"}
	err := o.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAccount(ctx, a, func(id int64) ([]byte, error) { return o.svc.Box.Seal(creds, connectors.AccountAAD(id)), nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := o.svc.TokenSweep(ctx, reg, clk.Now()); err != nil || n != 0 {
		t.Fatalf("a fresh authorisation: %d announced, %v", n, err)
	}
	clk.Add(24 * 24 * time.Hour)
	if n, err := o.svc.TokenSweep(ctx, reg, clk.Now()); err != nil || n != 1 {
		t.Fatalf("six days left: %d announced, %v", n, err)
	}
	if n, err := o.svc.TokenSweep(ctx, reg, clk.Now()); err != nil || n != 0 {
		t.Fatalf("announced again the same week: %d, %v", n, err)
	}
	ns, err := o.db.Notifications(ctx, o.hostAdmin.ID, 10)
	if err != nil || len(ns) != 1 || !strings.Contains(ns[0].Message, "【抖音授权即将到期】账号「示范甲局抖音号」") {
		t.Fatalf("%+v %v", ns, err)
	}
}

// TestNewPlatformsRegistered: Douyin takes its three credentials, and
// every manual channel opens without any.
func TestNewPlatformsRegistered(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	p := o.as(t, o.cityAdmin)
	_, _, err := o.svc.Create(ctx, p, &registry.AccountInput{UnitID: o.host.ID, Platform: "douyin", Name: "甲局抖音",
		Credentials: map[string]string{"access_token": "act.1", "refresh_token": "rft.1"}})
	if e := (*tongfa.Error)(nil); !errors.As(err, &e) || e.Fields["credentials.open_id"] == "" {
		t.Fatalf("douyin without open_id: %v", err)
	}
	v, _, err := o.svc.Create(ctx, p, &registry.AccountInput{UnitID: o.host.ID, Platform: "douyin", Name: "甲局抖音",
		Credentials: map[string]string{"access_token": "act.1", "refresh_token": "rft.1", "open_id": "ou-1"}})
	if err != nil || v.PlatformLabel != "抖音" {
		t.Fatalf("douyin: %+v %v", v, err)
	}
	for _, pl := range []string{"shipinhao", "toutiao", "xiaohongshu", "kuaishou", "renminhao", "xuexi", "other"} {
		v, _, err := o.svc.Create(ctx, p, &registry.AccountInput{UnitID: o.host.ID, Platform: pl, Name: "甲局" + pl})
		if err != nil || !v.Platform.Manual() || v.PlatformLabel == "" {
			t.Fatalf("%s: %+v %v", pl, v, err)
		}
	}
	if _, _, err := o.svc.Create(ctx, p, &registry.AccountInput{UnitID: o.host.ID, Platform: "bilibili", Name: "甲局B站"}); tongfa.ErrorCode(err) != tongfa.EInvalid {
		t.Fatalf("an unknown platform: %v", err)
	}
}
