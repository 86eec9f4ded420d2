package wechat

import (
	"context"
	"strconv"
	"strings"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/tongfa/tongfa/connectors"
)

// replyURL answers a comment on a published article (the library has no
// client for it).
const replyURL = "https://api.weixin.qq.com/cgi-bin/comment/reply/add?access_token="

var _ connectors.Replier = (*Client)(nil)

// Reply answers a message with a customer-service message (WeChat allows
// it within 48 hours of the user's last message) and a comment with a
// reply under the article.
func (c *Client) Reply(ctx context.Context, acc connectors.Account, a *connectors.Answer) (string, error) {
	oa, err := c.account(acc)
	if err != nil {
		return "", err
	}
	if a.Kind != "comment" {
		err := oa.retryToken("reply", func() error {
			return oa.oa.GetCustomerMessageManager().Send(message.NewCustomerTextMessage(a.User, a.Text))
		})
		return "custom:" + a.User, err
	}
	msgDataID, commentID, err := commentRef(a.Target)
	if err != nil {
		return "", err
	}
	err = oa.retryToken("reply", func() error {
		return oa.post(ctx, replyURL, map[string]any{"msg_data_id": msgDataID, "index": 0, "user_comment_id": commentID, "content": a.Text}, nil)
	})
	return a.Target, err
}

// FindReply looks for the answer under the comment. WeChat keeps one
// reply per comment: a different reply there means someone answered in
// the WeChat back office, and this answer cannot be sent. Customer-service
// messages cannot be looked up.
func (c *Client) FindReply(ctx context.Context, acc connectors.Account, a *connectors.Answer) (string, bool, error) {
	if a.Kind != "comment" {
		return "", false, connectors.ErrNoLookup
	}
	oa, err := c.account(acc)
	if err != nil {
		return "", false, err
	}
	msgDataID, commentID, err := commentRef(a.Target)
	if err != nil {
		return "", false, err
	}
	for begin := 0; ; {
		var res struct {
			Total   int `json:"total"`
			Comment []struct {
				ID    int64 `json:"user_comment_id"`
				Reply *struct {
					Content string `json:"content"`
				} `json:"reply"`
			} `json:"comment"`
		}
		err := oa.listComments(ctx, msgDataID, begin, &res)
		if err != nil {
			return "", false, err
		}
		for _, cm := range res.Comment {
			switch {
			case cm.ID != commentID:
			case cm.Reply == nil:
				return "", false, nil
			case cm.Reply.Content == a.Text:
				return a.Target, true, nil
			default:
				return "", false, &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Code: "88005",
					Message: "该留言已在公众号后台回复过，不能再次回复"}
			}
		}
		begin += len(res.Comment)
		if len(res.Comment) == 0 || begin >= res.Total {
			return "", false, &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Code: "88008", Message: "文章下已找不到该留言"}
		}
	}
}

// commentRef splits a comment's message id, "<msg_data_id>:<user_comment_id>".
func commentRef(target string) (msgDataID, commentID int64, err error) {
	a, b, ok := strings.Cut(target, ":")
	msgDataID, err1 := strconv.ParseInt(a, 10, 64)
	commentID, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Message: "留言编号无效：" + target}
	}
	return msgDataID, commentID, nil
}
