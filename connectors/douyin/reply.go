package douyin

import (
	"context"
	"net/url"
	"strconv"

	"github.com/tongfa/tongfa/connectors"
)

// replyPages bounds how far back FindReply looks under one comment.
const replyPages = 5

// Reply answers a comment with item/comment/reply/: a reply of the
// account's under it.
func (c *Client) Reply(ctx context.Context, acc connectors.Account, a *connectors.Answer) (string, error) {
	if a.PostID == "" {
		return "", permanent("答复缺少抖音作品编号")
	}
	var out struct {
		CommentID string `json:"comment_id"`
	}
	body := map[string]string{"item_id": a.PostID, "comment_id": a.Target, "content": a.Text}
	if err := c.call(ctx, acc, post(pathReply, body), &out); err != nil {
		// A bare gateway error may have let the reply through.
		return "", connectors.Ambiguous(err)
	}
	if out.CommentID == "" {
		return "", &connectors.Error{Class: connectors.Unconfirmed, Platform: platform, Message: "抖音应答缺少回复编号，需核实"}
	}
	return out.CommentID, nil
}

// FindReply looks through the newest replies under the comment for this
// answer by the account.
func (c *Client) FindReply(ctx context.Context, acc connectors.Account, a *connectors.Answer) (string, bool, error) {
	cursor := 0
	for range replyPages {
		var page commentList
		q := url.Values{"item_id": {a.PostID}, "comment_id": {a.Target}, "cursor": {strconv.Itoa(cursor)},
			"count": {strconv.Itoa(commentPage)}, "sort_type": {"time"}}
		if err := c.read(ctx, acc, get(pathReplies, q), &page); err != nil {
			return "", false, err
		}
		for _, cm := range page.List {
			if cm.CommentUserID == acc.Credentials["open_id"] && cm.Content == a.Text {
				return cm.CommentID, true, nil
			}
		}
		if !page.HasMore || page.Cursor <= cursor {
			break
		}
		cursor = page.Cursor
	}
	return "", false, nil
}
