package review

import (
	"context"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// Queue lists the items waiting for p's signature: levels of their own
// role in their units, principal levels of host units whose policy lets the
// supervising unit sign, and levels delegated to them now.
func (s *Service) Queue(ctx context.Context, p *access.Principal) ([]store.ItemSummary, error) {
	f := store.ReviewQueueFilter{}
	for _, g := range p.User.Grants {
		switch g.Role {
		case tongfa.RoleReviewer, tongfa.RoleDeputy:
			f[g.Role] = append(f[g.Role], g.UnitID)
		case tongfa.RolePrincipal:
			f[g.Role] = append(f[g.Role], g.UnitID)
			f[g.Role] = append(f[g.Role], s.supervised(ctx, p.Tree, g.UnitID)...)
		}
	}
	var ds []store.Delegation
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		ds, err = tx.ActiveDelegationsTo(ctx, p.User.ID, tx.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		f[d.Role] = append(f[d.Role], d.UnitID)
	}
	return s.DB.ReviewQueue(ctx, f)
}

// supervised returns the host units below unit whose policy lets the
// supervising unit's principal sign.
func (s *Service) supervised(ctx context.Context, tree *access.Tree, unit int64) []int64 {
	var out []int64
	for _, u := range tree.Subtree(unit)[1:] {
		if tree.Parent(u) != unit {
			continue
		}
		if pol, err := s.PolicyFor(ctx, u); err == nil && pol.SupervisingPrincipal {
			out = append(out, u)
		}
	}
	return out
}
