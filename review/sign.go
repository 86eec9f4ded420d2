package review

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// SignInput is POST /api/v1/items/{id}/signoffs.
type SignInput struct {
	VersionHash string `json:"version_hash" validate:"required,len=64,hexadecimal"`
	Decision    string `json:"decision" validate:"required,oneof=approve reject"`
	Comment     string `json:"comment" validate:"max=2000"`
	Password    string `json:"password" validate:"max=256"`
}

// StepUp confirms the signer's identity for leader levels: it checks the
// password in the request, or a confirmation the session made recently.
type StepUp func(ctx context.Context, p *access.Principal, password string) error

// SignResult tells the client where the item stands after a signature.
type SignResult struct {
	Signoff *store.Signoff   `json:"signoff"`
	State   tongfa.ItemState `json:"state"`
	Level   int              `json:"level"`
}

// Sign records an approval or rejection at the item's pending level. The
// item row is locked and the state update is guarded by the level, so of
// two simultaneous signatures exactly one counts.
func (s *Service) Sign(ctx context.Context, p *access.Principal, itemID int64, in SignInput, stepUp StepUp) (*SignResult, error) {
	if in.Decision == "reject" && strings.TrimSpace(in.Comment) == "" {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "退回稿件必须填写意见", Fields: map[string]string{"comment": "请填写退回意见"}}
	}
	var res SignResult
	var next nextStep
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := tx.LockItem(ctx, itemID)
		if err != nil || !s.Visible(ctx, p, it) {
			return notVisible(itemID, err)
		}
		if it.State != tongfa.StateInReview {
			return &tongfa.Error{Code: tongfa.EInvalidState, Message: "稿件不在审核中（可能已被他人审签或退回）"}
		}
		if in.VersionHash != it.Version.Hash {
			return &tongfa.Error{Code: tongfa.EStaleVersion, Message: "稿件已修改，您看到的不是当前版本，请查看最新版本后再审签",
				Data: map[string]any{"current_hash": it.Version.Hash, "current_version": it.Version.Number}}
		}
		sub, err := tx.ActiveSubmission(ctx, itemID)
		if err != nil {
			return err
		}
		sig, err := s.authorize(ctx, tx, p, it, sub, stepUp, in.Password)
		if err != nil {
			return err
		}
		sig.Decision, sig.Comment = in.Decision, strings.TrimSpace(in.Comment)
		if err := tx.AddSignoff(ctx, sig); err != nil {
			return err
		}
		res.Signoff = sig
		next, err = s.advance(ctx, tx, p, it, sub, sig)
		res.State, res.Level = next.state, next.level
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("review: sign item %d: %w", itemID, err)
	}
	s.after(ctx, next)
	return &res, nil
}

// authorize decides whether p may sign the pending level, directly or under
// a delegation, and enforces separation of duties and step-up.
func (s *Service) authorize(ctx context.Context, tx *store.Tx, p *access.Principal, it *tongfa.Item, sub *store.Submission, stepUp StepUp, password string) (*store.Signoff, error) {
	level := it.Level
	role, unit := sub.Chain[level-1], sub.LevelUnit(level, it.UnitID)
	pol, err := s.PolicyFor(ctx, unit)
	if err != nil {
		return nil, err
	}
	sig := &store.Signoff{SubmissionID: sub.ID, ItemID: it.ID, VersionNumber: it.Version.Number, VersionHash: it.Version.Hash,
		Level: level, Role: role, SignerID: p.User.ID}
	if !mayHold(p.Tree, p.User, unit, role, pol) {
		behalf, err := s.delegator(ctx, tx, p, unit, role, pol)
		if err != nil {
			return nil, err
		}
		sig.OnBehalfOf = &behalf
	}
	if err := separation(ctx, tx, it, sub, sig); err != nil {
		return nil, err
	}
	if role == tongfa.RoleDeputy || role == tongfa.RolePrincipal {
		if err := stepUp(ctx, p, password); err != nil {
			return nil, err
		}
	}
	return sig, nil
}

// mayHold reports whether u signs role's level for unit: the role in the
// unit itself, or the principal of the supervising unit where the unit's
// policy allows it.
func mayHold(tree *access.Tree, u *tongfa.User, unit int64, role tongfa.Role, pol *Policy) bool {
	if u.HasRole(unit, role) {
		return true
	}
	return role == tongfa.RolePrincipal && pol.SupervisingPrincipal && tree.Parent(unit) != 0 && u.HasRole(tree.Parent(unit), role)
}

// delegator finds a leader who delegated this level to p for now.
func (s *Service) delegator(ctx context.Context, tx *store.Tx, p *access.Principal, unit int64, role tongfa.Role, pol *Policy) (int64, error) {
	ds, err := tx.ActiveDelegationsTo(ctx, p.User.ID, tx.Now())
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		if d.Role != role || d.UnitID != unit {
			continue
		}
		from, err := s.DB.User(ctx, d.DelegatorID)
		if err == nil && !from.Disabled && mayHold(p.Tree, from, unit, role, pol) {
			return from.ID, nil
		}
	}
	return 0, &tongfa.Error{Code: tongfa.EForbidden, Message: fmt.Sprintf("当前待%s，您没有该级别的审签权限", role.Label())}
}

// separation: nobody signs an item they wrote, and nobody — in person or
// through a delegate — signs two levels of one submission.
func separation(ctx context.Context, tx *store.Tx, it *tongfa.Item, sub *store.Submission, sig *store.Signoff) error {
	authors, err := tx.VersionAuthors(ctx, it.ID)
	if err != nil {
		return err
	}
	people := []int64{sig.SignerID}
	if sig.OnBehalfOf != nil {
		people = append(people, *sig.OnBehalfOf)
	}
	for _, id := range people {
		if id == it.AuthorID || slices.Contains(authors, id) {
			return &tongfa.Error{Code: tongfa.ESeparation, Message: "不能审签自己撰写或修改过的稿件"}
		}
	}
	prior, err := tx.SubmissionSignoffs(ctx, sub.ID)
	if err != nil {
		return err
	}
	for _, o := range prior {
		for _, id := range people {
			if o.SignerID == id || (o.OnBehalfOf != nil && *o.OnBehalfOf == id) {
				return &tongfa.Error{Code: tongfa.ESeparation, Message: "同一人不能审签同一稿件的两个级别"}
			}
		}
	}
	return nil
}

// Visible reports whether p may see an item in review: through a role in
// or above its unit, a delegation in force there, or a role in or above a
// unit that co-signs it (the owner of an account it publishes on).
func (s *Service) Visible(ctx context.Context, p *access.Principal, it *tongfa.Item) bool {
	if s.visibleIn(ctx, p, it.UnitID) {
		return true
	}
	units, err := s.DB.CoSignUnits(ctx, it.ID)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(units, func(u int64) bool { return s.visibleIn(ctx, p, u) })
}

func (s *Service) visibleIn(ctx context.Context, p *access.Principal, unit int64) bool {
	if p.Tree.CanRead(p.User, unit) {
		return true
	}
	ok, err := s.DB.DelegatedTo(ctx, p.User.ID, unit, s.DB.Now())
	return err == nil && ok
}
