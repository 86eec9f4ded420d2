// Package website publishes to the government website's CMS: an HTTP API
// that creates an article in a column, idempotent by key, and returns the
// public URL that Weibo and WeChat link to.
package website

import (
	"errors"
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// Client is the website connector.
type Client struct{ connectors.KeyedAPI }

var _ connectors.Publisher = (*Client)(nil)

// New returns a website connector over hc.
func New(hc *http.Client) *Client {
	return &Client{connectors.KeyedAPI{Platform: tongfa.PlatformWebsite, Path: "/api/articles", CommentsPath: "/api/comments", StatsPath: "/api/stats", FilesPath: "/api/files", HTTP: hc, Authorize: bearer}}
}

func bearer(req *http.Request, acc connectors.Account, _ []byte) error {
	key := acc.Credentials["api_key"]
	if key == "" {
		return errors.New("缺少 api_key")
	}
	req.Header.Set("Authorization", "Bearer "+key)
	return nil
}
