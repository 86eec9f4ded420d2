package registry

import (
	"context"
	"fmt"
	"maps"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/validate"
)

// wechatDefaults gives a new WeChat account mass sends (群发), the way
// offices publish, as a subscription account (订阅号) unless told: the
// stricter quota, so nothing is planned that WeChat would refuse.
func wechatDefaults(in *AccountInput) {
	if tongfa.Platform(in.Platform) != tongfa.PlatformWeChat {
		return
	}
	s := maps.Clone(in.Settings)
	if s == nil {
		s = map[string]string{}
	}
	if s["wechat_mode"] == "" {
		s["wechat_mode"] = "mass"
	}
	if s["wechat_type"] == "" {
		s["wechat_type"] = "subscription"
	}
	in.Settings = s
}

// checkWechatSettings refuses unknown account types and modes.
func checkWechatSettings(in *AccountInput) error {
	if tongfa.Platform(in.Platform) != tongfa.PlatformWeChat {
		return nil
	}
	switch in.Settings["wechat_type"] {
	case "", "subscription", "service":
	default:
		return validate.Invalid("settings.wechat_type", "公众号类型须为订阅号（subscription）或服务号（service）")
	}
	switch in.Settings["wechat_mode"] {
	case "", "mass", "publish":
	default:
		return validate.Invalid("settings.wechat_mode", "发布方式须为群发（mass）或发布不推送（publish）")
	}
	if in.Settings["wechat_mode"] == "mass" && in.Settings["wechat_type"] == "" {
		return validate.Invalid("settings.wechat_type", "群发方式须选择公众号类型（订阅号或服务号），以确定群发次数")
	}
	return nil
}

// massQuota is the quota of a mass-mode account now; nil for others or
// when it cannot be read (the list still shows).
func (s *Service) massQuota(ctx context.Context, a *tongfa.Account) *MassQuota {
	if s.Quota == nil || !a.MassMode() {
		return nil
	}
	q, err := s.Quota.Left(ctx, a, s.DB.Now())
	if err != nil {
		return &MassQuota{Text: err.Error()}
	}
	m := &MassQuota{Today: q.Today, ThisMonth: q.ThisMonth, Text: fmt.Sprintf("今日还可群发 %d 次", q.Today)}
	if !q.Next.IsZero() {
		m.Next = &q.Next
		m.Text = "今日群发次数已用完，" + tongfa.ChinaTime(q.Next) + " 起可再群发"
	}
	return m
}
