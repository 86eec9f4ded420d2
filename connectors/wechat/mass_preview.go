package wechat

import (
	"context"
	"strconv"
	"strings"

	"github.com/tongfa/tongfa/connectors"
)

const previewURL = "https://api.weixin.qq.com/cgi-bin/message/mass/preview?access_token="

// Preview sends the edition (one article is an edition of one) to a
// single WeChat user, wxname being their WeChat ID (微信号) — they must
// follow the account. It uses no mass-send quota. With the edition's
// steps its images and draft serve the send afterwards; nil steps keep
// nothing. Repeating a preview only sends the user another one.
func (c *Client) Preview(ctx context.Context, acc connectors.Account, ed *Edition, wxname string, s connectors.Steps) error {
	if err := ed.check(false); err != nil {
		return err
	}
	if wxname = strings.TrimSpace(wxname); wxname == "" {
		return permanent("40132", "请填写接收预览的微信号")
	}
	a, err := c.account(acc)
	if err != nil {
		return err
	}
	if s == nil {
		s = memSteps{}
	}
	mediaID, err := c.addDraft(ctx, a, StepMassDraft+ed.Hash()[:16], s, ed.Articles, thumbKey)
	if err != nil {
		return err
	}
	req := map[string]any{"towxname": wxname, "mpnews": map[string]any{"media_id": mediaID}, "msgtype": "mpnews"}
	return a.retryToken("preview", func() error { return a.post(ctx, previewURL, req, nil) })
}

// WithdrawEdition deletes a sent edition's articles (R11): article 0 is
// all of them, n the n-th (1 is the headline). Followers who received it
// keep the message card, but the articles no longer open.
func (c *Client) WithdrawEdition(ctx context.Context, acc connectors.Account, s connectors.Steps, article int) error {
	raw, ok := s.Get(StepMsgID)
	msgID, err := strconv.ParseInt(raw, 10, 64)
	if !ok || err != nil {
		return permanent("", "本期没有群发编号，无法删除")
	}
	a, err := c.account(acc)
	if err != nil {
		return err
	}
	return a.retryToken("mass_delete", func() error { return a.oa.GetBroadcast().Delete(msgID, int64(article)) })
}

// memSteps keeps the steps of a call that has none of its own.
type memSteps map[string]string

func (m memSteps) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }

func (m memSteps) Save(_ context.Context, k, v string) error { m[k] = v; return nil }
