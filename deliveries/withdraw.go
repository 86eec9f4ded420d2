package deliveries

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// WithdrawInput is POST /api/v1/items/{id}/withdraw (and a delivery's
// retry or abandon, which need only the reason).
type WithdrawInput struct {
	Reason   string `json:"reason" validate:"required,max=500"`
	Password string `json:"password" validate:"max=256"`
}

// CanWithdraw reports whether p may take an item off every channel now:
// it is approved (not yet sent, or scheduled), being published or online,
// and p is its unit's deputy or principal leader, or an administrator of
// its unit or above.
func CanWithdraw(p *access.Principal, it *tongfa.Item) bool {
	return withdrawable(it.State) && mayWithdraw(p, it.UnitID)
}

func withdrawable(st tongfa.ItemState) bool {
	return st == tongfa.StateApproved || st == tongfa.StateScheduled || st == tongfa.StatePublishing || st == tongfa.StatePublished || st == tongfa.StateFailed
}

func mayWithdraw(p *access.Principal, unit int64) bool {
	return p.Tree.Administers(p.User, unit) || p.User.HasRole(unit, tongfa.RoleDeputy) || p.User.HasRole(unit, tongfa.RolePrincipal)
}

// Withdraw takes an item off every channel (R11): deliveries not sent are
// abandoned, delivered posts are removed by the workers. The person
// confirms their identity first. It returns how many posts are being
// removed.
func (s *Service) Withdraw(ctx context.Context, p *access.Principal, itemID int64, in WithdrawInput) (int, error) {
	it, err := s.Items.Get(ctx, p, itemID)
	if err != nil {
		return 0, err
	}
	if !mayWithdraw(p, it.UnitID) {
		return 0, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位分管领导、主要领导或管理员可以撤回已发布稿件"}
	}
	if !withdrawable(it.State) {
		return 0, &tongfa.Error{Code: tongfa.EConflict, Message: "稿件当前为「" + it.State.Label() + "」，只有已审签通过、发布中或已发布的稿件可以撤回"}
	}
	if err := s.Identity.StepUp(ctx, p, in.Password); err != nil {
		return 0, err
	}
	var ids []int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(store.UserActor(p.User, p.IP), "item.withdraw", fmt.Sprintf("item:%d", itemID), &it.UnitID,
			map[string]any{"reason": in.Reason, "version_hash": it.Version.Hash})
		ids, err = tx.WithdrawItem(ctx, itemID, in.Reason)
		return err
	})
	if err != nil {
		return 0, err
	}
	if err := s.Queue.EnqueueWithdraw(ctx, ids); err != nil {
		s.Log.Warn("enqueue withdrawals; an administrator can retry from the item page", slog.Any("error", err))
	}
	return len(ids), nil
}
