package items

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
)

// Deadlines tells an urgent item's first-report deadline (package clocks).
type Deadlines interface {
	FirstDeadline(ctx context.Context, unit int64, c tongfa.Content, now time.Time) (time.Time, string, bool, error)
}

// Scheduler queues the deliveries of a rescheduled item for their new
// time (queue.Enqueuer).
type Scheduler interface {
	Reschedule(ctx context.Context, ds []store.OpenDelivery) error
}

// ScheduleInput is POST /api/v1/items/{id}/schedule: the new publishing
// time (null: at once) and why it moved.
type ScheduleInput struct {
	PublishAt *time.Time `json:"publish_at"`
	Reason    string     `json:"reason" validate:"max=500"`
}

// checkPublishAt refuses a publishing time that has passed, one at or
// after the item's 时效截止 (notAfter), or one after an urgent item's
// first-report deadline (R5), with the reason.
func (s *Service) checkPublishAt(ctx context.Context, unit int64, c tongfa.Content, at, notAfter *time.Time) error {
	if at == nil {
		return nil
	}
	now := s.DB.Now()
	if notAfter != nil && !at.Before(*notAfter) {
		msg := fmt.Sprintf("定时发布时间 %s 不早于本稿的时效截止时间 %s（此后禁止发布）；请提前发布时间，或调整时效截止",
			tongfa.ChinaTime(*at), tongfa.ChinaTime(*notAfter))
		return &tongfa.Error{Code: tongfa.ESchedule, Message: msg, Fields: map[string]string{"publish_at": msg}}
	}
	if !at.After(now) {
		return validate.Invalid("publish_at", "定时发布时间已过，请选择将来的时间")
	}
	if s.Deadlines == nil {
		return nil
	}
	end, account, ok, err := s.Deadlines.FirstDeadline(ctx, unit, c, now)
	if err != nil || !ok || !at.After(end) {
		return err
	}
	msg := fmt.Sprintf("紧急稿件须在时限内首发：「%s」最迟于 %s 发布，定时发布时间 %s 已超出", account,
		tongfa.ChinaTime(end), tongfa.ChinaTime(*at))
	return &tongfa.Error{Code: tongfa.ESchedule, Message: msg, Fields: map[string]string{"publish_at": msg}}
}

// Reschedule moves an item's publishing time (audited, on the timeline).
// Editors of the item's unit may move it; an approved item waiting for
// its time may move earlier than the time its sign-off approved only by
// someone holding the last signer's level. An item already going out
// cannot move.
func (s *Service) Reschedule(ctx context.Context, p *Principal, id int64, in ScheduleInput) (*tongfa.Item, error) {
	if err := s.Validate.Struct(&in, validate.Labels{"publish_at": "定时发布时间", "reason": "调整原因"}); err != nil {
		return nil, err
	}
	var it *tongfa.Item
	var moved []store.OpenDelivery
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if it, err = tx.LockItem(ctx, id); err != nil || !s.visible(ctx, p, it) {
			return notReadable(id, err)
		}
		if err := s.mayReschedule(ctx, p, it, in.PublishAt); err != nil {
			return err
		}
		if err := s.checkPublishAt(ctx, it.UnitID, it.Version.Content, in.PublishAt, it.NotAfter); err != nil {
			return err
		}
		from := it.PublishAt
		if err := tx.SetPublishAt(ctx, it.ID, in.PublishAt, false); err != nil {
			return err
		}
		it.PublishAt = in.PublishAt
		if it.State == tongfa.StateScheduled {
			at := tx.Now()
			if in.PublishAt != nil {
				at = *in.PublishAt
			}
			if moved, err = tx.RescheduleDeliveries(ctx, it.ID, it.VersionNumber, at); err != nil {
				return err
			}
		}
		tx.Audit(store.UserActor(p.User, p.IP), "item.reschedule", itemTarget(it.ID), &it.UnitID,
			map[string]any{"from": from, "to": in.PublishAt, "signed": it.SignedPublishAt, "reason": in.Reason})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("items: reschedule %d: %w", id, err)
	}
	if len(moved) > 0 && s.Scheduler != nil {
		if err := s.Scheduler.Reschedule(ctx, moved); err != nil {
			s.log().Warn("requeue of rescheduled deliveries failed; the reconciler will queue them", slog.Int64("item_id", id), slog.Any("error", err))
		}
	}
	return it, nil
}

// checkNotAfter refuses a 时效截止 that has already passed.
func (s *Service) checkNotAfter(at *time.Time) error {
	if at != nil && !at.After(s.DB.Now()) {
		return validate.Invalid("not_after", "时效截止时间已过，请选择将来的时间，或不设时效截止")
	}
	return nil
}

func notReadable(id int64, err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("item %d: %w", id, tongfa.ErrNotFound)
}

// mayReschedule decides whether p may move item it to at.
func (s *Service) mayReschedule(ctx context.Context, p *Principal, it *tongfa.Item, at *time.Time) error {
	switch it.State {
	case tongfa.StateDraft, tongfa.StateRejected, tongfa.StateInReview, tongfa.StateScheduled:
	default:
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "稿件已开始发布或已结束，不能再调整发布时间"}
	}
	editor := p.Tree.Has(p.User, it.UnitID, tongfa.RoleEditor)
	earlier := it.State == tongfa.StateScheduled && it.SignedPublishAt != nil && (at == nil || at.Before(*it.SignedPublishAt))
	if !earlier {
		if !editor {
			return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位采编人员可以调整发布时间"}
		}
		return nil
	}
	subs, err := s.DB.Submissions(ctx, it.ID)
	if err != nil {
		return err
	}
	for i := len(subs) - 1; i >= 0; i-- {
		sub := subs[i]
		if sub.State != "approved" || sub.VersionHash != it.Version.Hash {
			continue
		}
		n := len(sub.Chain)
		role, unit := sub.Chain[n-1], sub.LevelUnit(n, it.UnitID)
		if p.Tree.Has(p.User, unit, role) {
			return nil
		}
		msg := fmt.Sprintf("提前到审签时确定的发布时间（%s）之前，须由%s决定", tongfa.ChinaTime(*it.SignedPublishAt), role.Label())
		return &tongfa.Error{Code: tongfa.ESchedule, Message: msg, Fields: map[string]string{"publish_at": msg}}
	}
	return &tongfa.Error{Code: tongfa.ESchedule, Message: "找不到该版本的审签记录，不能提前发布"}
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
