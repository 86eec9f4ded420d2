// Package queuetest sets up a delivery pipeline for tests: a migrated
// schema with a unit, four channel accounts on the platform simulators,
// and helpers to approve items and wait for their deliveries.
package queuetest

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
)

// Key is the secret key of test deployments (hex).
var Key = strings.Repeat("7e", 32)

// Env is a unit with one account per platform on a simulator.
type Env struct {
	DB       *store.DB
	Box      *secret.Box
	Sim      *sim.Server
	SimURL   string
	Unit     *tongfa.Unit
	Author   *tongfa.User
	Accounts map[tongfa.Platform]*tongfa.Account
	// Cover and Extra (HTML after the text) go into every item Approve
	// creates: AddDouyin sets them to files of the unit's media library.
	Cover, Extra string
	// DouyinEvery, when above 1, targets the Douyin account with only
	// every so many items Approve creates (Douyin takes 30 posts an hour
	// per account, and Verify reads back 400).
	DouyinEvery int
	approved    int
}

// Accounts creates the four accounts of unit on the simulator at simURL,
// with generous rate limits so tests measure the pipeline, not the limiter.
func Accounts(t testing.TB, db *store.DB, box *secret.Box, unit int64, simURL string) map[tongfa.Platform]*tongfa.Account {
	t.Helper()
	ctx := context.Background()
	specs := []struct {
		p     tongfa.Platform
		name  string
		base  string
		creds map[string]string
	}{
		{tongfa.PlatformWebsite, "示范市人民政府网站", "/website", map[string]string{"api_key": sim.WebsiteKey}},
		{tongfa.PlatformWeChat, "示范市发布", "/wechat", map[string]string{"app_id": fmt.Sprintf("wx%d", unit), "app_secret": "sim-secret"}},
		{tongfa.PlatformWeibo, "示范市发布微博", "/weibo", map[string]string{"access_token": fmt.Sprintf("wbtok-%d", unit),
			"refresh_token": fmt.Sprintf("refresh-wbtok-%d", unit), "app_key": "k", "app_secret": "s"}},
		{tongfa.PlatformApp, "示范市民通 App", "/app", map[string]string{"hmac_secret": sim.AppSecret}},
	}
	out := map[tongfa.Platform]*tongfa.Account{}
	for _, sp := range specs {
		a := &tongfa.Account{UnitID: unit, Platform: sp.p, Name: sp.name, APIBase: simURL + sp.base,
			Settings: map[string]string{"rate_per_minute": "100000"}}
		creds, _ := json.Marshal(sp.creds)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateAccount(ctx, a, func(id int64) ([]byte, error) { return box.Seal(creds, connectors.AccountAAD(id)), nil })
		})
		if err != nil {
			t.Fatal(err)
		}
		out[sp.p] = a
	}
	return out
}

// New builds the environment on db with its own simulator.
func New(t testing.TB, db *store.DB) *Env {
	t.Helper()
	key, _ := hex.DecodeString(Key)
	box, _ := secret.NewSuite(key, os.Getenv("TONGFA_CRYPTO")) // std, or sm as the run asks
	// Douyin's hourly post quota (30) would hold a load test's posts for
	// an hour: the pipeline, not the quota, is under test.
	s := sim.NewWith(sim.Options{Seed: 42, Douyin: sim.DouyinOptions{PostLimit: 1 << 30}})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	e := &Env{DB: db, Box: box, Sim: s, SimURL: ts.URL}
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if e.Unit, err = tx.CreateUnit(ctx, fmt.Sprintf("测试单位%d", time.Now().UnixNano()), nil); err != nil {
			return err
		}
		e.Author, err = tx.CreateUser(ctx, store.NewUser{Username: fmt.Sprintf("ed%d", time.Now().UnixNano()%1e9), UnitID: e.Unit.ID, PasswordHash: "x"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Accounts = Accounts(t, db, box, e.Unit.ID, ts.URL)
	return e
}

// Targets are the ids of the four accounts.
func (e *Env) Targets() []int64 {
	var ids []int64
	for _, a := range e.Accounts {
		ids = append(ids, a.ID)
	}
	return ids
}

// targets are the accounts the next approved item goes to.
func (e *Env) targets() []int64 {
	e.approved++
	dy, ok := e.Accounts[tongfa.PlatformDouyin]
	if !ok || e.DouyinEvery <= 1 || e.approved%e.DouyinEvery == 1 {
		return e.Targets()
	}
	var ids []int64
	for _, id := range e.Targets() {
		if id != dy.ID {
			ids = append(ids, id)
		}
	}
	return ids
}

// Approve creates an item and puts it straight into the approved state
// with its deliveries planned — sign-off itself is tested in review — and
// returns the item and the planned delivery ids.
func (e *Env) Approve(t testing.TB, title string, urgent bool) (*tongfa.Item, []int64) {
	t.Helper()
	c := tongfa.Content{Title: title, Body: "<p>" + title + "。各单位要认真贯彻落实。</p>" + e.Extra, Summary: "认真贯彻落实", Cover: e.Cover,
		Category: tongfa.CategoryNotice, Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine,
		Urgency: tongfa.UrgencyNormal, Targets: e.targets()}
	if urgent {
		c.Urgency = tongfa.UrgencyUrgent
	}
	return e.ApproveContent(t, c)
}

// ApproveContent stores c as an item of the env's unit, approves it and
// plans its deliveries (to c.Targets).
func (e *Env) ApproveContent(t testing.TB, c tongfa.Content) (*tongfa.Item, []int64) {
	t.Helper()
	ctx := context.Background()
	it, err := e.DB.CreateItem(ctx, e.Unit.ID, e.Author.ID, c, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	err = e.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: tongfa.StateApproved, Tier: tongfa.TierRoutine}); err != nil {
			return err
		}
		ids, err = tx.PlanDeliveries(ctx, it)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return it, ids
}

// Wait polls until every delivery of items is done or timeout passes, and
// returns the deliveries.
func (e *Env) Wait(t testing.TB, timeout time.Duration, items ...int64) []tongfa.Delivery {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var all []tongfa.Delivery
		open := 0
		for _, id := range items {
			ds, err := e.DB.ItemDeliveries(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if !d.State.Done() {
					open++
				}
			}
			all = append(all, ds...)
		}
		if open == 0 {
			return all
		}
		if time.Now().After(deadline) {
			for _, d := range all {
				if !d.State.Done() {
					t.Logf("open: delivery %d %s %s attempts=%d error=%q code=%s updated=%s", d.ID, d.Platform, d.State,
						d.Attempts, d.Error, d.ErrorCode, d.UpdatedAt.Format(time.TimeOnly))
					e.logHistory(t, d.ID)
				}
			}
			t.Fatalf("%d of %d deliveries still open after %s", open, len(all), timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logHistory logs a delivery's audited attempts, oldest first, so a
// delivery that did not finish shows why.
func (e *Env) logHistory(t testing.TB, id int64) {
	t.Helper()
	rows, err := e.DB.ListAudit(context.Background(), store.AuditFilter{Target: fmt.Sprintf("delivery:%d", id), Limit: 500})
	if err != nil {
		t.Logf("  history: %v", err)
		return
	}
	for i := len(rows) - 1; i >= 0; i-- {
		t.Logf("  %s %s %s", rows[i].At.Format("15:04:05.000"), rows[i].Action, rows[i].Details)
	}
}
