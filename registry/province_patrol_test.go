package registry_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/sensitive"
)

// TestProvincePatrolFigures measures the patrol of a province's year of
// published items after a dictionary change added reportstest.PatrolWord
// (docs/benchmarks.md, "A province's year"): the whole run as a worker
// runs it, every item's current version through the full checker. It runs
// only with TONGFA_PROVINCE_BENCH=1 (TONGFA_PROVINCE_SCALE, TONGFA_PROVINCE_SCHEMA:
// reportstest.OpenProvince). On a kept schema each run leaves its run,
// findings, alerts, notifications and (unsealed) audit rows behind.
func TestProvincePatrolFigures(t *testing.T) {
	if os.Getenv("TONGFA_PROVINCE_BENCH") == "" {
		t.Skip("set TONGFA_PROVINCE_BENCH=1 to load a province's year and measure its patrol")
	}
	ctx := context.Background()
	sc := reportstest.BenchScale()
	prov := reportstest.OpenProvince(t, sc)
	db := prov.DB
	added := &sensitive.Dictionary{}
	if err := added.Parse("province-bench", strings.NewReader(reportstest.PatrolWord+"\tcustom\treview\n")); err != nil {
		t.Fatal(err)
	}
	checker, err := sensitive.New(sensitive.DefaultNormalization, sensitive.DefaultDictionary(), added)
	if err != nil {
		t.Fatal(err)
	}
	p := &registry.Patrol{DB: db, Checker: checker, Batch: 500, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	since := db.Now().Add(-registry.PatrolWindow)
	var published, planted int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE id % $2 = 0) FROM items
		WHERE state IN ('published','publishing') AND updated_at >= $1`, since, reportstest.PatrolEvery).Scan(&published, &planted); err != nil {
		t.Fatal(err)
	}
	t.Logf("| run | items checked | items with findings | time | items/s |")
	t.Logf("| --- | --- | --- | --- | --- |")
	for i := range 2 {
		run, err := p.Start(ctx, "province bench", []string{reportstest.PatrolWord})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := p.Run(ctx, run.ID); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		done, err := db.PatrolRun(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Exactly the planted items: a base dictionary word in the stock
		// prose would make every item a finding and the figure meaningless.
		if done.State != "done" || done.Checked != published || done.Found != planted {
			t.Fatalf("run %+v: want done, %d checked, %d found", done, published, planted)
		}
		t.Logf("| %d | %d | %d | %s | %.0f |", i+1, done.Checked, done.Found, took.Round(time.Millisecond), float64(done.Checked)/took.Seconds())
	}
	var alerts int
	if err := db.Pool.QueryRow(ctx, `SELECT count(DISTINCT subject) FROM alerts WHERE kind = 'patrol'`).Scan(&alerts); err != nil {
		t.Fatal(err)
	}
	if alerts < planted {
		t.Fatalf("%d items alerted, want %d", alerts, planted)
	}
}
