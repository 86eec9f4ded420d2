package registry

import (
	"context"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// GrantInput is POST /api/v1/accounts/{id}/grants: the unit that may
// publish on the account (代发).
type GrantInput struct {
	UnitID int64 `json:"unit_id" validate:"required,gt=0"`
}

// account returns an account p may read; others are not found, so ids do
// not leak.
func (s *Service) account(ctx context.Context, p *access.Principal, id int64) (*tongfa.Account, error) {
	a, err := s.DB.Account(ctx, id)
	if err != nil || !p.Tree.CanRead(p.User, a.UnitID) {
		return nil, fmt.Errorf("registry: account %d: %w", id, tongfa.ErrNotFound)
	}
	return a, nil
}

// Grants lists who may publish on an account p may read.
func (s *Service) Grants(ctx context.Context, p *access.Principal, accountID int64) ([]store.PublishGrant, error) {
	if _, err := s.account(ctx, p, accountID); err != nil {
		return nil, err
	}
	return s.DB.PublishGrants(ctx, accountID)
}

// GrantPublishing lets another unit publish on an account; only the
// account unit's administrators (or those above) decide. Every item the
// unit publishes there is co-signed by the account unit's reviewer.
func (s *Service) GrantPublishing(ctx context.Context, p *access.Principal, accountID int64, in GrantInput) (*store.PublishGrant, error) {
	a, err := s.account(ctx, p, accountID)
	if err != nil {
		return nil, err
	}
	if !p.Tree.Administers(p.User, a.UnitID) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该账号所属单位的管理员可以授权代发"}
	}
	if !p.Tree.Exists(in.UnitID) || in.UnitID == a.UnitID {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "被授权单位不存在或就是账号所属单位",
			Fields: map[string]string{"unit_id": "请选择其他单位"}}
	}
	var g *store.PublishGrant
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if g, err = tx.GrantPublishing(ctx, accountID, in.UnitID, &p.User.ID); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "account.grant", fmt.Sprintf("account:%d", accountID), &a.UnitID,
			map[string]any{"unit_id": in.UnitID, "unit": p.Tree.Name(in.UnitID)})
		return nil
	})
	return g, err
}

// RevokePublishing ends a unit's grant on an account. Items not yet
// delivered there are refused from then on, at approval and by the worker.
func (s *Service) RevokePublishing(ctx context.Context, p *access.Principal, accountID, unitID int64) error {
	a, err := s.account(ctx, p, accountID)
	if err != nil {
		return err
	}
	if !p.Tree.Administers(p.User, a.UnitID) {
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该账号所属单位的管理员可以撤销代发授权"}
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokePublishing(ctx, accountID, unitID, &p.User.ID); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "account.revoke_grant", fmt.Sprintf("account:%d", accountID), &a.UnitID,
			map[string]any{"unit_id": unitID})
		return nil
	})
}

// Publishable lists the accounts p's items may publish on: the open
// accounts of the units where p composes, and those granted to them.
func (s *Service) Publishable(ctx context.Context, p *access.Principal) ([]AccountView, error) {
	units := p.Tree.WithRole(p.User, tongfa.RoleEditor)
	own, err := s.DB.Accounts(ctx, units)
	if err != nil {
		return nil, err
	}
	granted, err := s.DB.GrantedAccounts(ctx, units)
	if err != nil {
		return nil, err
	}
	out := make([]AccountView, 0, len(own)+len(granted))
	for _, a := range append(own, granted...) {
		if a.Status == tongfa.AccountActive {
			out = append(out, *s.view(p, a, map[string]string{}))
		}
	}
	return out, nil
}

// AccountName names an account p may read or publish on; any other id is
// named as unknown, so the names of other units' accounts do not leak.
func (s *Service) AccountName(ctx context.Context, p *access.Principal, id int64) string {
	a, err := s.DB.Account(ctx, id)
	if err == nil && (p.Tree.CanRead(p.User, a.UnitID) || s.publishableBy(ctx, p, a)) {
		return a.Name
	}
	return fmt.Sprintf("未知账号（%d）", id)
}

// publishableBy reports whether one of the units where p composes holds a
// grant on a.
func (s *Service) publishableBy(ctx context.Context, p *access.Principal, a *tongfa.Account) bool {
	for _, u := range p.Tree.WithRole(p.User, tongfa.RoleEditor) {
		if ok, err := s.DB.Publishable(ctx, u, a); err == nil && ok {
			return true
		}
	}
	return false
}

// Account returns an account p may read; others are not found.
func (s *Service) Account(ctx context.Context, p *access.Principal, id int64) (*AccountView, error) {
	a, err := s.account(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.view(p, *a, nil), nil
}
