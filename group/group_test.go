package group

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a Group whose Flush records its batches and can be held.
type recorder struct {
	Group[int, int]
	mu      sync.Mutex
	batches [][]int
	hold    chan struct{} // when set, the first flush waits on it
	hold2   chan struct{} // when set, the second flush waits on it
	entered chan struct{}
}

func newRecorder(flushers int) *recorder {
	r := &recorder{entered: make(chan struct{}, 100)}
	r.Flushers = flushers
	r.Flush = func(_ context.Context, batch []int) ([]int, error) {
		r.mu.Lock()
		r.batches = append(r.batches, slices.Clone(batch))
		n := len(r.batches)
		r.mu.Unlock()
		r.entered <- struct{}{}
		if n == 1 && r.hold != nil {
			<-r.hold
		}
		if n == 2 && r.hold2 != nil {
			<-r.hold2
		}
		out := make([]int, len(batch))
		for i, v := range batch {
			out[i] = v * 10
		}
		return out, nil
	}
	return r
}

func TestAloneIsWrittenAtOnce(t *testing.T) {
	r := newRecorder(1)
	out, err := r.Do(context.Background(), 7)
	if err != nil || out != 70 {
		t.Fatalf("Do(7) = %d, %v; want 70", out, err)
	}
	if len(r.batches) != 1 || !slices.Equal(r.batches[0], []int{7}) {
		t.Fatalf("batches %v, want [[7]]", r.batches)
	}
}

// Requests that arrive while a batch is written go out together in the
// next one, and each caller gets its own result.
func TestRequestsQueuedMeanwhileShareTheNextBatch(t *testing.T) {
	r := newRecorder(1)
	r.hold = make(chan struct{})
	var wg sync.WaitGroup
	results := make([]int, 6)
	wg.Go(func() { results[0], _ = r.Do(context.Background(), 0) })
	<-r.entered // the first batch is being written
	for i := 1; i < 6; i++ {
		wg.Go(func() { results[i], _ = r.Do(context.Background(), i) })
	}
	waitQueued(t, &r.Group, 5)
	close(r.hold)
	wg.Wait()
	if len(r.batches) != 2 || len(r.batches[1]) != 5 {
		t.Fatalf("batches %v, want [[0] [five requests]]", r.batches)
	}
	for i, v := range results {
		if v != i*10 {
			t.Errorf("request %d got %d, want %d", i, v, i*10)
		}
	}
}

// waitQueued waits until n requests wait in g's queue.
func waitQueued(t *testing.T, g *Group[int, int], n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		g.mu.Lock()
		q := len(g.queue)
		g.mu.Unlock()
		if q == n {
			return
		}
	}
	t.Fatalf("%d requests never queued", n)
}

func TestFlushersAreBounded(t *testing.T) {
	r := newRecorder(2)
	block := make(chan struct{})
	var running, most int
	var mu sync.Mutex
	flush := r.Flush
	r.Flush = func(ctx context.Context, batch []int) ([]int, error) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		<-block
		mu.Lock()
		running--
		mu.Unlock()
		return flush(ctx, batch)
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() { r.Do(context.Background(), i) }) //nolint:errcheck
	}
	waitQueued(t, &r.Group, 8) // two flushers hold a request each
	close(block)
	wg.Wait()
	if most != 2 {
		t.Fatalf("%d flushes ran at once, want 2", most)
	}
}

func TestBatchErrorIsEveryRequests(t *testing.T) {
	boom := errors.New("boom")
	g := &Group[int, int]{Flush: func(context.Context, []int) ([]int, error) { return nil, boom }}
	if _, err := g.Do(context.Background(), 1); !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	g.Flush = func(context.Context, []int) ([]int, error) { return nil, nil }
	if _, err := g.Do(context.Background(), 1); err == nil || !strings.Contains(err.Error(), "0 results for 1") {
		t.Fatalf("err %v, want a count mismatch", err)
	}
}

func TestCallerStopsWaitingWithItsContext(t *testing.T) {
	r := newRecorder(1)
	r.hold = make(chan struct{})
	go r.Do(context.Background(), 1) //nolint:errcheck
	<-r.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Do(ctx, 2); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	close(r.hold)
	<-r.entered // the abandoned request is still written
}

// A panicking flush fails its batch and what queued behind it, and the
// panic reaches the flusher's caller; the group keeps working.
func TestPanickingFlushFailsItsBatch(t *testing.T) {
	r := newRecorder(1)
	r.hold = make(chan struct{})
	flush := r.Flush
	r.Flush = func(ctx context.Context, batch []int) ([]int, error) {
		if _, err := flush(ctx, batch); err != nil {
			return nil, err
		}
		panic("store exploded")
	}
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		r.Do(context.Background(), 1) //nolint:errcheck
	}()
	<-r.entered
	queued := make(chan error, 1)
	go func() { _, err := r.Do(context.Background(), 2); queued <- err }()
	waitQueued(t, &r.Group, 1)
	close(r.hold)
	if v := <-panicked; v != "store exploded" {
		t.Fatalf("flusher recovered %v, want the panic", v)
	}
	if err := <-queued; err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("queued request got %v, want the panic as an error", err)
	}
	r.Flush = flush
	if out, err := r.Do(context.Background(), 3); err != nil || out != 30 {
		t.Fatalf("after the panic Do(3) = %d, %v", out, err)
	}
}

