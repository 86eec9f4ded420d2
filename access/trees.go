package access

import (
	"context"
	"sync"
	"time"

	"github.com/tongfa/tongfa"
)

// Trees keeps the unit tree for a few seconds: it changes rarely and every
// request needs it.
type Trees struct {
	Load func(ctx context.Context) ([]tongfa.Unit, error)
	TTL  time.Duration

	mu     sync.Mutex
	tree   *Tree
	loaded time.Time
}

// Get returns the tree, loading it when the cached one is older than TTL.
func (c *Trees) Get(ctx context.Context) (*Tree, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tree != nil && time.Since(c.loaded) < c.TTL {
		return c.tree, nil
	}
	units, err := c.Load(ctx)
	if err != nil {
		return nil, err
	}
	c.tree, c.loaded = NewTree(units), time.Now()
	return c.tree, nil
}

// Invalidate drops the cached tree after a unit change in this process.
func (c *Trees) Invalidate() {
	c.mu.Lock()
	c.tree = nil
	c.mu.Unlock()
}
