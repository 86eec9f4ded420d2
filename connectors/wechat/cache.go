package wechat

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
)

// RedisCache is silenceper's cache.Cache on go-redis v9, so every worker
// shares the same access tokens. Get returns a string, as the library's
// token code expects, or nil when the key is absent.
type RedisCache struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ cache.Cache = (*RedisCache)(nil)

// NewRedisCache stores keys under prefix.
func NewRedisCache(rdb redis.UniversalClient, prefix string) *RedisCache {
	return &RedisCache{rdb: rdb, prefix: prefix}
}

func (c *RedisCache) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 3*time.Second)
}

// Get implements cache.Cache.
func (c *RedisCache) Get(key string) interface{} {
	ctx, cancel := c.ctx()
	defer cancel()
	v, err := c.rdb.Get(ctx, c.prefix+key).Result()
	if err != nil {
		return nil
	}
	return v
}

// Set implements cache.Cache; values are stored as their string form.
func (c *RedisCache) Set(key string, val interface{}, timeout time.Duration) error {
	ctx, cancel := c.ctx()
	defer cancel()
	return c.rdb.Set(ctx, c.prefix+key, fmt.Sprint(val), timeout).Err()
}

// IsExist implements cache.Cache.
func (c *RedisCache) IsExist(key string) bool {
	ctx, cancel := c.ctx()
	defer cancel()
	n, err := c.rdb.Exists(ctx, c.prefix+key).Result()
	return err == nil && n > 0
}

// Delete implements cache.Cache.
func (c *RedisCache) Delete(key string) error {
	ctx, cancel := c.ctx()
	defer cancel()
	return c.rdb.Del(ctx, c.prefix+key).Err()
}