// A caller writes one batch, not every batch that queues behind it: it
// hands the next turn to a waiting caller and returns with its result
// while that next batch is still being written.
func TestAWriterHandsOnItsTurn(t *testing.T) {
	r := newRecorder(1)
	r.hold, r.hold2 = make(chan struct{}), make(chan struct{})
	first := make(chan int, 1)
	go func() { out, _ := r.Do(context.Background(), 1); first <- out }()
	<-r.entered
	var wg sync.WaitGroup
	for i := 2; i <= 4; i++ {
		wg.Go(func() {
			if out, err := r.Do(context.Background(), i); err != nil || out != i*10 {
				t.Errorf("Do(%d) = %d, %v", i, out, err)
			}
		})
	}
	waitQueued(t, &r.Group, 3)
	close(r.hold)
	<-r.entered // the second batch is being written, and held
	select {
	case out := <-first:
		if out != 10 {
			t.Fatalf("first caller got %d, want 10", out)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the first caller is still writing others' batches")
	}
	close(r.hold2)
	wg.Wait()
	if len(r.batches) != 2 || len(r.batches[1]) != 3 {
		t.Fatalf("batches %v, want [[1] [2 3 4]]", r.batches)
	}
}

// A caller that stopped waiting gets no turn: its request is written by
// the next caller's batch, or by the writer itself when no one else waits.
func TestGoneCallersGetNoTurn(t *testing.T) {
	for _, others := range []int{0, 1} {
		r := newRecorder(1)
		r.hold = make(chan struct{})
		writer := make(chan error, 1)
		go func() { _, err := r.Do(context.Background(), 1); writer <- err }()
		<-r.entered
		ctx, cancel := context.WithCancel(context.Background())
		gone := make(chan error, 1)
		go func() { _, err := r.Do(ctx, 2); gone <- err }()
		waitQueued(t, &r.Group, 1)
		cancel()
		if err := <-gone; !errors.Is(err, context.Canceled) {
			t.Fatalf("gone caller: %v", err)
		}
		waiting := make(chan int, 1)
		if others == 1 {
			go func() { out, _ := r.Do(context.Background(), 3); waiting <- out }()
			waitQueued(t, &r.Group, 2)
		}
		close(r.hold)
		if err := <-writer; err != nil {
			t.Fatal(err)
		}
		if others == 1 && <-waiting != 30 {
			t.Fatal("the waiting caller got a wrong result")
		}
		want := []int{2, 3}[:1+others]
		if len(r.batches) != 2 || !slices.Equal(r.batches[1], want) {
			t.Fatalf("with %d other callers: batches %v, want [[1] %v]", others, r.batches, want)
		}
		r.Group.mu.Lock()
		running, queued := r.running, len(r.queue)
		r.Group.mu.Unlock()
		if running != 0 || queued != 0 {
			t.Fatalf("with %d other callers: %d turns under way, %d queued after all returned", others, running, queued)
		}
	}
}

// Many callers, some giving up, against a flush of varying length: every
// caller that waits gets its own result, every request is written once,
// and the group ends idle.
func TestManyCallersUnderLoad(t *testing.T) {
	for _, flushers := range []int{1, 2, 4} {
		var mu sync.Mutex
		written := map[int]int{}
		g := &Group[int, int]{Flushers: flushers, Flush: func(_ context.Context, batch []int) ([]int, error) {
			time.Sleep(time.Duration(len(batch)%3) * 100 * time.Microsecond)
			mu.Lock()
			defer mu.Unlock()
			out := make([]int, len(batch))
			for i, v := range batch {
				written[v]++
				out[i] = -v
			}
			return out, nil
		}}
		const callers, each = 64, 50
		var wg sync.WaitGroup
		for c := range callers {
			wg.Go(func() {
				for i := range each {
					v := c*each + i
					ctx, cancel := context.WithCancel(context.Background())
					if v%7 == 0 {
						cancel() // gives up at once
					}
					out, err := g.Do(ctx, v)
					cancel()
					if err == nil && out != -v {
						t.Errorf("Do(%d) = %d", v, out)
					}
				}
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%d flushers: callers still waiting after 30 s", flushers)
		}
		// Requests given up on may still be written by a turn under way.
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			g.mu.Lock()
			idle := g.running == 0 && len(g.queue) == 0 && !g.handed
			g.mu.Unlock()
			if idle {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d flushers: the group never became idle", flushers)
			}
		}
		mu.Lock()
		for v := range callers * each {
			if n := written[v]; n != 1 {
				t.Errorf("%d flushers: request %d written %d times", flushers, v, n)
			}
		}
		mu.Unlock()
	}
}
