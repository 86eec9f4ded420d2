package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/tasks"
)

// TypeMassGuard is the periodic sweep of mass sends awaiting an
// administrator's confirmation (群发保护); never rename.
const TypeMassGuard = "mass:guard"

// massGuardEvery is how often the sweep runs: an alert or the end of the
// window is at most this late when no worker follows the send.
const massGuardEvery = "@every 1m"

// Alert levels of a protected send.
const (
	guardAwaiting = "awaiting" // at once
	guardReminder = "reminder" // at two thirds of the window (20 of 30 minutes)
	guardExpired  = "expired"  // the window ended: the send failed
)

// ExpiredReason is why a send that no administrator confirmed failed.
const ExpiredReason = "群发失败：管理员未在 30 分钟内于手机上确认（群发保护），本次群发未推送给关注者"

// Guard keeps the clock of protected mass sends (群发保护). A send that
// answers awaiting_confirmation is recorded in PostgreSQL
// (mass_confirmations) by the worker that made it, which alerts the
// account's people at once; the periodic sweep reminds them at two thirds
// of the window and, when the window ends unconfirmed, deletes the send
// on the platform and fails the edition or delivery with the reason. A
// worker restart loses nothing: the sweep works from the table.
type Guard struct {
	DB        *store.DB
	Box       *secret.Box
	Platforms Platforms
	Notify    *notify.Notifier // robots; nil: in-console notifications only
	Log       *slog.Logger
}

// Register adds the sweep and its schedule to m.
func (g *Guard) Register(m tasks.Mux) error {
	m.Handle(TypeMassGuard, tasks.Periodic(func(ctx context.Context) error {
		_, err := g.Sweep(ctx, g.DB.Now())
		return err
	}))
	return m.Every(massGuardEvery, TypeMassGuard, "urgent")
}

// awaiting records a send that waits for the administrator and alerts at
// once (once per send, however often the send is followed).
func (g *Guard) awaiting(ctx context.Context, m store.MassConfirmation, r wechat.MassReceipt) {
	if g == nil || r.MsgID == "" {
		return
	}
	m.MsgID, m.SentAt, m.ConfirmBy = r.MsgID, r.SentAt, r.ConfirmBy
	if m.SentAt.IsZero() {
		m.SentAt = g.DB.Now()
	}
	if m.ConfirmBy.IsZero() {
		m.ConfirmBy = m.SentAt.Add(wechat.DefaultConfirmWithin)
	}
	if _, err := g.DB.RecordMassAwaiting(ctx, &m); err != nil {
		g.Log.Warn("record a mass send awaiting confirmation; the next follow records it", slog.String("msg_id", m.MsgID), slog.Any("error", err))
		return
	}
	if _, err := g.alert(ctx, &m, guardAwaiting, g.DB.Now()); err != nil {
		g.Log.Warn("mass protection alert; the sweep raises it", slog.String("msg_id", m.MsgID), slog.Any("error", err))
	}
}

// ended stops the clock of a send that WeChat reports past the
// confirmation: sent (confirmed) or ended otherwise.
func (g *Guard) ended(ctx context.Context, accountID int64, r wechat.MassReceipt) {
	if g == nil || r.MsgID == "" {
		return
	}
	state := store.MassConfirmed
	if r.State == wechat.MassFailed || r.State == wechat.MassDeleted {
		state = store.MassRefused
	}
	m, err := g.DB.EndMassConfirmation(ctx, accountID, r.MsgID, state, r.Reason)
	if err != nil {
		g.Log.Warn("end a mass confirmation clock", slog.String("msg_id", r.MsgID), slog.Any("error", err))
	}
	if m != nil && state == store.MassRefused {
		if _, err := g.alert(ctx, m, guardExpired, g.DB.Now()); err != nil {
			g.Log.Warn("mass protection alert", slog.String("msg_id", r.MsgID), slog.Any("error", err))
		}
	}
}

