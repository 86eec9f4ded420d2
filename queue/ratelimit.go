package queue

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// defaultPerMinute keeps each platform account under its published limits
// unless the account's settings say rate_per_minute.
var defaultPerMinute = map[tongfa.Platform]int{
	tongfa.PlatformWeibo:   30,
	tongfa.PlatformWeChat:  20,
	tongfa.PlatformApp:     600,
	tongfa.PlatformWebsite: 600,
	tongfa.PlatformDouyin:  10, // a video post is minutes of upload; Douyin throttles creates per app and user
}

// Limiter shares per-account send rates across every worker through Redis.
type Limiter struct{ l *redis_rate.Limiter }

// NewLimiter uses rdb for the shared counters.
func NewLimiter(rdb redis.UniversalClient) *Limiter { return &Limiter{l: redis_rate.NewLimiter(rdb)} }

// Wait returns nil when acc may send now, or a wait error telling asynq
// when to come back (not counted as a failure).
func (l *Limiter) Wait(ctx context.Context, acc connectors.Account) error {
	if l == nil {
		return nil
	}
	n := defaultPerMinute[acc.Platform]
	if v, err := strconv.Atoi(acc.Settings["rate_per_minute"]); err == nil && v > 0 {
		n = v
	}
	if n == 0 {
		return nil
	}
	res, err := l.l.Allow(ctx, fmt.Sprintf("tongfa:rate:account:%d", acc.ID), redis_rate.PerMinute(n))
	if err != nil {
		return fmt.Errorf("queue: rate limit: %w", err)
	}
	if res.Allowed == 0 {
		return wait(res.RetryAfter, "已达到该账号的发送频率上限")
	}
	return nil
}
