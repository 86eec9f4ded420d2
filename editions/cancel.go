package editions

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
)

// CancelInput is POST /api/v1/editions/{id}/cancel.
type CancelInput struct {
	Reason string `json:"reason" validate:"max=500"`
}

// Cancel calls an edition off before it is sent (audited): a signer of
// the unit may cancel it at any time until it starts sending, the editor
// who assembled it only while it is not yet confirmed. Its items become
// plain approved or scheduled items again: their deliveries to the account
// go out at the items' own times (a mass-mode account's as one-article
// mass sends), or join another edition.
func (s *Service) Cancel(ctx context.Context, p *access.Principal, id int64, in CancelInput) (*store.Edition, error) {
	if err := s.Validate.Struct(&in, validate.Labels{"reason": "取消原因"}); err != nil {
		return nil, err
	}
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := mayCancel(p, e); err != nil {
		return nil, err
	}
	var released []store.OpenDelivery
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if released, err = tx.CancelEdition(ctx, e.ID); err != nil {
			if tongfa.ErrorCode(err) == tongfa.EInvalidState {
				return cancelRefused(e.State)
			}
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "edition.cancel", target(e.ID), &e.UnitID,
			map[string]any{"state": e.State, "reason": in.Reason, "items": e.Items, "publish_at": e.PublishAt})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("editions: cancel %d: %w", id, err)
	}
	if len(released) > 0 && s.Sender != nil {
		if err := s.Sender.Reschedule(ctx, released); err != nil && s.Log != nil {
			s.Log.Warn("requeue of a cancelled edition's deliveries failed; the reconciler will", slog.Int64("edition_id", id), slog.Any("error", err))
		}
	}
	return s.DB.Edition(ctx, e.ID)
}

// mayCancel: signers of the unit until the send starts; the editor who
// assembled it while it waits for confirmation.
func mayCancel(p *access.Principal, e *store.Edition) error {
	if !slices.Contains([]string{"draft", "scheduled"}, e.State) {
		return cancelRefused(e.State)
	}
	if signer(p, e.UnitID) {
		return nil
	}
	if e.State == "draft" && e.CreatedBy == p.User.ID && p.Tree.Has(p.User, e.UnitID, tongfa.RoleEditor) {
		return nil
	}
	if e.State == "scheduled" && e.CreatedBy == p.User.ID {
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "本期已经审核确认，只有本单位审核人员可以取消"}
	}
	return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有编排本期的采编人员（确认前）或本单位审核人员可以取消本期"}
}

func cancelRefused(state string) error {
	return &tongfa.Error{Code: tongfa.EEditionStarted,
		Message: fmt.Sprintf("本期%s，不能再取消；已群发的内容可在稿件页撤回", StateLabel(state))}
}

// StateLabel is an edition's state as operators read it.
func StateLabel(state string) string {
	switch state {
	case "draft":
		return "待审核确认"
	case "scheduled":
		return "已确认，待群发"
	case "sending":
		return "正在群发"
	case "sent":
		return "已群发"
	case "failed":
		return "群发失败"
	case "cancelled":
		return "已取消"
	}
	return state
}
