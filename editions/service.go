package editions

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
)

// Sender queues an edition's send for its time (queue.Enqueuer).
type Sender interface {
	EnqueueEdition(ctx context.Context, id int64, at time.Time) error
	// Reschedule queues again the deliveries a cancelled edition gave
	// back to their items.
	Reschedule(ctx context.Context, ds []store.OpenDelivery) error
}

// Service assembles, confirms and shows editions.
type Service struct {
	DB       *store.DB
	Validate *validate.Validator
	Quotas   *Quotas
	Sender   Sender // nil: the reconciler queues confirmed editions
	// Previewer sends an edition or an article to one WeChat user (nil:
	// previews are refused as unavailable).
	Previewer Previewer
	Log       *slog.Logger
}

// Input is POST /api/v1/editions: 1–8 items, the headline first, for one
// mass-mode WeChat account at a planned time.
type Input struct {
	AccountID int64     `json:"account_id" validate:"required,gt=0"`
	PublishAt time.Time `json:"publish_at" validate:"required"`
	Items     []int64   `json:"items" validate:"required,min=1,max=8,unique,dive,gt=0"`
}

var labels = validate.Labels{"account_id": "公众号", "publish_at": "群发时间", "items": "稿件"}

// Create assembles an edition (editors of the account's unit). Every item
// must be approved for the account and not yet sent there; its delivery
// to the account joins the edition. The planned day must have a mass send
// left. The edition waits for a reviewer's confirmation.
func (s *Service) Create(ctx context.Context, p *access.Principal, in Input) (*store.Edition, error) {
	if err := s.Validate.Struct(&in, labels); err != nil {
		return nil, err
	}
	acc, err := s.DB.Account(ctx, in.AccountID)
	if err != nil || !p.Tree.CanRead(p.User, acc.UnitID) {
		return nil, notFound("account", in.AccountID, err)
	}
	if !p.Tree.Has(p.User, acc.UnitID, tongfa.RoleEditor) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该公众号所属单位的采编人员可以编排群发"}
	}
	if !acc.MassMode() {
		return nil, validate.Invalid("account_id", "该账号不是群发方式的微信公众号")
	}
	if !in.PublishAt.After(s.DB.Now()) {
		return nil, validate.Invalid("publish_at", "群发时间已过，请选择将来的时间")
	}
	if err := s.Quotas.check(ctx, acc, in.Items, 0, in.PublishAt, false); err != nil {
		return nil, err
	}
	e := &store.Edition{UnitID: acc.UnitID, AccountID: acc.ID, PublishAt: in.PublishAt, CreatedBy: p.User.ID}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		for i, id := range in.Items {
			it, err := tx.LockItem(ctx, id)
			if err != nil || !p.Tree.CanRead(p.User, it.UnitID) {
				return notFound("item", id, err)
			}
			if it.NotAfter != nil && !in.PublishAt.Before(*it.NotAfter) {
				msg := fmt.Sprintf("稿件「%s」的时效截止时间为 %s（此后禁止发布），本期群发时间 %s 已超出；请提前群发时间，或不把它编入本期",
					it.Version.Content.Title, tongfa.ChinaTime(*it.NotAfter), tongfa.ChinaTime(in.PublishAt))
				return &tongfa.Error{Code: tongfa.ESchedule, Message: msg, Fields: map[string]string{"publish_at": msg}}
			}
			e.Items = append(e.Items, store.EditionItem{Position: i + 1, ItemID: id, VersionNumber: it.Version.Number,
				VersionHash: it.Version.Hash, Title: it.Version.Content.Title})
		}
		if err := tx.CreateEdition(ctx, e); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "edition.create", target(e.ID), &e.UnitID,
			map[string]any{"account_id": acc.ID, "publish_at": in.PublishAt, "items": in.Items})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("editions: create: %w", err)
	}
	return e, nil
}

// Confirm is a reviewer's confirmation of an edition's choice and order
// (audited). Every item must still be approved with the version it was
// assembled with. The send is queued for the edition's time.
func (s *Service) Confirm(ctx context.Context, p *access.Principal, id int64) (*store.Edition, error) {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !signer(p, e.UnitID) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "群发编排须由本单位审核人员确认"}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, x := range e.Items {
			it, err := tx.LockItem(ctx, x.ItemID)
			if err != nil {
				return err
			}
			if it.Version.Hash != x.VersionHash || (it.State != tongfa.StateScheduled && it.State != tongfa.StateApproved) {
				return tongfa.Errorf(tongfa.EConflict, "稿件「%s」审签后已修改或状态已变化（%s），不能按原编排群发；请重新编排本期", x.Title, it.State.Label())
			}
		}
		uid := p.User.ID
		if err := tx.SetEditionState(ctx, e.ID, []string{"draft"}, "scheduled", &uid); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "edition.confirm", target(e.ID), &e.UnitID,
			map[string]any{"items": e.Items, "publish_at": e.PublishAt})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("editions: confirm %d: %w", id, err)
	}
	if s.Sender != nil {
		if err := s.Sender.EnqueueEdition(ctx, e.ID, e.PublishAt); err != nil && s.Log != nil {
			s.Log.Warn("queueing a confirmed edition failed; the reconciler will", slog.Int64("edition_id", e.ID), slog.Any("error", err))
		}
	}
	return s.DB.Edition(ctx, e.ID)
}

// Get returns an edition of a unit p may read.
func (s *Service) Get(ctx context.Context, p *access.Principal, id int64) (*store.Edition, error) {
	e, err := s.DB.Edition(ctx, id)
	if err != nil || !p.Tree.CanRead(p.User, e.UnitID) {
		return nil, notFound("edition", id, err)
	}
	return e, nil
}

// signer reports whether p signs in unit at any level.
func signer(p *access.Principal, unit int64) bool {
	for _, r := range []tongfa.Role{tongfa.RoleReviewer, tongfa.RoleDeputy, tongfa.RolePrincipal} {
		if p.Tree.Has(p.User, unit, r) {
			return true
		}
	}
	return false
}

func target(id int64) string { return fmt.Sprintf("edition:%d", id) }

func notFound(what string, id int64, err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("editions: %s %d: %w", what, id, tongfa.ErrNotFound)
}
