package douyin

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Scopes are the permissions an account's owner grants the app:
// publishing on their behalf (video.create.bind, granted to Party and
// government bodies among others), reading their posts for verification
// (video.data.bind), deleting them (video.delete.bind) and the comments
// (item.comment).
var Scopes = []string{"user_info", "video.create.bind", "video.data.bind", "video.delete.bind", "item.comment"}

// AuthorizeURL is the page where the account's owner, logged in to
// Douyin, authorises the app; Douyin then redirects to redirectURI with a
// code (valid 10 minutes, once) and state.
func AuthorizeURL(apiBase, clientKey, redirectURI, state string) string {
	if apiBase == "" {
		apiBase = DefaultAPI
	}
	q := url.Values{"client_key": {clientKey}, "response_type": {"code"}, "scope": {strings.Join(Scopes, ",")},
		"redirect_uri": {redirectURI}, "state": {state}}
	return strings.TrimRight(apiBase, "/") + "/platform/oauth/connect/?" + q.Encode()
}

// Exchange trades the code for the owner's tokens (oauth/access_token/,
// which needs the app's client_secret). Store Grant.Credentials as the
// account's credentials; the connector refreshes from there.
func (c *Client) Exchange(ctx context.Context, apiBase, clientKey, clientSecret, code string) (Grant, error) {
	if apiBase == "" {
		apiBase = DefaultAPI
	}
	form := url.Values{"client_key": {clientKey}, "client_secret": {clientSecret}, "code": {code}, "grant_type": {"authorization_code"}}
	return c.oauth(ctx, strings.TrimRight(apiBase, "/")+"/oauth/access_token/", form)
}

// Credentials are what an account stores of g: the tokens, the open_id
// they act for, and the app's client_key that refreshes them.
func (g Grant) Credentials(clientKey string) map[string]string {
	return map[string]string{"access_token": g.AccessToken, "refresh_token": g.RefreshToken, "open_id": g.OpenID,
		"client_key": clientKey, "expires_at": g.ExpiresAt.UTC().Format(time.RFC3339)}
}
