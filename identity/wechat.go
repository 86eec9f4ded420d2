package identity

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
)

// WeChatID is a user's WeChat ID (微信号): where previews of editions and
// articles are sent (message/mass/preview).
type WeChatID struct {
	WeChatID string `json:"wechat_id"`
}

// wechatIDPattern is WeChat's rule for a 微信号: 6–20 letters, digits,
// underscores or hyphens, starting with a letter.
var wechatIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{5,19}$`)

// MyWeChatID returns the WeChat ID p recorded ("" if none).
func (s *Service) MyWeChatID(ctx context.Context, p *access.Principal) (WeChatID, error) {
	id, err := s.DB.WeChatID(ctx, p.User.ID)
	return WeChatID{WeChatID: id}, err
}

// SetMyWeChatID records p's own WeChat ID (an empty one clears it),
// audited. Nobody sets another person's: a preview goes where its
// recipient said.
func (s *Service) SetMyWeChatID(ctx context.Context, p *access.Principal, in WeChatID) (WeChatID, error) {
	id := strings.TrimSpace(in.WeChatID)
	if id != "" && !wechatIDPattern.MatchString(id) {
		return WeChatID{}, validate.Invalid("wechat_id", "微信号应为 6–20 位字母、数字、下划线或减号，以字母开头（在微信“我”页面可以看到）")
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetWeChatID(ctx, p.User.ID, id); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "user.wechat_id", fmt.Sprintf("user:%d", p.User.ID), &p.User.UnitID,
			map[string]any{"set": id != ""})
		return nil
	})
	if err != nil {
		return WeChatID{}, err
	}
	return WeChatID{WeChatID: id}, nil
}
