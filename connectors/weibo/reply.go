package weibo

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/tongfa/tongfa/connectors"
)

// MaxReply is the longest comment Weibo accepts, in characters.
const MaxReply = 140

// byMePages bounds how far back FindReply looks through the account's own
// comments.
const byMePages = 5

var _ connectors.Replier = (*Client)(nil)

// Reply answers a comment with comments/reply: a new comment of the
// account's under the same status.
func (c *Client) Reply(ctx context.Context, acc connectors.Account, a *connectors.Answer) (string, error) {
	if utf8.RuneCountInString(a.Text) > MaxReply {
		return "", &connectors.Error{Class: connectors.Permanent, Platform: "weibo", Code: "10017", Message: "微博评论回复不能超过 140 字"}
	}
	var out struct {
		ID int64 `json:"id"`
	}
	form := url.Values{"cid": {a.Target}, "id": {a.PostID}, "comment": {a.Text}, "comment_ori": {"0"}}
	if err := c.call(ctx, acc, http.MethodPost, "/2/comments/reply.json", form, &out); err != nil {
		// A bare gateway error may have let the comment through.
		return "", connectors.Ambiguous(err)
	}
	return strconv.FormatInt(out.ID, 10), nil
}

// FindReply looks through the account's recent comments (comments/by_me)
// for this answer to this comment.
func (c *Client) FindReply(ctx context.Context, acc connectors.Account, a *connectors.Answer) (string, bool, error) {
	target, _ := strconv.ParseInt(a.Target, 10, 64)
	for page := 1; page <= byMePages; page++ {
		var res struct {
			Comments []struct {
				ID    int64  `json:"id"`
				Text  string `json:"text"`
				Reply *struct {
					ID int64 `json:"id"`
				} `json:"reply_comment"`
			} `json:"comments"`
		}
		q := url.Values{"count": {strconv.Itoa(commentsPage)}, "page": {strconv.Itoa(page)}}
		err := connectors.Reread(ctx, func() error {
			return c.call(ctx, acc, http.MethodGet, "/2/comments/by_me.json", q, &res)
		})
		if err != nil {
			return "", false, err
		}
		for _, cm := range res.Comments {
			if cm.Reply != nil && cm.Reply.ID == target && cm.Text == a.Text {
				return strconv.FormatInt(cm.ID, 10), true, nil
			}
		}
		if len(res.Comments) < commentsPage {
			return "", false, nil
		}
	}
	return "", false, nil
}
