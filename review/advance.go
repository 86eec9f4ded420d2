package review

import (
	"context"
	"log/slog"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// nextStep is what happens after a signature commits.
type nextStep struct {
	state    tongfa.ItemState
	level    int
	item     *tongfa.Item
	role     tongfa.Role // the next level's role, when one is pending
	unit     int64       // and the unit it is signed in
	signers  []int64
	queue    string
	planned  []int64 // deliveries to relay
	replaced []int64 // posts of earlier versions to withdraw (a correction)
	rejected bool
}

// advance is the single owner of what a signature does to the item:
// reject, move to the next level, or approve and plan the deliveries, all in
// the signing transaction.
func (s *Service) advance(ctx context.Context, tx *store.Tx, p *access.Principal, it *tongfa.Item, sub *store.Submission, sig *store.Signoff) (nextStep, error) {
	actor := store.UserActor(p.User, p.IP)
	level := it.Level
	detail := map[string]any{"version": it.Version.Number, "version_hash": it.Version.Hash, "level": level,
		"role": sig.Role, "decision": sig.Decision, "on_behalf_of": sig.OnBehalfOf, "comment": sig.Comment}
	tx.Audit(actor, "item.signoff", itemTarget(it.ID), &it.UnitID, detail)
	from := []tongfa.ItemState{tongfa.StateInReview}
	next := nextStep{item: it}
	switch {
	case sig.Decision == "reject":
		if err := tx.EndSubmission(ctx, sub.ID, "rejected", ""); err != nil {
			return next, err
		}
		err := tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: from, FromLevel: &level, To: tongfa.StateRejected, Tier: it.RequiredTier})
		next.state, next.rejected = tongfa.StateRejected, true
		tx.Audit(actor, "item.reject", itemTarget(it.ID), &it.UnitID, map[string]any{"version_hash": it.Version.Hash, "comment": sig.Comment})
		return next, err
	case level < len(sub.Chain):
		err := tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: from, FromLevel: &level, To: tongfa.StateInReview, Level: level + 1, Tier: it.RequiredTier})
		if err == nil {
			err = tx.AdvanceLevel(ctx, sub.ID)
		}
		if err != nil {
			return next, err
		}
		next.state, next.level, next.role = tongfa.StateInReview, level+1, sub.Chain[level]
		next.unit = sub.LevelUnit(level+1, it.UnitID)
		next.signers, err = s.candidates(ctx, tx, it, sub, level+1)
		if err == nil {
			err = tx.Notify(ctx, next.signers, &it.ID, "signoff.pending", urgent(it), pendingMessage(it, next.role))
		}
		return next, err
	}
	if err := channelsError(it.Version.Content, true); err != nil {
		return next, err
	}
	if err := tx.EndSubmission(ctx, sub.ID, "approved", ""); err != nil {
		return next, err
	}
	// An item whose time has not come waits, scheduled; the time signed
	// is kept, since moving it earlier needs this level (items.Reschedule).
	approved := tongfa.StateApproved
	if it.PublishAt != nil && it.PublishAt.After(tx.Now()) {
		approved = tongfa.StateScheduled
	}
	if err := tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: from, FromLevel: &level, To: approved, Tier: it.RequiredTier}); err != nil {
		return next, err
	}
	if err := tx.SetPublishAt(ctx, it.ID, it.PublishAt, true); err != nil {
		return next, err
	}
	// The targets are checked again as the deliveries are planned: a grant
	// may have been revoked, an account closed, since submission.
	found, err := tx.Targets(ctx, it.UnitID, it.Version.Content.Targets)
	if err == nil {
		err = access.CheckTargets(it.UnitID, it.Version.Content.Targets, found)
	}
	if err != nil {
		return next, err
	}
	if err := s.checkQuota(ctx, it); err != nil {
		return next, err
	}
	ids, err := tx.PlanDeliveries(ctx, it)
	if err != nil {
		return next, err
	}
	if next.replaced, err = tx.SupersededPosts(ctx, it.ID, it.Version.Number); err != nil {
		return next, err
	}
	next.state, next.planned, next.queue = approved, ids, store.QueueFor(it.Version.Content)
	tx.Audit(actor, "item.approve", itemTarget(it.ID), &it.UnitID, map[string]any{
		"version": it.Version.Number, "version_hash": it.Version.Hash, "tier": sub.Tier, "deliveries": ids,
		"publish_at": it.PublishAt})
	return next, nil
}

// after runs once the signing transaction has committed: relay the
// deliveries and send notifications. Failures here lose nothing — the
// reconciler enqueues from PostgreSQL, and notifications are in the console.
func (s *Service) after(ctx context.Context, n nextStep) {
	if len(n.planned) > 0 && s.Relay != nil {
		if err := s.Relay.EnqueueIDs(ctx, n.queue, n.planned); err != nil {
			s.Log.Warn("relay after approval failed; the reconciler will enqueue", slog.Any("error", err))
		}
	}
	if len(n.replaced) > 0 && s.Relay != nil {
		if err := s.Relay.EnqueueWithdraw(ctx, n.replaced); err != nil {
			s.Log.Warn("withdrawing the corrected posts failed; an administrator can withdraw them", slog.Any("error", err))
		}
	}
	switch {
	case n.rejected:
		s.Notify.Author(ctx, n.item, "item.rejected", "稿件「"+n.item.Version.Content.Title+"」被退回，请查看意见后修改")
	case n.state == tongfa.StateApproved:
		s.Notify.Author(ctx, n.item, "item.approved", "稿件「"+n.item.Version.Content.Title+"」已审签通过，正在发布")
	case n.state == tongfa.StateScheduled:
		s.Notify.Author(ctx, n.item, "item.approved", "稿件「"+n.item.Version.Content.Title+"」已审签通过，将于"+
			tongfa.ChinaTime(*n.item.PublishAt)+"定时发布")
	case n.role != "":
		s.Notify.Pending(ctx, n.item, n.unit, n.level, n.role, n.signers)
	}
}

func urgent(it *tongfa.Item) bool { return it.Version.Content.Urgency == tongfa.UrgencyUrgent }

// candidates are the users who may sign a level of the item (without
// delegations, which the delegates see through their own notifications).
func (s *Service) candidates(ctx context.Context, tx *store.Tx, it *tongfa.Item, sub *store.Submission, level int) ([]int64, error) {
	role, unit := sub.Chain[level-1], sub.LevelUnit(level, it.UnitID)
	units := []int64{unit}
	if pol, err := s.PolicyFor(ctx, unit); err == nil && role == tongfa.RolePrincipal && pol.SupervisingPrincipal {
		if u, err := s.DB.Unit(ctx, unit); err == nil && u.ParentID != nil {
			units = append(units, *u.ParentID)
		}
	}
	return tx.UsersWithRole(ctx, units, role)
}

func pendingMessage(it *tongfa.Item, role tongfa.Role) string {
	prefix := ""
	if urgent(it) {
		prefix = "【紧急】"
	}
	return prefix + "稿件「" + it.Version.Content.Title + "」待" + role.Label() + "审签"
}

func (s *Service) checkQuota(ctx context.Context, it *tongfa.Item) error {
	if s.Quota == nil {
		return nil
	}
	return s.Quota.CheckItem(ctx, it)
}
