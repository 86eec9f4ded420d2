package review

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
)

// Revised is called by the items service, inside the saving transaction,
// after a new version of an item in review or approved was stored: every
// sign-off of the old version is voided and review restarts at level 1 —
// or the item returns to draft when the new version has blocking findings
// or could not be delivered (no channel).
// Deliveries of the old version that have not started are abandoned.
func (s *Service) Revised(ctx context.Context, tx *store.Tx, p *access.Principal, it *tongfa.Item, prev tongfa.ItemState, oldHash string) error {
	switch prev {
	case tongfa.StateInReview, tongfa.StateApproved, tongfa.StateScheduled, tongfa.StatePublished:
	default:
		return nil
	}
	subID, err := tx.VoidSubmission(ctx, it.ID, "new_version")
	if err != nil {
		return err
	}
	if _, err := tx.AbandonOpenDeliveries(ctx, it.ID, it.Version.Number, "已被新版本取代"); err != nil {
		return err
	}
	tx.Audit(store.UserActor(p.User, p.IP), "item.void", itemTarget(it.ID), &it.UnitID, map[string]any{
		"submission_id": subID, "voided_hash": oldHash, "new_hash": it.Version.Hash, "reason": "new_version"})
	a, err := s.Assess(ctx, it.UnitID, it.Version.Content)
	if err != nil {
		return err
	}
	from := []tongfa.ItemState{prev}
	if a.blocked || a.refusal != nil {
		it.State = tongfa.StateDraft
		return tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: from, To: tongfa.StateDraft})
	}
	if _, err := s.startChain(ctx, tx, p, it, a, from); err != nil {
		return err
	}
	it.State, it.Level, it.RequiredTier = tongfa.StateInReview, 1, a.Tier
	return nil
}

// Withdraw takes an item out of review back to draft (its author, or an
// editor of the unit, changed their mind). Its sign-offs are voided.
func (s *Service) Withdraw(ctx context.Context, p *access.Principal, itemID int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := tx.LockItem(ctx, itemID)
		if err != nil || !p.Tree.CanRead(p.User, it.UnitID) {
			return notVisible(itemID, err)
		}
		if it.AuthorID != p.User.ID && !p.Tree.Has(p.User, it.UnitID, tongfa.RoleEditor) {
			return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有作者或本单位采编人员可以撤回送审"}
		}
		sub, err := tx.ActiveSubmission(ctx, itemID)
		if err != nil {
			return &tongfa.Error{Code: tongfa.EInvalidState, Message: "稿件不在审核中", Err: err}
		}
		if err := tx.EndSubmission(ctx, sub.ID, "withdrawn", "withdrawn"); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "item.submission_withdrawn", itemTarget(it.ID), &it.UnitID,
			map[string]any{"submission_id": sub.ID, "version_hash": sub.VersionHash})
		return tx.UpdateItemState(ctx, itemID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateInReview}, To: tongfa.StateDraft})
	})
}

// DelegationInput is POST /api/v1/delegations.
type DelegationInput struct {
	DelegateID int64       `json:"delegate_id" validate:"required,gt=0"`
	UnitID     int64       `json:"unit_id" validate:"required,gt=0"`
	Role       tongfa.Role `json:"role" validate:"required,oneof=reviewer deputy principal"`
	StartsAt   time.Time   `json:"starts_at" validate:"required"`
	EndsAt     time.Time   `json:"ends_at" validate:"required,gtfield=StartsAt"`
	Reason     string      `json:"reason" validate:"required,max=500"`
}

// maxDelegation bounds a delegation: a longer absence is a staff change.
const maxDelegation = 90 * 24 * time.Hour

