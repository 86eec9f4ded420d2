package wechat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/credential"
)

// tokenHandle gets an account's access token from the shared cache, and
// when it is missing refreshes it under a Redis lock, so that of many
// workers only one asks WeChat (each cgi-bin/token call supersedes the
// previous token).
type tokenHandle struct {
	c       *Client
	appID   string
	secret  string
	apiBase string
	last    string // the token handed out last, which WeChat may refuse
	memo    string // the token this attempt uses until WeChat refuses it
}

var _ credential.AccessTokenContextHandle = (*tokenHandle)(nil)

func (h *tokenHandle) cacheKey() string { return "access_token:" + h.appID }

// GetAccessToken implements credential.AccessTokenHandle.
func (h *tokenHandle) GetAccessToken() (string, error) {
	return h.GetAccessTokenContext(context.Background())
}

// GetAccessTokenContext implements credential.AccessTokenContextHandle.
func (h *tokenHandle) GetAccessTokenContext(ctx context.Context) (string, error) {
	// A handle lives for one attempt (a few calls within seconds): ask the
	// shared cache once, not before every call.
	if h.memo != "" {
		return h.memo, nil
	}
	if tok := h.cached(); tok != "" {
		return tok, nil
	}
	unlock, err := h.lock(ctx)
	if err != nil {
		return "", err
	}
	defer unlock()
	if tok := h.cached(); tok != "" {
		return tok, nil // another worker refreshed it meanwhile
	}
	h.c.routes.app(h.appID, h.apiBase)
	res, err := credential.GetTokenFromServerContext(ctx, fmt.Sprintf(tokenURL, h.appID, h.secret))
	if err != nil {
		return "", err
	}
	h.use(res.AccessToken)
	ttl := time.Duration(max(res.ExpiresIn-300, 60)) * time.Second
	return res.AccessToken, h.c.cache.Set(h.cacheKey(), res.AccessToken, ttl)
}

func (h *tokenHandle) cached() string {
	tok, _ := h.c.cache.Get(h.cacheKey()).(string)
	if tok != "" {
		h.use(tok)
	}
	return tok
}

func (h *tokenHandle) use(tok string) {
	h.c.routes.token(h.appID, tok, h.apiBase)
	h.last, h.memo = tok, tok
}

const tokenURL = "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=%s&secret=%s"

// invalidate drops the token WeChat refused, so the next call refreshes —
// unless another worker already replaced it, whose fresh token stays.
func (h *tokenHandle) invalidate() {
	h.memo = ""
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	compareAndDelete.Run(ctx, h.c.rdb, []string{h.c.cache.prefix + h.cacheKey()}, h.last) //nolint:errcheck
}

// lock takes the refresh lock of this app id (SET NX PX), waiting up to 5
// seconds for another worker's refresh.
func (h *tokenHandle) lock(ctx context.Context) (func(), error) {
	key := "tongfa:wechat:lock:" + h.appID
	b := make([]byte, 8)
	rand.Read(b) //nolint:errcheck
	me := hex.EncodeToString(b)
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, err := h.c.rdb.SetNX(ctx, key, me, 10*time.Second).Result()
		if err != nil {
			return nil, fmt.Errorf("wechat: token lock: %w", err)
		}
		if ok {
			return func() { compareAndDelete.Run(context.Background(), h.c.rdb, []string{key}, me) }, nil //nolint:errcheck
		}
		if time.Now().After(deadline) {
			return nil, errors.New("wechat: timed out waiting for another worker to refresh the token")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// compareAndDelete deletes KEYS[1] only if it still holds ARGV[1].
var compareAndDelete = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`)
