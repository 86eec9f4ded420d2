package weibo

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// tokenKey names the refreshed token of acc. It includes a digest of the
// stored token, so an administrator's re-authorisation replaces it.
func tokenKey(acc connectors.Account) string {
	sum := sha256.Sum256([]byte(acc.Credentials["access_token"]))
	return fmt.Sprintf("tongfa:weibo:token:%d:%x", acc.ID, sum[:6])
}

// token is the refreshed token shared in Redis, else the stored one.
func (c *Client) token(ctx context.Context, acc connectors.Account) (string, error) {
	if c.Redis != nil {
		if t, err := c.Redis.Get(ctx, tokenKey(acc)).Result(); err == nil && t != "" {
			return t, nil
		}
	}
	if t := acc.Credentials["access_token"]; t != "" {
		return t, nil
	}
	return "", &connectors.Error{Class: connectors.Permanent, Platform: "weibo", Message: "账号未配置微博 access_token"}
}

// refresh trades the account's refresh token for a new access token and
// shares it with every worker.
func (c *Client) refresh(ctx context.Context, acc connectors.Account) (string, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {acc.Credentials["refresh_token"]},
		"client_id": {acc.Credentials["app_key"]}, "client_secret": {acc.Credentials["app_secret"]}}
	base := strings.TrimRight(orDefault(acc.APIBase, DefaultAPI), "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/oauth2/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		ce := connectors.TransportError("weibo", err)
		ce.Class = connectors.Retryable // refreshing again is harmless
		return "", ce
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		apiError
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 500 {
		return "", connectors.HTTPStatusError("weibo", resp.StatusCode, 0)
	}
	err = json.Unmarshal(raw, &out)
	if err == nil && out.ErrorCode != 0 {
		// A busy or rate-limited refresh is tried again later; only a
		// refusal of the refresh token itself needs an administrator.
		if ce := classify(out.apiError, connectors.RetryAfter(resp.Header)); ce.Class == connectors.Retryable || ce.Class == connectors.RateLimited {
			return "", ce
		}
	}
	if err != nil || out.AccessToken == "" {
		return "", &connectors.Error{Class: connectors.Permanent, Platform: "weibo", Code: fmt.Sprint(out.ErrorCode),
			Message: "微博授权已过期且无法自动续期，请管理员重新授权"}
	}
	if c.Redis != nil {
		ttl := time.Duration(max(out.ExpiresIn-3600, 60)) * time.Second
		c.Redis.Set(ctx, tokenKey(acc), out.AccessToken, ttl)
	}
	return out.AccessToken, nil
}
