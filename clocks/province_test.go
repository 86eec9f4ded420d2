package clocks_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/workday"
)

// TestProvinceFrequencyFigures times the province office's update-frequency
// standings and four-week table (what its dashboard computes: every
// account of the province) set-based and account by account, and asserts
// both give the same result at full scale. Skipped unless
// TONGFA_PROVINCE_BENCH=1 (docs/benchmarks.md, the province harnesses).
func TestProvinceFrequencyFigures(t *testing.T) {
	if os.Getenv("TONGFA_PROVINCE_BENCH") == "" {
		t.Skip("TONGFA_PROVINCE_BENCH unset")
	}
	ctx := context.Background()
	sc := reportstest.BenchScale()
	prov := reportstest.OpenProvince(t, sc)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &clocks.Service{DB: prov.DB, Calendar: workday.Default, Log: log, Notify: &notify.Notifier{DB: prov.DB, Log: log}}
	now := reportstest.ProvinceNow(sc)
	up, _ := os.ReadFile("/proc/loadavg")
	t.Logf("load average before: %s", up)
	for round := 1; round <= 3; round++ {
		start := time.Now()
		got, err := svc.FrequenciesOf(ctx, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		set := time.Since(start)
		start = time.Now()
		want, err := svc.FrequenciesPerAccount(ctx, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		per := time.Since(start)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("set-based standings (%d) differ from the per-account ones (%d)", len(got), len(want))
		}
		start = time.Now()
		wg, err := svc.WeeklyAt(ctx, nil, now.AddDate(0, 0, -28), now, now)
		if err != nil {
			t.Fatal(err)
		}
		wset := time.Since(start)
		start = time.Now()
		ww, err := svc.WeeklyPerAccount(ctx, nil, now.AddDate(0, 0, -28), now, now)
		if err != nil {
			t.Fatal(err)
		}
		wper := time.Since(start)
		if !reflect.DeepEqual(wg, ww) {
			t.Fatalf("set-based week rows (%d) differ from the per-account ones (%d)", len(wg), len(ww))
		}
		start = time.Now()
		open, err := svc.OpenOf(ctx, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		undelivered := time.Since(start)
		start = time.Now()
		openAll, err := svc.OpenPerItem(ctx, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(open, openAll) {
			t.Fatalf("open clocks of the undelivered items (%d) differ from those of every urgent item (%d)", len(open), len(openAll))
		}
		t.Logf("round %d: open urgent clocks (%d) from the undelivered items %s, from every urgent item of the month %s",
			round, len(open), undelivered.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		t.Logf("round %d: standings (%d) set-based %s, per account %s; weekly rows (%d) set-based %s, per account %s",
			round, len(got), set.Round(time.Millisecond), per.Round(time.Millisecond), len(wg), wset.Round(time.Millisecond), wper.Round(time.Millisecond))
	}
	up, _ = os.ReadFile("/proc/loadavg")
	t.Logf("load average after: %s", up)
}
