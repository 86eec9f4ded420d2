package weibo

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// commentsPage is how many comments one comments/to_me call asks for
// (Weibo's maximum), and maxCommentPages bounds one poll.
const (
	commentsPage    = 200
	maxCommentPages = 25
)

// CommentsToMe returns the comments on the account's statuses with ids
// above since, oldest first, and the cursor to ask from next. Weibo lists
// newest first, so every page down to since is read before anything is
// returned: stopping half-way would skip the older ones. Each page is
// asked again in place when it fails (a read changes nothing).
func (c *Client) CommentsToMe(ctx context.Context, acc connectors.Account, since int64) ([]connectors.Comment, int64, error) {
	var all []connectors.Comment
	next := since
	for page := 1; page <= maxCommentPages; page++ {
		var res struct {
			Comments []struct {
				ID        int64  `json:"id"`
				Text      string `json:"text"`
				CreatedAt string `json:"created_at"`
				User      struct {
					ScreenName string `json:"screen_name"`
				} `json:"user"`
				Status *status `json:"status"`
			} `json:"comments"`
		}
		q := url.Values{"since_id": {strconv.FormatInt(since, 10)}, "count": {strconv.Itoa(commentsPage)}, "page": {strconv.Itoa(page)}}
		err := connectors.Reread(ctx, func() error {
			return c.call(ctx, acc, http.MethodGet, "/2/comments/to_me.json", q, &res)
		})
		if err != nil {
			return nil, since, err
		}
		for _, cm := range res.Comments {
			at, _ := time.Parse(time.RubyDate, cm.CreatedAt)
			post := ""
			if cm.Status != nil {
				post = strconv.FormatInt(cm.Status.ID, 10)
			}
			all = append(all, connectors.Comment{ID: strconv.FormatInt(cm.ID, 10), Kind: "comment", PostID: post,
				User: cm.User.ScreenName, Text: cm.Text, CreatedAt: at})
			next = max(next, cm.ID)
		}
		if len(res.Comments) < commentsPage {
			break
		}
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return all, next, nil
}
