// Package group commits requests that arrive together as one batch: under
// load, the requests that queue up while a batch is being written are
// written by the next single batch (one round trip and one transaction
// commit for many), and each caller still returns only once its own
// request is written. Without load a request is written alone, at once:
// nothing waits for a timer.
package group

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Group batches requests of type In whose results are of type Out.
//
// The batches are written by the callers themselves, one batch per turn:
// a caller that finds fewer than Flushers batches under way writes all
// that is queued, then hands its turn to a caller still waiting in the
// queue (who writes the next batch) and returns with its own result. No
// caller is kept writing other callers' batches for as long as the load
// lasts, and no goroutine outlives its call.
type Group[In, Out any] struct {
	// Flush writes a batch and returns one result per request, in order,
	// or an error that is every request's. It runs with a context of its
	// own: the batch belongs to every caller in it.
	Flush func(ctx context.Context, batch []In) ([]Out, error)
	// Flushers bounds the batches written at once (default 4).
	Flushers int
	// Timeout bounds one flush (default 10 seconds).
	Timeout time.Duration

	mu      sync.Mutex
	queue   []*pending[In, Out]
	running int  // turns under way, handed-on ones included
	handed  bool // a turn was handed on and not taken yet
}

type pending[In, Out any] struct {
	in   In
	done chan result[Out]
	turn chan struct{} // the caller's turn to write the next batch
	gone bool          // the caller stopped waiting (guarded by mu)
}

type result[Out any] struct {
	out Out
	err error
}

// Do queues in and waits for its result, writing a batch when it is this
// caller's turn. When ctx ends first, Do returns its error; the request
// may still be written.
func (g *Group[In, Out]) Do(ctx context.Context, in In) (Out, error) {
	p := &pending[In, Out]{in: in, done: make(chan result[Out], 1), turn: make(chan struct{}, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if g.running < orDefault(g.Flushers, 4) {
		g.running++
		g.writeTurn()
	} else {
		g.mu.Unlock()
	}
	for {
		select {
		case r := <-p.done:
			// A turn handed to p before another writer took p's request
			// out of the queue is still p's to take.
			select {
			case <-p.turn:
				g.mu.Lock()
				g.takeTurn()
			default:
			}
			return r.out, r.err
		case <-p.turn:
			g.mu.Lock()
			g.takeTurn()
		case <-ctx.Done():
			g.mu.Lock()
			select {
			case <-p.turn:
				g.takeTurn()
			default:
				p.gone = true
				g.mu.Unlock()
			}
			var zero Out
			return zero, ctx.Err()
		}
	}
}

// takeTurn, called with mu held by a caller that was handed a turn, writes
// (see writeTurn).
func (g *Group[In, Out]) takeTurn() {
	g.handed = false
	g.writeTurn()
}

// writeTurn, called with mu held by a caller whose turn it is, writes all
// that is queued, hands the turn to a waiting caller if more has queued
// meanwhile, and unlocks mu. Requests whose callers stopped waiting are
// written but get no turn. While a turn handed on is not taken yet, the
// caller it went to will write what is queued: no second one is handed.
func (g *Group[In, Out]) writeTurn() {
	locked := true
	defer func() {
		if !locked {
			g.mu.Lock()
		}
		v := recover()
		if v == nil {
			g.mu.Unlock()
			return
		}
		g.running--
		var stranded []*pending[In, Out]
		if g.running == 0 {
			// No writer is left for what queued meanwhile.
			stranded, g.queue = g.queue, nil
		}
		g.mu.Unlock()
		deliver(stranded, nil, fmt.Errorf("group: flush panicked: %v", v))
		panic(v)
	}()
	for len(g.queue) > 0 {
		batch := g.queue
		g.queue = nil
		g.mu.Unlock()
		locked = false
		g.flush(batch)
		g.mu.Lock()
		locked = true
		if g.handed {
			break
		}
		for _, q := range g.queue {
			if !q.gone {
				q.turn <- struct{}{} // q counts in running from now on
				g.handed = true
				return
			}
		}
	}
	g.running--
}

func (g *Group[In, Out]) flush(batch []*pending[In, Out]) {
	ctx, cancel := context.WithTimeout(context.Background(), orDefault(g.Timeout, 10*time.Second))
	defer cancel()
	ins := make([]In, len(batch))
	for i, p := range batch {
		ins[i] = p.in
	}
	var outs []Out
	err := fmt.Errorf("group: flush panicked")
	defer func() {
		// A panicking Flush fails its batch instead of leaving it waiting;
		// the panic goes on up (see writeTurn).
		if err == nil && len(outs) != len(batch) {
			err = fmt.Errorf("group: flush returned %d results for %d requests", len(outs), len(batch))
		}
		deliver(batch, outs, err)
	}()
	outs, err = g.Flush(ctx, ins)
}

// deliver hands each request its result, or err.
func deliver[In, Out any](batch []*pending[In, Out], outs []Out, err error) {
	for i, p := range batch {
		r := result[Out]{err: err}
		if err == nil {
			r.out = outs[i]
		}
		p.done <- r
	}
}

// orDefault returns v, or def when v is not set.
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
