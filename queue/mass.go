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
