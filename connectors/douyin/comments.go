package douyin

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// commentPage is the most item/comment/list returns at once, and
// commentPages bounds one poll of one post.
const (
	commentPage  = 50
	commentPages = 20
)

// comment is a comment or reply as Douyin lists it.
type comment struct {
	CommentID     string `json:"comment_id"`
	CommentUserID string `json:"comment_user_id"` // the author's open_id towards our app
	NickName      string `json:"nick_name"`
	Content       string `json:"content"`
	CreateTime    int64  `json:"create_time"`
}

// commentList is one page of comments or replies.
type commentList struct {
	List    []comment `json:"list"`
	Cursor  int       `json:"cursor"`
	HasMore bool      `json:"has_more"`
}

// Comments returns the comments on the post itemID from position begin
// on, oldest first (sort_type time_asc, so new comments come after the
// cursor), and the position to ask from next. It has the shape of the
// inbox poller's ArticleComments: Douyin lists comments per post, as
// WeChat does per article. Each page is asked again in place when it
// fails.
func (c *Client) Comments(ctx context.Context, acc connectors.Account, itemID string, begin int) ([]connectors.Comment, int, error) {
	var out []connectors.Comment
	at := begin
	for range commentPages {
		var page commentList
		q := url.Values{"item_id": {itemID}, "cursor": {strconv.Itoa(at)}, "count": {strconv.Itoa(commentPage)}, "sort_type": {"time_asc"}}
		if err := c.read(ctx, acc, get(pathComments, q), &page); err != nil {
			return nil, begin, err
		}
		for _, cm := range page.List {
			user := cm.NickName
			if user == "" {
				user = cm.CommentUserID
			}
			out = append(out, connectors.Comment{ID: cm.CommentID, Kind: "comment", PostID: itemID, User: user,
				Text: cm.Content, CreatedAt: time.Unix(cm.CreateTime, 0)})
		}
		at = max(page.Cursor, at+len(page.List))
		if !page.HasMore || len(page.List) == 0 {
			break
		}
	}
	return out, at, nil
}
