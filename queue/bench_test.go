package queue_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/store"
)

// delivered reports whether every delivery of item is delivered.
func (p *pipeline) delivered(ctx context.Context, item int64, want int) bool {
	var n int
	p.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE item_id = $1 AND state = 'delivered'`, item).Scan(&n) //nolint:errcheck
	return n == want
}

// BenchmarkApprovedToDelivered measures one approved item at a time, from
// the relay's enqueue (the approval has committed) until all four
// simulator platforms have confirmed their post: the latency an operator
// sees on an idle hub.
func BenchmarkApprovedToDelivered(b *testing.B) {
	p := setup(b)
	p.rec.Quiet = queue.DefaultQuiet // as deployed
	p.start(b)
	ctx := context.Background()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		it, ids := p.Approve(b, fmt.Sprintf("关于第%d项工作的通知", i), false)
		i++
		b.StartTimer()
		start := time.Now()
		if err := p.enqueuer.EnqueueIDs(ctx, store.QueueFor(it.Version.Content), ids); err != nil {
			b.Fatal(err)
		}
		for !p.delivered(ctx, it.ID, len(ids)) {
			if time.Since(start) > 30*time.Second {
				b.Fatalf("item %d not delivered after 30s", it.ID)
			}
			time.Sleep(time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSustainedDeliveries approves b.N items (four deliveries each)
// up front, then measures how fast the worker drains them all.
func BenchmarkSustainedDeliveries(b *testing.B) {
	p := setup(b)
	p.rec.Quiet = queue.DefaultQuiet // as deployed
	p.start(b)
	ctx := context.Background()
	n := max(b.N, 50)
	type planned struct {
		queue string
		ids   []int64
		item  int64
	}
	var all []planned
	for i := range n {
		it, ids := p.Approve(b, fmt.Sprintf("关于第%d项工作的通知", i), false)
		all = append(all, planned{store.QueueFor(it.Version.Content), ids, it.ID})
	}
	b.ResetTimer()
	start := time.Now()
	cpu0 := busyJiffies()
	for _, pl := range all {
		if err := p.enqueuer.EnqueueIDs(ctx, pl.queue, pl.ids); err != nil {
			b.Fatal(err)
		}
	}
	total := 4 * n
	for {
		var done int
		p.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE state = 'delivered'`).Scan(&done) //nolint:errcheck
		if done == total {
			break
		}
		if time.Since(start) > 5*time.Minute {
			b.Fatalf("%d of %d delivered after 5 minutes", done, total)
		}
		time.Sleep(100 * time.Millisecond) // counting scans the table: rarely
	}
	b.StopTimer()
	if dup := p.Sim.Duplicates(); dup != 0 {
		b.Fatalf("%d duplicates", dup)
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "deliveries/s")
	if cpu0 > 0 {
		b.ReportMetric(float64(busyJiffies()-cpu0)*10/float64(total), "cpu_ms/delivery")
	}
	var attempts int
	p.DB.Pool.QueryRow(ctx, `SELECT sum(attempts) FROM deliveries`).Scan(&attempts) //nolint:errcheck
	b.ReportMetric(float64(attempts)/float64(total), "attempts/delivery")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkBareAsynqNoop is the ceiling: asynq alone, in its default
// configuration, on the same Redis with the same concurrency, running tasks
// that do nothing.
func BenchmarkBareAsynqNoop(b *testing.B) { benchmarkNoop(b, asynq.Config{}) }

// BenchmarkBareAsynqNoopLikeWorkers is the same with the idle task check of
// Tongfa's workers (50 ms instead of a second): asynq's default leaves its
// workers asleep whenever the enqueuing client falls behind, which makes
// the default figure swing between runs.
func BenchmarkBareAsynqNoopLikeWorkers(b *testing.B) {
	benchmarkNoop(b, asynq.Config{TaskCheckInterval: 50 * time.Millisecond})
}

func benchmarkNoop(b *testing.B, cfg asynq.Config) {
	p := setup(b)
	n := max(b.N, 200)
	var done atomic.Int64
	cfg.Concurrency, cfg.Queues, cfg.LogLevel = concurrency, map[string]int{"noop": 1}, asynq.ErrorLevel
	srv := asynq.NewServer(p.opt, cfg)
	mux := asynq.NewServeMux()
	mux.HandleFunc("noop", func(context.Context, *asynq.Task) error { done.Add(1); return nil })
	if err := srv.Start(mux); err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown()
	client := asynq.NewClient(p.opt)
	defer client.Close()
	b.ResetTimer()
	start := time.Now()
	cpu0 := busyJiffies()
	for i := range n {
		if _, err := client.Enqueue(asynq.NewTask("noop", fmt.Appendf(nil, `{"delivery_id":%d}`, i)), asynq.Queue("noop"), asynq.TaskID(fmt.Sprint("noop:", i))); err != nil {
			b.Fatal(err)
		}
	}
	for done.Load() < int64(n) {
		if time.Since(start) > 5*time.Minute {
			b.Fatalf("%d of %d no-op tasks after 5 minutes", done.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "tasks/s")
	if cpu0 > 0 {
		b.ReportMetric(float64(busyJiffies()-cpu0)*10/float64(n), "cpu_ms/task")
	}
	b.ReportMetric(0, "ns/op")
}

// busyJiffies is the time all CPUs of the machine spent busy, in
// hundredths of a second (Linux's /proc/stat), or 0 where it cannot be
// read. The sustained benchmark reports it per delivery: the machine's
// whole cost of one delivery (PostgreSQL, Redis, workers and simulators),
// which varies less between runs than the rate, since the rate also
// depends on how well the load happens to spread over the cores.
func busyJiffies() int64 {
	data, err := os.ReadFile("/proc/stat")
	f := strings.Fields(strings.SplitN(string(data), "\n", 2)[0])
	if err != nil || len(f) < 5 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy
}
