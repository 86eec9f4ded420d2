// Package redisconn opens Redis from one URL for every user of it (sessions,
// rate limits, caches and the asynq queue), including Sentinel setups.
package redisconn

import (
	"fmt"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Open parses redis://, rediss:// and redis-sentinel:// URLs with asynq's
// parser, so the queue and the rest of Tongfa always agree on the server.
func Open(url string) (redis.UniversalClient, asynq.RedisConnOpt, error) {
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		return nil, nil, fmt.Errorf("redis: parse url: %w", err)
	}
	c, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, nil, fmt.Errorf("redis: unsupported client for %T", opt)
	}
	return c, opt, nil
}
