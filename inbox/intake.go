package inbox

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/group"
	"github.com/tongfa/tongfa/secret"
)

// Intake answers the platforms' pushes: WeChat's message callback and the
// app's and website's signed webhooks. Every message is stored before the
// platform gets its acknowledgement; a platform that gets none pushes
// again, and the repeat is deduplicated.
type Intake struct {
	Inbox *Service
	Box   *secret.Box
	Redis redis.UniversalClient // remembers recent signatures, to refuse replays
	Log   *slog.Logger
	// Window is how far a push's timestamp may be from now (default 5
	// minutes); older or later ones are refused as replays.
	Window time.Duration

	group     group.Group[Incoming, struct{}]
	groupOnce sync.Once
	accounts  accountCache
}

func (in *Intake) window() time.Duration {
	if in.Window > 0 {
		return in.Window
	}
	return 5 * time.Minute
}

// account loads an active account of platform and opens its credentials.
func (in *Intake) account(ctx context.Context, id int64, platform tongfa.Platform) (*tongfa.Account, map[string]string, error) {
	if acc, creds, ok := in.accounts.get(id); ok && acc.Platform == platform {
		return acc, creds, nil
	}
	acc, err := in.Inbox.DB.Account(ctx, id)
	if err != nil || acc.Platform != platform || acc.Status != "active" {
		return nil, nil, tongfa.Errorf(tongfa.ENotFound, "账号不存在或未启用")
	}
	creds, err := connectors.Credentials(in.Box, acc)
	if err != nil {
		return nil, nil, fmt.Errorf("inbox: account %d credentials: %w", id, err)
	}
	in.accounts.put(acc, creds)
	return acc, creds, nil
}

// accountCache keeps opened accounts for a few seconds: a busy account
// pushes many messages a second, and a credential change or suspension
// takes effect within accountTTL.
type accountCache struct {
	mu sync.Mutex
	m  map[int64]cachedAccount
}

type cachedAccount struct {
	acc   *tongfa.Account
	creds map[string]string
	until time.Time
}

const accountTTL = 5 * time.Second

func (c *accountCache) get(id int64) (*tongfa.Account, map[string]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || time.Now().After(e.until) {
		return nil, nil, false
	}
	return e.acc, e.creds, true
}

func (c *accountCache) put(acc *tongfa.Account, creds map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[int64]cachedAccount{}
	}
	c.m[acc.ID] = cachedAccount{acc, creds, time.Now().Add(accountTTL)}
}

// fresh refuses a push whose timestamp is outside the window, or whose
// replay key was seen before, remembering it for the window.
func (in *Intake) fresh(ctx context.Context, accountID int64, at time.Time, key string) error {
	if d := time.Since(at); d > in.window() || d < -in.window() {
		return tongfa.Errorf(tongfa.EStale, "推送时间戳超出允许范围，疑似重放")
	}
	if in.Redis == nil {
		return nil
	}
	ok, err := in.Redis.SetNX(ctx, fmt.Sprintf("tongfa:inbox:seen:%d:%s", accountID, key), 1, 2*in.window()).Result()
	if err != nil {
		return fmt.Errorf("inbox: replay guard: %w", err)
	}
	if !ok {
		return tongfa.Errorf(tongfa.EReplayed, "重复的推送请求，已拒绝")
	}
	return nil
}

// WeChat takes a push to an account's callback URL (connectors/wechat
// checks and decrypts it) and returns what to answer WeChat with, once
// every message is stored: a push that gets no answer is pushed again,
// and the repeat is deduplicated.
func (in *Intake) WeChat(ctx context.Context, r *http.Request, accountID int64) (string, error) {
	acc, creds, err := in.account(ctx, accountID, tongfa.PlatformWeChat)
	if err != nil {
		return "", err
	}
	p, err := wechat.ReadPush(r, creds)
	if err != nil {
		return "", err
	}
	if p.Echo != "" {
		return p.Echo, nil // the URL check carries no message
	}
	if err := in.fresh(ctx, acc.ID, p.At, p.ReplayKey); err != nil {
		return "", err
	}
	if p.MassJob != nil {
		if err := in.massJob(ctx, acc.ID, p.MassJob); err != nil {
			return "", err
		}
	}
	for _, m := range incoming(acc, p.Messages) {
		if err := in.ingest(ctx, m); err != nil {
			return "", err
		}
	}
	return "success", nil
}

// Webhook takes a signed push from the app or the website
// (connectors.ReadWebhook checks it).
func (in *Intake) Webhook(ctx context.Context, r *http.Request, platform tongfa.Platform, accountID int64) error {
	acc, creds, err := in.account(ctx, accountID, platform)
	if err != nil {
		return err
	}
	secret := creds["webhook_secret"]
	if secret == "" {
		secret = creds["hmac_secret"]
	}
	kinds := []string{"comment", "message"}
	if platform == tongfa.PlatformWebsite {
		kinds = append(kinds, "error_report")
	}
	wh, err := connectors.ReadWebhook(r, secret, kinds...)
	if err != nil {
		return err
	}
	if err := in.fresh(ctx, acc.ID, wh.SentAt, wh.ReplayKey); err != nil {
		return err
	}
	return in.ingest(ctx, incoming(acc, []connectors.Comment{wh.Comment})[0])
}
