package registry_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

const (
	patrolItems = 10_000
	reviewWord  = "巡查新词甲"  // added at review level: found because it is new
	blockWord   = "巡查禁发词乙" // added at block level
	plantEvery  = 97       // every 97th item carries one of the words
	oldItems    = 300      // published 13 months ago: outside the window
	dictionary  = "patrol-test"
)

// seedPublished inserts n published items of the host unit, last updated
// at, in one statement each for items and versions. Item i (1-based) that
// is a multiple of plantEvery carries reviewWord in its body, or blockWord
// in its title when i is also even. It returns the planted items' ids.
func (o *office) seedPublished(t testing.TB, n int, at time.Time) []int64 {
	t.Helper()
	ctx := context.Background()
	var first int64
	err := o.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `WITH i AS (
				INSERT INTO items (unit_id, author_id, state, version_number, required_tier, created_at, updated_at)
				SELECT $1, $2, 'published', 1, 'routine', $3, $3 FROM generate_series(1, $4) RETURNING id)
			SELECT min(id) FROM i`, o.host.ID, o.hostAdmin.ID, at, n).Scan(&first)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO item_versions (item_id, number, hash, author_id, created_at, title, category, urgency, content)
			SELECT id, 1, md5(id::text) || md5(id::text), $2, $3, t.title, 'notice', 'normal',
			       jsonb_build_object('title', t.title, 'body', t.body, 'summary', '', 'category', 'notice', 'kind', 'original',
			                          'importance', 'routine', 'urgency', 'normal', 'targets', '[]'::jsonb)
			FROM (SELECT id, n,
			        CASE WHEN n % $4 = 0 AND n % 2 = 0 THEN '关于' || $6 || '的第' || n || '号通知' ELSE '关于做好第' || n || '项工作的通知' END AS title,
			        '<p>各单位要认真贯彻落实第' || n || '项工作部署，' ||
			        CASE WHEN n % $4 = 0 AND n % 2 = 1 THEN '其中涉及' || $5 || '的内容，' ELSE '' END ||
			        '确保各项措施落地见效。</p>' AS body
			      FROM (SELECT id, id - $1 + 1 AS n FROM items WHERE id >= $1 AND id < $1 + $7) s) t`,
			first, o.hostAdmin.ID, at, plantEvery, reviewWord, blockWord, n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var planted []int64
	for i := plantEvery; i <= n; i += plantEvery {
		planted = append(planted, first+int64(i)-1)
	}
	return planted
}

// patrolSetup seeds the office and uploads a dictionary version adding
// the two words, as an administrator would.
func patrolSetup(t testing.TB) (*office, *registry.Dictionaries, *registry.Patrol, *registry.DictionaryChange, []int64) {
	t.Helper()
	o := newOffice(t)
	ctx := context.Background()
	now := time.Now()
	o.seedPublished(t, oldItems, now.Add(-396*24*time.Hour))
	planted := o.seedPublished(t, patrolItems, now.Add(-30*24*time.Hour))

	base := []*sensitive.Dictionary{sensitive.DefaultDictionary()}
	checker, err := sensitive.New(sensitive.DefaultNormalization, base...)
	if err != nil {
		t.Fatal(err)
	}
	dicts := &registry.Dictionaries{DB: o.db, Checker: checker, Base: base, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	p := &registry.Patrol{DB: o.db, Checker: checker, Batch: 500, Log: dicts.Log}
	o.svc.Dictionaries, o.svc.Patrol, o.svc.Log = dicts, p, dicts.Log
	if _, err := o.svc.SetDictionary(ctx, o.as(t, o.cityAdmin), dictionary, "x\tcustom\treview\n", ""); tongfa.ErrorCode(err) != tongfa.EForbidden {
		t.Fatalf("a unit administrator changed the installation's dictionary: %v", err)
	}
	change, err := o.svc.SetDictionary(ctx, o.as(t, o.sysAdmin), dictionary,
		reviewWord+"\tcustom\treview\n"+blockWord+"\tcustom\tblock\n", "巡查测试")
	if err != nil {
		t.Fatal(err)
	}
	if change.Patrol == nil || change.Patrol.Total != patrolItems {
		t.Fatalf("the change started patrol %+v, want one over %d items", change.Patrol, patrolItems)
	}
	return o, dicts, p, change, planted
}

// TestPatrolFindsThePlantedMatches: a dictionary change re-checks the last
// year's 10,000 published items; exactly the planted ones are found, each
// raises one alert to its unit, and items older than a year are skipped.
func TestPatrolFindsThePlantedMatches(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,000 items")
	}
	o, _, p, change, planted := patrolSetup(t)
	ctx := context.Background()
	added := change.Added
	want := []string{reviewWord, blockWord}
	slices.Sort(added)
	slices.Sort(want)
	if !slices.Equal(added, want) {
		t.Fatalf("added words %v, want %v", added, want)
	}
	run := change.Patrol
	if run.Total != patrolItems {
		t.Fatalf("run covers %d items, want %d (older ones are out of the window)", run.Total, patrolItems)
	}
	start := time.Now()
	if err := p.Run(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	done, _ := o.db.PatrolRun(ctx, run.ID)
	if done.State != "done" || done.Checked != patrolItems || done.Found != len(planted) || done.FinishedAt == nil {
		t.Fatalf("run %+v, want done with %d checked and %d found", done, patrolItems, len(planted))
	}
	fs, err := o.db.PatrolFindings(ctx, run.ID, []int64{o.host.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, f := range fs {
		want := reviewWord
		if f.Level == sensitive.LevelBlock {
			want = blockWord
		}
		if f.Text != want || f.Rule != want {
			t.Errorf("finding %+v", f)
		}
		got = append(got, f.ItemID)
	}
	slices.Sort(got)
	if !slices.Equal(got, planted) {
		t.Fatalf("findings on %d items, want the %d planted", len(got), len(planted))
	}
	var alerts, notes int
	o.db.Pool.QueryRow(ctx, `SELECT count(*) FROM alerts WHERE kind = 'patrol'`).Scan(&alerts)       //nolint:errcheck
	o.db.Pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE kind = 'patrol'`).Scan(&notes) //nolint:errcheck
	if alerts != len(planted) || notes != len(planted) {
		t.Fatalf("%d alerts and %d notifications, want %d each (the host admin per item)", alerts, notes, len(planted))
	}
	t.Logf("patrol: %d items in %s (%.0f items/s), %d planted found", patrolItems, elapsed.Round(time.Millisecond),
		float64(patrolItems)/elapsed.Seconds(), len(planted))
}

// BenchmarkPatrol10k re-checks 10,000 published items per iteration.
func BenchmarkPatrol10k(b *testing.B) {
	o, _, p, change, planted := patrolSetup(b)
	added := change.Added
	ctx := context.Background()
	for b.Loop() {
		run, err := p.Start(ctx, "bench", added)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Run(ctx, run.ID); err != nil {
			b.Fatal(err)
		}
	}
	var found int
	o.db.Pool.QueryRow(ctx, `SELECT found FROM patrol_runs ORDER BY id DESC LIMIT 1`).Scan(&found) //nolint:errcheck
	if found != len(planted) {
		b.Fatalf("found %d, want %d", found, len(planted))
	}
	b.ReportMetric(float64(patrolItems)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
}
