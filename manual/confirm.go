package manual

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"unicode"

	xhtml "golang.org/x/net/html"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
)

// ConfirmInput is POST /api/v1/manual-tasks/{id}/confirm.
type ConfirmInput struct {
	URL string `json:"url" validate:"required,max=2000"`
}

// Confirm records task id as published at in.URL by p, once the hub has
// fetched that page (one request, to a public address) and found the
// item's title on it. A page that cannot be read or lacks the title is
// refused with the reason, and the task stays open.
func (s *Service) Confirm(ctx context.Context, p *access.Principal, id int64, in ConfirmInput) (*Task, error) {
	t, err := s.task(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !CanWork(p, t.Account.UnitID) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该账号所属单位的运营人员或管理员可以提交发布链接"}
	}
	if t.State != tongfa.DeliveryManual && t.State != tongfa.DeliveryFailed {
		return nil, &tongfa.Error{Code: tongfa.EInvalidState, Message: "该发布任务已" + t.State.Label() + "，不能再提交链接"}
	}
	link := strings.TrimSpace(in.URL)
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, refused("请粘贴以 http:// 或 https:// 开头的完整发布链接")
	}
	if ok, why := OnDomain(t.Account.Platform, u, s.ExtraHosts); !ok {
		return nil, refused(why)
	}
	page, err := s.Pages.Page(ctx, link)
	if err != nil {
		var ce *connectors.Error
		if errors.As(err, &ce) {
			return nil, refused("无法核对该链接：" + ce.Message)
		}
		return nil, refused("无法打开该链接，请稍后重试")
	}
	if !contains(page, t.Title) {
		return nil, refused(fmt.Sprintf("该链接的页面中没有找到稿件标题「%s」，请确认链接指向已发布的本条稿件", t.Title))
	}
	by := p.User.DisplayName
	if by == "" {
		by = p.User.Username
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(store.UserActor(p.User, p.IP), "delivery.delivered", fmt.Sprintf("delivery:%d", t.ID), &t.Account.UnitID,
			map[string]any{"item_id": t.ItemID, "account_id": t.Account.ID, "url": link, "manual": true, "from": t.State})
		if err := tx.CompleteManualTask(ctx, t.ID, link, by); err != nil {
			return err
		}
		_, err := tx.SettleItem(ctx, t.ItemID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

func refused(msg string) error {
	return &tongfa.Error{Code: tongfa.EInvalid, Message: msg, Fields: map[string]string{"url": msg}}
}

// contains reports whether a page shows title: in its text, its <title>
// or a meta tag (og:title, description), with entities decoded and spaces
// ignored on both sides.
func contains(page []byte, title string) bool {
	want := squeeze(title)
	if want == "" {
		return false
	}
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	var b strings.Builder
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.Contains(squeeze(b.String()), want)
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			for {
				k, v, more := z.TagAttr()
				if string(k) == "content" || string(k) == "title" || string(k) == "alt" {
					b.WriteString(" " + html.UnescapeString(string(v)) + " ")
				}
				if !more {
					break
				}
			}
		}
	}
}

// squeeze drops every space, so a title wrapped across lines still matches.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
