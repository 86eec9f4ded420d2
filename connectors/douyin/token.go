package douyin

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// Grant is what Douyin's OAuth answers: the tokens of one authorised user
// and when they lapse. Access tokens live 15 days and can be refreshed
// with the refresh token, which lives 30 days from the authorisation;
// after that only the account's owner can authorise again.
type Grant struct {
	OpenID           string    `json:"open_id"`
	AccessToken      string    `json:"access_token"`
	RefreshToken     string    `json:"refresh_token"`
	Scope            string    `json:"scope"`
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
}

// tokenKey names the refreshed token of acc in Redis. It includes a
// digest of the stored tokens, so a new authorisation replaces it.
func tokenKey(acc connectors.Account) string {
	sum := sha256.Sum256([]byte(acc.Credentials["access_token"] + "\x00" + acc.Credentials["refresh_token"]))
	return fmt.Sprintf("tongfa:douyin:token:%d:%x", acc.ID, sum[:6])
}

// token is the access token to use: the refreshed one shared in Redis,
// else the stored one. A token known to lapse within RefreshAhead is
// refreshed first; if that fails it is used while it lasts. Concurrent
// refreshes by several workers are harmless: Douyin extends a live token
// rather than replacing it.
func (c *Client) token(ctx context.Context, acc connectors.Account) (string, error) {
	tok, expires := c.cached(ctx, acc)
	if tok == "" {
		tok = acc.Credentials["access_token"]
		expires, _ = time.Parse(time.RFC3339, acc.Credentials["expires_at"])
	}
	if tok != "" && (expires.IsZero() || expires.Sub(c.now()) > c.opts.RefreshAhead) {
		return tok, nil
	}
	if acc.Credentials["refresh_token"] == "" {
		if tok != "" {
			return tok, nil
		}
		return "", permanent("账号未配置抖音 access_token")
	}
	g, err := c.refresh(ctx, acc)
	switch {
	case err == nil:
		return g.AccessToken, nil
	case tok != "" && expires.After(c.now()):
		return tok, nil
	}
	return "", err
}

type cachedToken struct {
	AccessToken string `json:"access_token"`
	ExpiresAt   int64  `json:"expires_at"`
}

func (c *Client) cached(ctx context.Context, acc connectors.Account) (string, time.Time) {
	if c.Redis == nil {
		return "", time.Time{}
	}
	raw, err := c.Redis.Get(ctx, tokenKey(acc)).Bytes()
	var t cachedToken
	if err != nil || json.Unmarshal(raw, &t) != nil {
		return "", time.Time{}
	}
	return t.AccessToken, time.Unix(t.ExpiresAt, 0)
}

// refresh trades the account's refresh token for a fresh access token
// (oauth/refresh_token/, which needs the app's client_key but not its
// secret) and shares it with every worker until it lapses.
func (c *Client) refresh(ctx context.Context, acc connectors.Account) (Grant, error) {
	key := acc.Credentials["client_key"]
	if key == "" {
		return Grant{}, permanent("账号未配置抖音应用的 client_key，无法续期授权")
	}
	form := url.Values{"client_key": {key}, "grant_type": {"refresh_token"}, "refresh_token": {acc.Credentials["refresh_token"]}}
	g, err := c.oauth(ctx, apiBase(acc)+"/oauth/refresh_token/", form)
	if err != nil {
		return Grant{}, err
	}
	if c.Redis != nil {
		b, _ := json.Marshal(cachedToken{AccessToken: g.AccessToken, ExpiresAt: g.ExpiresAt.Unix()})
		c.Redis.Set(ctx, tokenKey(acc), b, max(g.ExpiresAt.Sub(c.now()), time.Minute))
	}
	return g, nil
}

// oauth posts form to an OAuth endpoint and reads the grant it answers.
// A busy or rate-limited answer is tried again later; any other refusal
// needs the account's owner.
func (c *Client) oauth(ctx context.Context, endpoint string, form url.Values) (Grant, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return Grant{}, &connectors.Error{Class: connectors.Permanent, Platform: platform, Message: "接口地址无效", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		ce := connectors.TransportError(platform, err)
		ce.Class = connectors.Retryable // asking again is harmless
		return Grant{}, ce
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 500 {
		return Grant{}, connectors.HTTPStatusError(platform, resp.StatusCode, 0)
	}
	var out struct {
		Data struct {
			apiError
			OpenID           string      `json:"open_id"`
			AccessToken      string      `json:"access_token"`
			RefreshToken     string      `json:"refresh_token"`
			Scope            string      `json:"scope"`
			ExpiresIn        json.Number `json:"expires_in"` // Douyin sends numbers or strings
			RefreshExpiresIn json.Number `json:"refresh_expires_in"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || (out.Data.ErrorCode == 0 && out.Data.AccessToken == "") {
		return Grant{}, &connectors.Error{Class: connectors.Retryable, Platform: platform, Message: "抖音授权接口应答无法解析"}
	}
	if d := out.Data; d.ErrorCode != 0 {
		return Grant{}, classify(d.ErrorCode, d.Description, connectors.RetryAfter(resp.Header))
	}
	d, now := out.Data, c.now()
	return Grant{OpenID: d.OpenID, AccessToken: d.AccessToken, RefreshToken: d.RefreshToken, Scope: d.Scope,
		ExpiresAt: now.Add(seconds(d.ExpiresIn)), RefreshExpiresAt: now.Add(seconds(d.RefreshExpiresIn))}, nil
}

func seconds(n json.Number) time.Duration {
	v, _ := strconv.ParseInt(n.String(), 10, 64)
	return time.Duration(v) * time.Second
}

// TokenWarning is how long before the refresh token lapses the account's
// owner should authorise again (registry.TokenSweep announces it).
const TokenWarning = 7 * 24 * time.Hour

// TokenExpiry refreshes the account's access token ahead of time and
// returns when its refresh token lapses: from then on nothing but a new
// authorisation by the account's owner helps. It has the shape of
// registry.TokenExpiry.
func (c *Client) TokenExpiry(ctx context.Context, acc connectors.Account) (time.Time, error) {
	if acc.Credentials["refresh_token"] == "" {
		return time.Time{}, permanent("账号没有抖音 refresh_token，无法得知授权期限，请账号所有者重新授权")
	}
	g, err := c.refresh(ctx, acc)
	if err != nil {
		return time.Time{}, err
	}
	return g.RefreshExpiresAt, nil
}
