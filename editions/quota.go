package editions

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/store"
)

// Quotas reads and checks mass-send quotas.
type Quotas struct {
	DB *store.DB
}

// monthOf is the China calendar month around t.
func monthOf(t time.Time) (time.Time, time.Time) {
	c := t.In(tongfa.China)
	start := time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, tongfa.China)
	return start, start.AddDate(0, 1, 0)
}

// Left is what a mass-mode account has left at now (China days and
// months), counting the sends made and planned this month.
func (q *Quotas) Left(ctx context.Context, acc *tongfa.Account, now time.Time) (wechat.Quota, error) {
	from, to := monthOf(now)
	sends, err := q.DB.MassSends(ctx, acc.ID, nil, 0, from, to)
	if err != nil {
		return wechat.Quota{}, err
	}
	return wechat.MassQuota(acc.Settings["wechat_type"], sends, now)
}

// CheckItem refuses, with the reason, an item that would mass-send on an
// account without quota left on the China day (subscription) or month
// (service) of its publishing time — before it is signed. An urgent item
// is never held back by the quota: without a mass send left it is
// published without notifying the followers (queue.FallbackReason).
func (q *Quotas) CheckItem(ctx context.Context, it *tongfa.Item) error {
	if it.Version.Content.Urgency == tongfa.UrgencyUrgent {
		return nil
	}
	at := q.DB.Now()
	if it.PublishAt != nil && it.PublishAt.After(at) {
		at = *it.PublishAt
	}
	accounts, err := q.DB.AccountsByID(ctx, it.Version.Content.Targets)
	if err != nil {
		return err
	}
	for i := range accounts {
		if acc := &accounts[i]; acc.MassMode() {
			if err := q.check(ctx, acc, []int64{it.ID}, 0, at, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// check refuses a send at at on acc when the day (subscription) or month
// (service) has no mass send left; a send planned for the very same time
// is one an item can join (as one edition), not another (join).
func (q *Quotas) check(ctx context.Context, acc *tongfa.Account, exceptItems []int64, exceptEdition int64, at time.Time, join bool) error {
	from, to := monthOf(at)
	all, err := q.DB.MassSends(ctx, acc.ID, exceptItems, exceptEdition, from, to)
	if err != nil {
		return err
	}
	if join && slices.ContainsFunc(all, at.Equal) {
		return nil
	}
	sends := all
	day := at.In(tongfa.China).Format("2006-01-02")
	sameDay := 0
	for _, t := range sends {
		if t.In(tongfa.China).Format("2006-01-02") == day {
			sameDay++
		}
	}
	var msg string
	switch acc.Settings["wechat_type"] {
	case wechat.Subscription:
		if sameDay >= 1 {
			msg = fmt.Sprintf("公众号「%s」是订阅号，每天只能群发 1 次，%s 已有群发安排；请改到其他日期，或并入当天的一期", acc.Name, day)
		}
	case wechat.Service:
		if len(sends) >= 4 {
			msg = fmt.Sprintf("公众号「%s」是服务号，每月只能群发 4 次，%s 所在月份已安排 %d 次；请改到下月", acc.Name, day, len(sends))
		}
	default:
		msg = fmt.Sprintf("公众号「%s」未设置类型（订阅号或服务号），无法确定群发次数，请先在账号设置中选择", acc.Name)
	}
	if msg == "" {
		return nil
	}
	return &tongfa.Error{Code: tongfa.EQuota, Message: msg, Data: map[string]any{"account_id": acc.ID, "day": day}}
}
