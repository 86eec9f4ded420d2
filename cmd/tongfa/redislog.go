package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// redisLog takes go-redis's own messages (connection retries and the
// like), which it otherwise prints to standard error in English between a
// command's Chinese output. A one-shot command drops them (its error says
// what failed; TONGFA_DEBUG=1 keeps them); a running hub logs them.
type redisLog struct{ log *slog.Logger }

func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	if r.log != nil {
		r.log.WarnContext(ctx, "redis", slog.String("message", fmt.Sprintf(format, v...)))
	}
}

// quietRedis drops go-redis's messages unless a developer asked for them.
func quietRedis(debug bool) {
	if !debug {
		redis.SetLogger(redisLog{})
	}
}

// logRedis sends go-redis's messages to a running hub's log.
func logRedis(log *slog.Logger) { redis.SetLogger(redisLog{log: log}) }
