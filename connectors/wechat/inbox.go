package wechat

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/tongfa/tongfa/connectors"
)

// commentURL lists the comments of a published article (the library has
// no client for it; the URI modifier routes it like every other call).
const commentURL = "https://api.weixin.qq.com/cgi-bin/comment/list?access_token="

// commentPage is the most comment/list returns at once.
const commentPage = 50

// Comments returns the comments of the article msgDataID from position
// begin on (WeChat lists them oldest first) and the position to ask from
// next. Each page is asked again in place when it fails.
func (c *Client) Comments(ctx context.Context, acc connectors.Account, msgDataID string, begin int) ([]connectors.Comment, int, error) {
	a, err := c.account(acc)
	if err != nil {
		return nil, begin, err
	}
	id, err := strconv.ParseInt(msgDataID, 10, 64)
	if err != nil {
		return nil, begin, &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Message: "文章编号无效：" + msgDataID}
	}
	var out []connectors.Comment
	for {
		var res struct {
			Total   int `json:"total"`
			Comment []struct {
				ID      int64  `json:"user_comment_id"`
				OpenID  string `json:"openid"`
				Created int64  `json:"create_time"`
				Content string `json:"content"`
			} `json:"comment"`
		}
		err := a.listComments(ctx, id, begin, &res)
		if err != nil {
			return out, begin, err
		}
		for _, cm := range res.Comment {
			out = append(out, connectors.Comment{ID: msgDataID + ":" + strconv.FormatInt(cm.ID, 10), Kind: "comment",
				PostID: msgDataID, User: cm.OpenID, Text: cm.Content, CreatedAt: time.Unix(cm.Created, 0)})
		}
		begin += len(res.Comment)
		if len(res.Comment) < commentPage || begin >= res.Total {
			return out, begin, nil
		}
	}
}

// listComments reads one page of comment/list into out; a failed page is
// asked again in place.
func (a *account) listComments(ctx context.Context, msgDataID int64, begin int, out any) error {
	return connectors.Reread(ctx, func() error {
		return a.retryToken("comments", func() error {
			return a.post(ctx, commentURL, map[string]any{"msg_data_id": msgDataID, "index": 0, "begin": begin, "count": commentPage, "type": 0}, out)
		})
	})
}

// post sends one JSON request the library has no client for and decodes
// the answer into out (nil: only the errcode matters).
func (a *account) post(ctx context.Context, endpoint string, req, out any) error {
	tok, err := a.token.GetAccessTokenContext(ctx)
	if err != nil {
		return err
	}
	body, err := util.PostJSONContext(ctx, endpoint+tok, req)
	if err != nil {
		return err
	}
	var ce util.CommonError
	if err := json.Unmarshal(body, &ce); err != nil {
		return err
	}
	if out != nil {
		// Decoded even when WeChat refuses: a refusal may name what it
		// refers to (45065 gives the msg_id holding a clientmsgid).
		if err := json.Unmarshal(body, out); err != nil && ce.ErrCode == 0 {
			return err
		}
	}
	if ce.ErrCode != 0 {
		return &ce
	}
	return nil
}