// Sweep raises the due alerts of every send awaiting confirmation and
// fails those whose window ended; it returns how many it failed.
func (g *Guard) Sweep(ctx context.Context, now time.Time) (int, error) {
	list, err := g.DB.AwaitingMassConfirmations(ctx)
	if err != nil {
		return 0, err
	}
	failed := 0
	var errs []error
	for i := range list {
		m := &list[i]
		if _, err := g.alert(ctx, m, guardAwaiting, now); err != nil {
			errs = append(errs, err)
			continue
		}
		window := m.ConfirmBy.Sub(m.SentAt)
		if !now.Before(m.SentAt.Add(window * 2 / 3)) {
			if _, err := g.alert(ctx, m, guardReminder, now); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if now.Before(m.ConfirmBy) {
			continue
		}
		ok, err := g.expire(ctx, m, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("queue: mass send %s: %w", m.MsgID, err))
		}
		if ok {
			failed++
		}
	}
	return failed, errors.Join(errs...)
}

// expire ends a send whose window passed unconfirmed. WeChat is asked
// first: a send it reports sent was confirmed at the last moment and is
// left to the worker that follows it. Otherwise the send is deleted on
// the platform (so a late confirmation cannot push it after all) and the
// edition or delivery fails with the reason.
func (g *Guard) expire(ctx context.Context, m *store.MassConfirmation, now time.Time) (bool, error) {
	acc, err := g.DB.Account(ctx, m.AccountID)
	if err != nil {
		return false, err
	}
	steps := memSteps{wechat.StepMsgID: m.MsgID, wechat.StepMassSent: m.SentAt.UTC().Format(time.RFC3339Nano)}
	var client massFollower
	if cacc, err := connectors.Connect(g.Box, acc); err == nil {
		if pub, err := g.Platforms.Publisher(cacc); err == nil {
			client, _ = pub.(massFollower)
		}
		if client != nil {
			if r, err := client.MassStatus(ctx, cacc, steps); err == nil && r.State == wechat.MassSent {
				_, err := g.DB.EndMassConfirmation(ctx, m.AccountID, m.MsgID, store.MassConfirmed, "")
				return false, err
			}
			if err := client.WithdrawEdition(ctx, cacc, steps, 0); err != nil {
				g.Log.Warn("delete an unconfirmed mass send on the platform", slog.String("msg_id", m.MsgID), slog.Any("error", err))
			}
		}
	}
	ended, err := g.DB.EndMassConfirmation(ctx, m.AccountID, m.MsgID, store.MassRefused, ExpiredReason)
	if err != nil || ended == nil {
		return false, err
	}
	if err := g.fail(ctx, m); err != nil {
		return true, err
	}
	_, err = g.alert(ctx, m, guardExpired, now)
	return true, err
}

// fail ends the edition or delivery that made the send, with the reason.
func (g *Guard) fail(ctx context.Context, m *store.MassConfirmation) error {
	if m.EditionID != nil {
		e, err := g.DB.Edition(ctx, *m.EditionID)
		if err != nil {
			return err
		}
		if e.State != "scheduled" && e.State != "sending" {
			return nil // ended meanwhile
		}
		err = g.DB.InTx(ctx, func(tx *store.Tx) error {
			return tx.FinishEdition(ctx, e, store.EditionOutcome{State: "failed", MsgID: m.MsgID, Error: ExpiredReason,
				Result: map[string]any{"msg_id": m.MsgID, "state": wechat.MassFailed, "reason": ExpiredReason}})
		})
		return err
	}
	d, err := g.DB.Delivery(ctx, *m.DeliveryID)
	if err != nil {
		return err
	}
	err = g.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetDeliveryState(ctx, d.ID, []tongfa.DeliveryState{tongfa.DeliveryPending, tongfa.DeliveryQueued,
			tongfa.DeliverySending, tongfa.DeliveryUnconfirmed}, tongfa.DeliveryFailed, ExpiredReason); err != nil {
			return err
		}
		tx.Audit(store.SystemActor, "delivery.failed", fmt.Sprintf("delivery:%d", d.ID), &m.UnitID,
			map[string]any{"item_id": d.ItemID, "account_id": d.AccountID, "msg_id": m.MsgID, "error": ExpiredReason})
		_, err := tx.SettleItem(ctx, d.ItemID)
		return err
	})
	if tongfa.ErrorCode(err) == tongfa.EInvalidState {
		return nil // ended meanwhile
	}
	return err
}

