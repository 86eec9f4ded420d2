package reports_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// tinyProvince is the generator at a size make test affords.
var tinyProvince = reportstest.TinyProvince

// provinceReport builds the fourth quarter of the generated year, as of
// 5 January of the next, over the province (unit 0) or one unit's subtree.
func provinceReport(t testing.TB, db *store.DB, unit int64) (*reports.Report, time.Duration) {
	t.Helper()
	ctx := context.Background()
	svc := &reports.Service{DB: db, Clocks: &clocks.Service{DB: db, Calendar: workday.Default}}
	p, err := reports.ParsePeriod("quarter", "2025-10-01", "", db.Now())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := svc.Scope(ctx, nil, unit, 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r, err := svc.Build(ctx, p, sc)
	if err != nil {
		t.Fatal(err)
	}
	return r, time.Since(start)
}

func newProvince(t testing.TB, sc reportstest.Scale) (*store.DB, reportstest.Loaded, time.Duration) {
	t.Helper()
	db := storetest.New(t)
	db.Now = func() time.Time { return time.Date(sc.Year+1, 1, 5, 9, 0, 0, 0, workday.Location()) }
	start := time.Now()
	loaded, err := reportstest.Province(context.Background(), db, sc)
	if err != nil {
		t.Fatal(err)
	}
	return db, loaded, time.Since(start)
}

// TestProvinceGenerator: the generator is deterministic, its records make
// a report with every table filled, and its audit rows are a valid chain
// the sealer goes on from.
func TestProvinceGenerator(t *testing.T) {
	ctx := context.Background()
	db, loaded, _ := newProvince(t, tinyProvince)
	again, loadedAgain, took := newProvince(t, tinyProvince)
	t.Logf("generated in %s", took)
	for table, n := range loaded {
		if n == 0 || loadedAgain[table] != n {
			t.Errorf("%s: %d rows, then %d", table, n, loadedAgain[table])
		}
	}
	if loaded["stats_post_days"] != loaded["stats_posts"]*tinyProvince.StatsDays {
		t.Errorf("%d post days for %d posts", loaded["stats_post_days"], loaded["stats_posts"])
	}
	var head, headAgain string
	if err := db.Pool.QueryRow(ctx, `SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	if err := again.Pool.QueryRow(ctx, `SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&headAgain); err != nil || head != headAgain {
		t.Fatalf("the chain's head differs between two runs: %s, %s (%v)", head, headAgain, err)
	}
	r, _ := provinceReport(t, db, 0)
	s := r.Summary
	if s.Posts == 0 || s.Messages == 0 || s.Submissions == 0 || s.Weekly.Den == 0 || s.MedianAnswerDays == nil || len(r.Accounts) != tinyProvince.Accounts {
		t.Fatalf("province report: %+v, %d accounts", s, len(r.Accounts))
	}
	if city, _ := provinceReport(t, db, 2); city.Summary.Posts == 0 || city.Summary.Posts >= s.Posts {
		t.Fatalf("a city's posts %d, the province's %d", city.Summary.Posts, s.Posts)
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || rep.Verified != int64(loaded["audit_log"]) {
		t.Fatalf("audit verify: %+v, %v; %d rows written", rep, err, loaded["audit_log"])
	}
	if err := db.Audit(ctx, store.Actor{Name: "测试"}, "login", "x", nil, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := db.SealAudit(ctx); err != nil || n != 1 {
		t.Fatalf("seal after the generated rows: %d, %v", n, err)
	}
	if rep, err := db.VerifyAudit(ctx); err != nil || rep.Verified != int64(loaded["audit_log"])+1 {
		t.Fatalf("audit verify after sealing on: %+v, %v", rep, err)
	}
}

// TestProvinceYearFigures measures a province's year (docs/benchmarks.md):
// loading it, the fourth quarter's report for the province and for one
// unit, and the audit verify of the year. It runs only with
// TONGFA_PROVINCE_BENCH=1; the figures go to the test log.
// TONGFA_PROVINCE_SCALE, TONGFA_PROVINCE_SCHEMA and
// TONGFA_PROVINCE_PARTITIONED choose the scale, keep the loaded year
// between runs and read the big tables partitioned by month
// (reportstest.OpenProvince).
func TestProvinceYearFigures(t *testing.T) {
	if os.Getenv("TONGFA_PROVINCE_BENCH") == "" {
		t.Skip("set TONGFA_PROVINCE_BENCH=1 to load a province's year and measure it")
	}
	ctx := context.Background()
	p := reportstest.OpenProvince(t, reportstest.BenchScale())
	db := p.DB
	if p.Reused {
		t.Logf("reused the kept schema %s", os.Getenv("TONGFA_PROVINCE_SCHEMA"))
	} else {
		t.Logf("loaded %d rows in %s: %v", p.Loaded.Total(), p.Took.Round(time.Millisecond), p.Loaded)
	}
	for _, unit := range []int64{0, 2, 300} {
		var best, worst time.Duration
		var r *reports.Report
		for i := range 3 {
			var d time.Duration
			r, d = provinceReport(t, db, unit)
			if i == 0 || d < best {
				best = d
			}
			worst = max(worst, d)
		}
		t.Logf("quarterly report, %s (%d accounts, %d posts, %d messages): best %s, worst %s of 3",
			r.Scope.Label, len(r.Accounts), r.Summary.Posts, r.Summary.Messages, best.Round(time.Millisecond), worst.Round(time.Millisecond))
	}
	start := time.Now()
	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("audit verify: %d rows in %s", rep.Verified, time.Since(start).Round(time.Millisecond))
}
