package editions

import (
	"context"
	"fmt"
	"slices"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// Previewer sends articles, in order, to one WeChat user as the account
// would mass-send them (message/mass/preview; no quota used).
type Previewer interface {
	Preview(ctx context.Context, acc *tongfa.Account, items []*tongfa.Item, wxname string) error
}

// Preview is what a preview answered: where it went.
type Preview struct {
	AccountID int64  `json:"account_id"`
	WeChatID  string `json:"wechat_id"`
	Articles  int    `json:"articles"`
}

// PreviewEdition sends the edition's articles, in order and in the
// versions it was assembled with, to the WeChat ID the viewer recorded
// (audited). Who works on the edition may: the unit's editors and signers.
func (s *Service) PreviewEdition(ctx context.Context, p *access.Principal, id int64) (*Preview, error) {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !worksOn(p, e.UnitID) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位采编和审核人员可以接收本期预览"}
	}
	acc, err := s.DB.Account(ctx, e.AccountID)
	if err != nil {
		return nil, err
	}
	var items []*tongfa.Item
	for _, x := range e.Items {
		it, err := s.DB.Item(ctx, x.ItemID)
		if err != nil {
			return nil, err
		}
		if it.Version.Hash != x.VersionHash {
			return nil, tongfa.Errorf(tongfa.EConflict, "稿件「%s」编排后已修改，预览的不是本期将群发的内容；请重新编排本期", x.Title)
		}
		items = append(items, it)
	}
	return s.preview(ctx, p, acc, items, target(e.ID), &e.UnitID)
}

// PreviewItem sends an item's current version as a one-article preview
// for one of its WeChat targets (audited): the unit's editors and signers,
// and the signers of the account's unit when it co-signs.
func (s *Service) PreviewItem(ctx context.Context, p *access.Principal, itemID, accountID int64) (*Preview, error) {
	it, err := s.DB.Item(ctx, itemID)
	if err != nil || !p.Tree.CanRead(p.User, it.UnitID) {
		return nil, notFound("item", itemID, err)
	}
	if !slices.Contains(it.Version.Content.Targets, accountID) {
		return nil, fmt.Errorf("editions: account %d is no target of item %d: %w", accountID, itemID, tongfa.ErrNotFound)
	}
	acc, err := s.DB.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if acc.Platform != tongfa.PlatformWeChat {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "只有微信公众号渠道可以发送手机预览", Fields: map[string]string{"account_id": "不是微信公众号"}}
	}
	if !worksOn(p, it.UnitID) && !signer(p, acc.UnitID) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位采编和审核人员可以接收稿件预览"}
	}
	return s.preview(ctx, p, acc, []*tongfa.Item{it}, fmt.Sprintf("item:%d", it.ID), &it.UnitID)
}

func (s *Service) preview(ctx context.Context, p *access.Principal, acc *tongfa.Account, items []*tongfa.Item, tgt string, unit *int64) (*Preview, error) {
	wxname, err := s.DB.WeChatID(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	if wxname == "" {
		return nil, &tongfa.Error{Code: tongfa.ENoWeChatID,
			Message: "您还没有登记微信号，无法接收预览；请先在“个人设置”中填写微信号，并关注该公众号"}
	}
	if s.Previewer == nil {
		return nil, &tongfa.Error{Code: tongfa.EUnavailable, Message: "本服务未配置微信连接，暂不能发送预览"}
	}
	if err := s.Previewer.Preview(ctx, acc, items, wxname); err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	if err := s.DB.Audit(ctx, store.UserActor(p.User, p.IP), "edition.preview", tgt, unit,
		map[string]any{"account_id": acc.ID, "items": ids, "wechat_id": wxname}); err != nil {
		return nil, err
	}
	return &Preview{AccountID: acc.ID, WeChatID: wxname, Articles: len(items)}, nil
}

// worksOn reports whether p edits or signs in unit.
func worksOn(p *access.Principal, unit int64) bool {
	return signer(p, unit) || p.Tree.Has(p.User, unit, tongfa.RoleEditor)
}

// MayPreviewItem reports whether p may have an item of unit previewed
// for acc (the item page's button; PreviewItem decides again).
func MayPreviewItem(p *access.Principal, unit int64, acc *tongfa.Account) bool {
	return acc.Platform == tongfa.PlatformWeChat && (worksOn(p, unit) || signer(p, acc.UnitID))
}