// Delegate hands p's level in a unit to another user of the same role.
func (s *Service) Delegate(ctx context.Context, p *access.Principal, in DelegationInput) (*store.Delegation, error) {
	if !p.User.HasRole(in.UnitID, in.Role) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只能委托本人在该单位担任的审签职责"}
	}
	if in.EndsAt.Sub(in.StartsAt) > maxDelegation {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "委托期限不能超过 90 天", Fields: map[string]string{"ends_at": "委托期限不能超过 90 天"}}
	}
	to, err := s.DB.User(ctx, in.DelegateID)
	if err != nil || to.Disabled || to.ID == p.User.ID || !holdsWithin(p.Tree, to, in.Role, p.Tree.Root(in.UnitID)) {
		// One answer for every refusal: whether a user id exists elsewhere
		// is not told.
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "受托人必须是本地区（同一上级单位之下）担任相同职务的其他在岗人员",
			Fields: map[string]string{"delegate_id": "受托人必须在本地区担任" + in.Role.Label()}}
	}
	d := &store.Delegation{DelegatorID: p.User.ID, DelegateID: to.ID, UnitID: in.UnitID, Role: in.Role,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, Reason: in.Reason}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateDelegation(ctx, d); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "delegation.create", fmt.Sprintf("delegation:%d", d.ID), &in.UnitID,
			map[string]any{"delegate_id": to.ID, "delegate": to.Username, "role": in.Role, "starts_at": in.StartsAt, "ends_at": in.EndsAt})
		return tx.Notify(ctx, []int64{to.ID}, nil, "delegation", false,
			fmt.Sprintf("%s 将%s审签职责委托给您，%s 至 %s", p.User.DisplayName, in.Role.Label(),
				in.StartsAt.Format("01-02 15:04"), in.EndsAt.Format("01-02 15:04")))
	})
	if err != nil {
		return nil, fmt.Errorf("review: delegate: %w", err)
	}
	return d, nil
}

// hierarchy is the order in which a pending level escalates.
var hierarchy = []tongfa.Role{tongfa.RoleReviewer, tongfa.RoleDeputy, tongfa.RolePrincipal, tongfa.RoleAdmin}

// Escalate notifies the next level up about every level pending longer than
// its unit's limit (urgent items: clock time; others: working time), once
// per level, and returns how many it escalated.
func (s *Service) Escalate(ctx context.Context, now time.Time) (int, error) {
	pending, err := s.DB.PendingLevels(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, pl := range pending {
		ok, err := s.escalate(ctx, pl, now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func (s *Service) escalate(ctx context.Context, pl store.PendingLevel, now time.Time) (bool, error) {
	pol, err := s.PolicyFor(ctx, pl.UnitID)
	if err != nil || pl.Escalated >= pl.Level {
		return false, err
	}
	waited, limit := s.working(pl.LevelSince, now), pol.Reminders.Pending
	if pl.Urgent {
		waited, limit = now.Sub(pl.LevelSince), pol.Reminders.UrgentPending
	}
	if waited < limit {
		return false, nil
	}
	role, unit := pl.Chain[pl.Level-1], pl.LevelUnit(pl.Level, pl.UnitID)
	up := hierarchy[min(slices.Index(hierarchy, role)+1, len(hierarchy)-1)]
	msg := fmt.Sprintf("稿件「%s」待%s审签已超过 %s，请督促处理", pl.Title, role.Label(), limit)
	var done bool
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if done, err = tx.MarkEscalated(ctx, pl.ID, pl.Level); err != nil || !done {
			return err
		}
		users, err := tx.UsersWithRole(ctx, []int64{unit}, up)
		if err != nil {
			return err
		}
		tx.Audit(store.SystemActor, "item.escalate", itemTarget(pl.ItemID), &pl.UnitID,
			map[string]any{"level": pl.Level, "role": role, "to": up, "waited": waited.String(), "version_hash": pl.VersionHash})
		return tx.Notify(ctx, users, &pl.ItemID, "signoff.escalated", pl.Urgent, msg)
	})
	if done && err == nil {
		s.Notify.Unit(ctx, unit, notify.Message{Title: "审签超时提醒", Text: msg})
	}
	return done, err
}

func (s *Service) working(from, to time.Time) time.Duration {
	if s.Calendar != nil {
		return s.Calendar().WorkingTimeBetween(from, to)
	}
	return to.Sub(from)
}
