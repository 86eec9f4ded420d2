package identity

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
)

// Lockout policy: five failures within 15 minutes lock a username for 15.
// It is kept per username whether or not the user exists, so the answer
// never tells which usernames do.
const (
	lockoutFailures = 5
	lockoutWindow   = 15 * time.Minute
	lockoutDuration = 15 * time.Minute
)

// Login rates: an address may try this often, and so may a username from
// anywhere; beyond that the answer is 429 with Retry-After, before any
// password is hashed.
var (
	perAddress  = redis_rate.PerMinute(30)
	perUsername = redis_rate.PerMinute(10)
)

// Throttle slows password guessing through Redis, shared by every hub
// process: login rates per address and per username, and the lockout.
type Throttle struct {
	rdb   redis.UniversalClient
	rates *redis_rate.Limiter
	// Now is the clock a lockout ends by (the store's, which tests move).
	Now func() time.Time
	// fallback is used when Redis does not answer: the throttle then holds
	// per process rather than letting every attempt through.
	mu       sync.Mutex
	fallback map[string]time.Time
}

// NewThrottle keeps its counters in rdb.
func NewThrottle(rdb redis.UniversalClient) *Throttle {
	return &Throttle{rdb: rdb, rates: redis_rate.NewLimiter(rdb), Now: time.Now, fallback: map[string]time.Time{}}
}

// name is a username as the throttle counts it; the hash tag keeps a
// username's keys in one Redis Cluster slot.
func name(username string) string { return "{" + strings.ToLower(strings.TrimSpace(username)) + "}" }

// Allow refuses an attempt from ip for username beyond the login rates.
func (t *Throttle) Allow(ctx context.Context, ip, username string) error {
	for _, c := range []struct {
		key   string
		limit redis_rate.Limit
	}{{"tongfa:login:ip:" + ip, perAddress}, {"tongfa:login:user:" + name(username), perUsername}} {
		res, err := t.rates.Allow(ctx, c.key, c.limit)
		if err != nil {
			return t.local(c.key, c.limit)
		}
		if res.Allowed == 0 {
			return tooFast(res.RetryAfter)
		}
	}
	return nil
}

// local spaces attempts per key within this process while Redis is away.
func (t *Throttle) local(key string, l redis_rate.Limit) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	gap := l.Period / time.Duration(l.Rate)
	now := time.Now()
	if next := t.fallback[key]; now.Before(next) {
		return tooFast(next.Sub(now))
	}
	if len(t.fallback) > 100_000 {
		clear(t.fallback)
	}
	t.fallback[key] = now.Add(gap)
	return nil
}

func tooFast(after time.Duration) error {
	secs := max(1, int(after.Round(time.Second)/time.Second))
	return &tongfa.Error{Code: tongfa.ERateLimited, Message: fmt.Sprintf("登录尝试过于频繁，请 %d 秒后再试", secs),
		Data: tongfa.RetryAfter{Seconds: secs}}
}

// Locked reports how long username stays locked (0: not locked).
func (t *Throttle) Locked(ctx context.Context, username string) time.Duration {
	until, err := t.rdb.Get(ctx, "tongfa:login:"+name(username)+":lock").Int64()
	if err != nil {
		return 0
	}
	return max(0, time.UnixMilli(until).Sub(t.Now()))
}

// Failed counts a failed attempt on username and reports whether it has
// locked the username now.
func (t *Throttle) Failed(ctx context.Context, username string) (bool, error) {
	k := "tongfa:login:" + name(username)
	n, err := t.rdb.Incr(ctx, k+":fails").Result()
	if err != nil {
		return false, fmt.Errorf("identity: count login failure: %w", err)
	}
	if n == 1 {
		t.rdb.PExpire(ctx, k+":fails", lockoutWindow)
	}
	if n < lockoutFailures {
		return false, nil
	}
	_, err = t.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		t.lock(ctx, p, username, lockoutDuration)
		p.Del(ctx, k+":fails")
		return nil
	})
	return err == nil, err
}

// Lock locks username for d (a lockout the store remembers, re-applied
// after Redis lost it).
func (t *Throttle) Lock(ctx context.Context, username string, d time.Duration) {
	t.lock(ctx, t.rdb, username, d)
}

// lock stores when the lockout ends; the key itself lapses a little later.
func (t *Throttle) lock(ctx context.Context, c redis.Cmdable, username string, d time.Duration) {
	c.Set(ctx, "tongfa:login:"+name(username)+":lock", t.Now().Add(d).UnixMilli(), d+time.Minute)
}

// Clear forgets username's failures after a good login.
func (t *Throttle) Clear(ctx context.Context, username string) {
	k := "tongfa:login:" + name(username)
	t.rdb.Del(ctx, k+":fails", k+":lock")
}
