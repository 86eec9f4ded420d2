package queue_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/redisconn/redistest"
)

// TestEveryRunsOncePerPeriod starts three runners at different moments of
// a two-second period, as three worker processes would, and counts the
// passes of one periodic task in each period: one, never two.
func TestEveryRunsOncePerPeriod(t *testing.T) {
	const period = 2 * time.Second
	rdb := redistest.New(t, redisDB)
	opt := asynq.RedisClientOpt{Addr: rdb.Options().Addr, DB: redisDB}
	var mu sync.Mutex
	passes := map[time.Time]int{} // period start → passes
	for i := range 3 {
		r := queue.NewRunner(opt, 2, slog.New(slog.NewTextHandler(io.Discard, nil)))
		r.Handle("test:tick", func(context.Context, *asynq.Task) error {
			mu.Lock()
			passes[time.Now().Truncate(period)]++
			mu.Unlock()
			return nil
		})
		if err := r.Every("@every 2s", "test:tick", "default"); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			time.Sleep(700 * time.Millisecond)
		}
		if err := r.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Shutdown)
	}
	time.Sleep(7 * time.Second)
	mu.Lock()
	defer mu.Unlock()
	for at, n := range passes {
		if n != 1 {
			t.Errorf("the period from %s ran %d times", at.Format("15:04:05.000"), n)
		}
	}
	if len(passes) < 3 {
		t.Errorf("%d periods ran in 8.4 s", len(passes))
	}
}
