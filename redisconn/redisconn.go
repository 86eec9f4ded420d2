// Package redisconn opens Redis from one URL for every user of it (sessions,
// rate limits, caches and the asynq queue): one server, a Sentinel-managed
// primary or a Redis Cluster.
package redisconn

import (
	"fmt"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Open parses url (see Parse) and returns a client for Tongfa's own keys
// and the matching asynq option, so the queue and the rest of Tongfa
// always agree on the server.
func Open(url string) (redis.UniversalClient, asynq.RedisConnOpt, error) {
	opt, err := Parse(url)
	if err != nil {
		return nil, nil, err
	}
	c, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, nil, fmt.Errorf("redis: unsupported client for %T", opt)
	}
	return c, opt, nil
}

// Parse reads TONGFA_REDIS_URL. redis://, rediss:// and redis-sentinel://
// are asynq's syntax; redis-cluster:// and rediss-cluster:// name the
// nodes of a Redis Cluster (ParseCluster).
func Parse(url string) (asynq.RedisConnOpt, error) {
	scheme, _, _ := strings.Cut(url, "://")
	if scheme == "redis-cluster" || scheme == "rediss-cluster" {
		o, err := ParseCluster(url)
		if err != nil {
			return nil, err
		}
		return ClusterOpt{Options: o}, nil
	}
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		return nil, fmt.Errorf("redis: parse url: %w", err)
	}
	return opt, nil
}
