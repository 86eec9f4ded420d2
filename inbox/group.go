package inbox

import (
	"context"
	"sync"
	"time"
)

// group commits pushed messages together: under load, pushes that arrive
// while an insert is running are stored by the next single insert (one
// transaction commit for many messages), and each push still answers only
// once its message is stored. Without load a push is stored alone at once.
type group struct {
	mu      sync.Mutex
	queue   []*pending
	running int
}

// maxFlushers bounds the inserts running at once.
const maxFlushers = 4

type pending struct {
	in   Incoming
	done chan error
}

// ingest stores one message through the group and waits for it.
func (g *group) ingest(ctx context.Context, s *Service, in Incoming) error {
	p := &pending{in: in, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if g.running >= maxFlushers {
		g.mu.Unlock()
		return wait(ctx, p)
	}
	// Become a flusher: store what is queued until nothing is.
	g.running++
	for len(g.queue) > 0 {
		batch := g.queue
		g.queue = nil
		g.mu.Unlock()
		g.flush(s, batch)
		g.mu.Lock()
	}
	g.running--
	g.mu.Unlock()
	return wait(ctx, p)
}

func wait(ctx context.Context, p *pending) error {
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush stores a batch in one statement. It does not use any one
// request's context: the batch belongs to every push in it.
func (g *group) flush(s *Service, batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ins := make([]Incoming, len(batch))
	for i, p := range batch {
		ins[i] = p.in
	}
	_, err := s.Ingest(ctx, ins)
	for _, p := range batch {
		p.done <- err
	}
}
