// Package redistest hands tests a real Redis database, flushed before and
// after each test. Each test package uses its own database index (listed in
// docs/testing.md) because asynq has no key prefix to separate them.
package redistest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// URL returns the Redis URL of database index db on the test server
// (TEST_REDIS_ADDR, default 127.0.0.1:6379).
func URL(db int) string {
	addr := os.Getenv("TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	return fmt.Sprintf("redis://%s/%d", addr, db)
}

// New returns a client on database db, flushed now and when the test ends.
func New(t testing.TB, db int) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(URL(db))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	ctx := context.Background()
	if err := c.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("redistest: flush db %d: %v", db, err)
	}
	t.Cleanup(func() {
		c.FlushDB(context.Background())
		c.Close()
	})
	return c
}