// alert raises one alert of a protected send, once: in the console to
// the unit's editors and administrators and the account's managers who
// are users, and to the unit's group robots.
func (g *Guard) alert(ctx context.Context, m *store.MassConfirmation, level string, now time.Time) (bool, error) {
	acc, err := g.DB.Account(ctx, m.AccountID)
	if err != nil {
		return false, err
	}
	var title, msg string
	by := m.ConfirmBy.In(tongfa.China).Format("15:04")
	who := managerText(acc)
	switch level {
	case guardAwaiting:
		title = "【群发待确认】"
		msg = fmt.Sprintf("%s公众号「%s」的群发《%s》已提交，待管理员在手机上确认（群发保护）；请%s于 %s 前确认，逾期群发将失败",
			title, acc.Name, m.Title, who, by)
	case guardReminder:
		left := max(m.ConfirmBy.Sub(now), 0).Round(time.Minute)
		title = "【群发仍待确认】"
		msg = fmt.Sprintf("%s公众号「%s」的群发《%s》仍未经管理员在手机上确认，剩余约 %d 分钟；请%s于 %s 前确认，逾期群发将失败",
			title, acc.Name, m.Title, int(left/time.Minute), who, by)
	default:
		title = "【群发失败】"
		msg = fmt.Sprintf("%s公众号「%s」的群发《%s》管理员未在 %s 前于手机上确认，群发已失败，未推送给关注者", title, acc.Name, m.Title, by)
	}
	var fired bool
	err = g.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		fired, err = tx.FireAlert(ctx, fmt.Sprintf("account:%d/mass:%s", m.AccountID, m.MsgID), "mass_protection", level, &m.UnitID, msg)
		if err != nil || !fired {
			return err
		}
		to, err := g.recipients(ctx, tx, acc)
		if err != nil {
			return err
		}
		var itemID *int64
		if m.DeliveryID != nil {
			if d, err := g.DB.Delivery(ctx, *m.DeliveryID); err == nil {
				itemID = &d.ItemID
			}
		}
		tx.Audit(store.SystemActor, "mass.protection."+level, fmt.Sprintf("account:%d", m.AccountID), &m.UnitID,
			map[string]any{"msg_id": m.MsgID, "edition_id": m.EditionID, "delivery_id": m.DeliveryID, "confirm_by": m.ConfirmBy})
		return tx.Notify(ctx, to, itemID, "mass_protection", true, msg)
	})
	if fired && err == nil {
		g.Notify.Unit(ctx, m.UnitID, notify.Message{Title: title, Text: msg})
	}
	return fired, err
}

// recipients are the unit's editors and administrators; the account's
// managers (who hold the phone) are named with their numbers in the text.
func (g *Guard) recipients(ctx context.Context, tx *store.Tx, acc *tongfa.Account) ([]int64, error) {
	return tx.UsersWithRole(ctx, []int64{acc.UnitID}, tongfa.RoleEditor, tongfa.RoleAdmin)
}

// managerText names the account's managers for the alert: 账号管理员
// 张三（13800000000）、李四, or the account's administrator.
func managerText(acc *tongfa.Account) string {
	var names []string
	for _, m := range acc.Managers {
		if m.Name == "" {
			continue
		}
		if m.Phone != "" {
			names = append(names, fmt.Sprintf("%s（%s）", m.Name, m.Phone))
		} else {
			names = append(names, m.Name)
		}
	}
	if len(names) == 0 {
		return "账号管理员"
	}
	return "账号管理员 " + strings.Join(names, "、") + " "
}

// massFollower reads and deletes a mass send (the WeChat connector).
type massFollower interface {
	MassStatus(ctx context.Context, acc connectors.Account, s connectors.Steps) (wechat.MassReceipt, error)
	WithdrawEdition(ctx context.Context, acc connectors.Account, s connectors.Steps, article int) error
}

// memSteps are the steps of a call made outside a send (the sweep's
// status read and deletion).
type memSteps map[string]string

func (m memSteps) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }

func (m memSteps) Save(_ context.Context, k, v string) error { m[k] = v; return nil }
