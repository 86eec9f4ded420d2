package weibo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

var _ connectors.StatsReader = (*Client)(nil)

// countBatch is how many statuses one statuses/count call may name.
const countBatch = 100

// Stats reads what Weibo shows now: reposts, comments and likes
// (attitudes) of the posts named, 100 a call (statuses/count), and the
// followers (users/show). Weibo keeps no history, so the answer is one
// DayStats for to with Totals set; Weibo has no reads. The user is the
// account's uid credential, else the token's owner (get_token_info).
func (c *Client) Stats(ctx context.Context, acc connectors.Account, _, to time.Time, posts []connectors.StatsPost) ([]connectors.DayStats, error) {
	ds := connectors.DayStats{Day: to, Totals: true, Complete: true}
	for start := 0; start < len(posts); start += countBatch {
		ids := make([]string, 0, countBatch)
		for _, p := range posts[start:min(start+countBatch, len(posts))] {
			ids = append(ids, p.ID)
		}
		var counts []struct {
			ID        string `json:"idstr"`
			Reposts   int64  `json:"reposts"`
			Comments  int64  `json:"comments"`
			Attitudes int64  `json:"attitudes"`
		}
		err := c.read(ctx, acc, http.MethodGet, "/2/statuses/count.json", url.Values{"ids": {strings.Join(ids, ",")}}, &counts)
		if err != nil {
			return nil, err
		}
		for _, n := range counts {
			ds.Posts = append(ds.Posts, connectors.PostStats{ID: n.ID, Position: 1, Figures: connectors.Figures{
				Shares: connectors.Count(n.Reposts), Comments: connectors.Count(n.Comments), Likes: connectors.Count(n.Attitudes)}})
		}
	}
	uid, err := c.uid(ctx, acc)
	if err != nil {
		return nil, err
	}
	var user struct {
		Followers int64 `json:"followers_count"`
	}
	if err := c.read(ctx, acc, http.MethodGet, "/2/users/show.json", url.Values{"uid": {uid}}, &user); err != nil {
		return nil, err
	}
	ds.Account.Followers = connectors.Count(user.Followers)
	return []connectors.DayStats{ds}, nil
}

func (c *Client) read(ctx context.Context, acc connectors.Account, method, path string, q url.Values, out any) error {
	return connectors.ReadStats(ctx, func() error { return c.call(ctx, acc, method, path, q, out) })
}

// uid is the account's Weibo user id.
func (c *Client) uid(ctx context.Context, acc connectors.Account) (string, error) {
	if uid := acc.Credentials["uid"]; uid != "" {
		return uid, nil
	}
	var info struct {
		UID json.Number `json:"uid"` // a number, or a string on some answers
	}
	if err := c.read(ctx, acc, http.MethodPost, "/oauth2/get_token_info", url.Values{}, &info); err != nil {
		return "", err
	}
	if info.UID == "" {
		return "", &connectors.Error{Class: connectors.Permanent, Platform: "weibo", Message: "无法确定微博账号的 uid，请在账号凭据中填写 uid"}
	}
	return info.UID.String(), nil
}
