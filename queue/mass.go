package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/store"
)

// massSender is the WeChat connector's mass send (群发).
type massSender interface {
	SendEdition(ctx context.Context, acc connectors.Account, ed *wechat.Edition, s connectors.Steps) (wechat.MassReceipt, error)
}

// massFollow is how soon a mass send WeChat took is looked at again.
var massFollow = map[wechat.MassState]time.Duration{
	wechat.MassSending: 3 * time.Second, wechat.MassAwaitingConfirmation: 10 * time.Second}

// FallbackReason is what an urgent item published without a mass send
// says on its delivery, item page and urgent clock.
func FallbackReason(wechatType string) string {
	if wechatType == wechat.Service {
		return "未推送给关注者（本月群发次数已用完，已发布但不推送）"
	}
	return "未推送给关注者（今日群发次数已用完，已发布但不推送）"
}

func urgent(it *tongfa.Item) bool { return it.Version.Content.Urgency == tongfa.UrgencyUrgent }

// massFallback decides, once per delivery, whether an urgent item for a
// mass-mode account is published without a mass send (R5 before the
// followers): when the account's quota — sends made and planned this
// China day (subscription) or month (service), this item's aside — is
// used up. The decision is kept in the delivery's steps; a mass send
// already attempted is only followed. It returns the reason, or "".
func (a *attempt) massFallback(ctx context.Context, dc *store.DeliveryContext) (string, error) {
	if r, ok := a.steps.Get(wechat.StepMassFallback); ok {
		return r, nil
	}
	if _, ok := a.steps.Get(wechat.StepMassSent); ok || !urgent(dc.Item) {
		return "", nil
	}
	now := a.w.DB.Now().In(tongfa.China)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, tongfa.China)
	sends, err := a.w.DB.MassSends(ctx, dc.Account.ID, []int64{dc.Item.ID}, 0, from, from.AddDate(0, 1, 0))
	if err != nil {
		return "", err
	}
	today := 0
	for _, t := range sends {
		if t.In(tongfa.China).YearDay() == now.YearDay() {
			today++
		}
	}
	full := today >= 1
	if dc.Account.Settings["wechat_type"] == wechat.Service {
		full = len(sends) >= 4
	}
	if !full {
		return "", nil
	}
	return a.fallBack(ctx, dc)
}

// fallBack records that the delivery is published without a mass send.
func (a *attempt) fallBack(ctx context.Context, dc *store.DeliveryContext) (string, error) {
	r := FallbackReason(dc.Account.Settings["wechat_type"])
	return r, a.steps.Save(ctx, wechat.StepMassFallback, r)
}

// massSend sends the delivery's article as a one-article edition and
// follows the send until it ends. The edition's id is the delivery's and
// its clientmsgid carries the payload's hash, so every attempt is the
// same send (SendEdition: a saved msg_id is only followed, a saved
// clientmsgid is resent, which WeChat refuses as a repeat).
func (a *attempt) massSend(ctx context.Context, post *connectors.Post, pub connectors.Publisher) (store.DeliveryOutcome, error) {
	ms, ok := pub.(massSender)
	if !ok {
		return a.fail("该账号的连接器不支持群发", errors.New("queue: publisher has no SendEdition"))
	}
	ed := &wechat.Edition{ID: fmt.Sprintf("d%d", a.d.ID), Articles: []connectors.Payload{post.Payload}}
	r, err := ms.SendEdition(ctx, post.Account, ed, a.steps)
	if err != nil {
		return a.platformError(err)
	}
	switch {
	case r.State == wechat.MassAwaitingConfirmation:
		a.w.Guard.awaiting(ctx, store.MassConfirmation{AccountID: a.d.AccountID, UnitID: a.dc.Account.UnitID,
			DeliveryID: &a.d.ID, Title: post.Payload.Title}, r)
	case r.State.Final():
		a.w.Guard.ended(ctx, a.d.AccountID, r)
	}
	switch r.State {
	case wechat.MassSent:
		out := delivered(connectors.Receipt{PlatformPostID: r.MsgID, DeliveredAt: r.SentAt}, post)
		if r.Result != nil && len(r.Result.ArticleURLs) > 0 {
			out.URL = r.Result.ArticleURLs[0]
		}
		return out, nil
	case wechat.MassFailed, wechat.MassDeleted:
		out := store.DeliveryOutcome{State: tongfa.DeliveryFailed, ErrorCode: "mass_" + string(r.State), Error: r.Reason}
		return out, fmt.Errorf("queue: mass send %s: %s: %w", r.MsgID, r.Reason, asynq.SkipRetry)
	}
	// WeChat took it: only following is left, which never sends again.
	out := store.DeliveryOutcome{State: tongfa.DeliveryQueued, Error: r.State.Label()}
	return out, wait(massFollow[r.State], r.State.Label())
}
