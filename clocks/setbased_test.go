package clocks_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/store"
)

// TestFrequencySetBasedEqualsPerAccount: the dashboard's update-frequency
// standings and weekly table, computed for a whole scope in a few
// set-based statements, equal the account-by-account computation they
// replaced, on three units (one with its own policy: other weekly
// requirements, another warning time, a shorter news column), posts of
// every state and category over five weeks, a suspended account and a
// website without any post.
func TestFrequencySetBasedEqualsPerAccount(t *testing.T) {
	f := setup(t)
	ctx := f.ctx
	var a, b *tongfa.Unit
	if err := f.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = tx.CreateUnit(ctx, fmt.Sprint("甲单位", f.Unit.ID), &f.Unit.ID); err != nil {
			return err
		}
		if b, err = tx.CreateUnit(ctx, fmt.Sprint("乙单位", f.Unit.ID), &f.Unit.ID); err != nil {
			return err
		}
		return tx.SetClockPolicy(ctx, a.ID, "weekly:\n  wechat: 5\n  weibo: 1\n  other: 2\ncolumns:\n  news: 7d\n  policy: 30d\nwarn_ahead: 72h\n")
	}); err != nil {
		t.Fatal(err)
	}
	accounts := []*tongfa.Account{}
	for _, u := range []int64{f.Unit.ID, a.ID, b.ID} {
		accs := f.Accounts
		if u != f.Unit.ID {
			accs = queuetest.Accounts(t, f.DB, f.Box, u, f.SimURL)
		}
		for _, p := range []tongfa.Platform{tongfa.PlatformWebsite, tongfa.PlatformWeChat, tongfa.PlatformWeibo, tongfa.PlatformApp} {
			accounts = append(accounts, accs[p])
		}
	}
	// A Douyin account of unit a: held to the requirement of "other".
	var douyin int64
	if err := f.DB.Pool.QueryRow(ctx, `INSERT INTO accounts (unit_id, platform, name, api_base, credentials, status, created_at, updated_at, settings)
		SELECT unit_id, 'douyin', '甲单位抖音', api_base, credentials, 'active', created_at, updated_at, settings FROM accounts WHERE id = $1 RETURNING id`,
		accounts[5].ID).Scan(&douyin); err != nil {
		t.Fatal(err)
	}
	// b's app is suspended: neither computation judges it.
	if _, err := f.DB.Pool.Exec(ctx, `UPDATE accounts SET status = 'suspended' WHERE id = $1`, accounts[11].ID); err != nil {
		t.Fatal(err)
	}
	ids := []int64{douyin}
	for _, acc := range accounts {
		ids = append(ids, acc.ID)
	}
	now := time.Date(2026, 1, 7, 15, 30, 0, 0, time.UTC) // a Wednesday
	// Opened two months before now, but b's WeChat ten days before.
	if _, err := f.DB.Pool.Exec(ctx, `UPDATE accounts SET created_at = CASE WHEN id = $3 THEN $2::timestamptz ELSE $1::timestamptz END WHERE id = ANY($4)`,
		now.AddDate(0, -2, 0), now.AddDate(0, 0, -10), accounts[9].ID, ids); err != nil {
		t.Fatal(err)
	}
	cats := []string{tongfa.CategoryNews, tongfa.CategoryPolicy, tongfa.CategoryInterpretation, tongfa.CategoryNotice}
	seed := uint32(23)
	next := func(n int) int { seed = seed*1664525 + 1013904223; return int(seed>>8) % n }
	n := 0
	for i, acc := range ids {
		if acc == accounts[8].ID { // b's website: never posted
			continue
		}
		if acc == accounts[2].ID || acc == accounts[6].ID {
			// Enough posts, all six days old: a warning. a's weibo needs
			// one, posted four and a half days ago: a warning under its
			// policy (72 hours ahead), none under the default (48).
			at := now.Add(-6 * 24 * time.Hour)
			if acc == accounts[6].ID {
				at = now.Add(-108 * time.Hour)
			}
			for k := 0; k < 3; k++ {
				n++
				it := f.itemIn(t, fmt.Sprintf("稿件%d", n), tongfa.CategoryNews)
				if _, err := f.DB.Pool.Exec(ctx, `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state,
					platform_post_id, url, created_at, updated_at, delivered_at)
					SELECT $1, $2, $3, id, platform, 'delivered', 'p', 'u', $5, $5, $5 FROM accounts WHERE id = $4`,
					it.ID, it.VersionNumber, it.Version.Hash, acc, at.Add(-time.Duration(k)*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		posts := 2 + next(14)
		if i%3 == 0 {
			posts = next(3) // few posts: breaches and warnings
		}
		for k := 0; k < posts; k++ {
			n++
			it := f.itemIn(t, fmt.Sprintf("稿件%d", n), cats[next(len(cats))])
			at := now.Add(-time.Duration(next(40*24*60)) * time.Minute)
			state := []string{"delivered", "delivered", "delivered", "delivered", "withdrawn", "failed"}[next(6)]
			if _, err := f.DB.Pool.Exec(ctx, `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state,
				platform_post_id, url, created_at, updated_at, delivered_at)
				SELECT $1, $2, $3, id, platform, $5, 'p', 'u', $6, $6, $6 FROM accounts WHERE id = $4`,
				it.ID, it.VersionNumber, it.Version.Hash, acc, state, at); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A post in the future of now is not counted by either.
	it := f.item(t, "明天的稿件")
	f.deliver(t, it, tongfa.PlatformWeChat, now.Add(20*time.Hour))

	states := map[string]int{}
	for _, scope := range [][]int64{nil, {f.Unit.ID, a.ID, b.ID}, {a.ID}, {b.ID}} {
		got, err := f.svc.FrequenciesOf(ctx, scope, now)
		if err != nil {
			t.Fatal(err)
		}
		want, err := f.svc.FrequenciesPerAccount(ctx, scope, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			t.Fatalf("scope %v: nothing judged", scope)
		}
		if !reflect.DeepEqual(got, want) {
			for i := range max(len(got), len(want)) {
				var g, w clocks.Frequency
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("scope %v, standing %d:\n set-based   %+v\n per account %+v", scope, i, g, w)
				}
			}
			t.Fatalf("scope %v: %d set-based standings differ from the %d per account", scope, len(got), len(want))
		}
		for _, fr := range got {
			states[fr.State]++
			if fr.AccountID == accounts[11].ID {
				t.Errorf("the suspended account was judged: %+v", fr)
			}
		}
	}
	ofA, err := f.svc.FrequenciesOf(ctx, []int64{a.ID}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, fr := range ofA {
		if fr.AccountID == accounts[6].ID && fr.State != clocks.FreqWarning {
			t.Errorf("a's weibo: %s (%s), want a warning under a's policy", fr.State, fr.Message)
		}
	}
	if states[clocks.FreqOK] == 0 || states[clocks.FreqWarning] == 0 || states[clocks.FreqBreached] == 0 {
		t.Fatalf("the fixture does not reach every state: %v", states)
	}

	judged := map[string]int{}
	for _, c := range []struct{ from, to, at time.Time }{
		{now.AddDate(0, 0, -28), now, now},                    // the dashboard's table
		{now.AddDate(0, 0, -35), now.AddDate(0, 0, 14), now},  // weeks to come
		{now.AddDate(0, 0, -35), now, now.AddDate(0, 0, -10)}, // as it stood ten days ago
		{now.AddDate(0, 0, 7), now.AddDate(0, 0, 21), now},    // only weeks to come
	} {
		for _, scope := range [][]int64{nil, {f.Unit.ID, a.ID, b.ID}, {a.ID}} {
			got, err := f.svc.WeeklyAt(ctx, scope, c.from, c.to, c.at)
			if err != nil {
				t.Fatal(err)
			}
			want, err := f.svc.WeeklyPerAccount(ctx, scope, c.from, c.to, c.at)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatalf("scope %v %v: no weeks", scope, c)
			}
			if !reflect.DeepEqual(got, want) {
				for i := range max(len(got), len(want)) {
					if i >= len(got) || i >= len(want) || !reflect.DeepEqual(got[i], want[i]) {
						t.Errorf("scope %v %v: week row %d differs", scope, c, i)
					}
				}
				t.Fatalf("scope %v: %d set-based week rows differ from the %d per account", scope, len(got), len(want))
			}
			for _, r := range got {
				judged[r.State]++
			}
		}
	}
	if judged[clocks.WeekMet] == 0 || judged[clocks.WeekMissed] == 0 || judged[clocks.WeekInProgress] == 0 || judged[clocks.WeekNotStarted] == 0 || judged[clocks.WeekNotOpened] == 0 {
		t.Fatalf("the fixture does not reach every week state: %v", judged)
	}
}
