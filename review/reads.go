package review

import (
	"context"
	"slices"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// History is an item's submissions and signatures, as p may see them.
type History struct {
	Submissions []store.Submission `json:"submissions"`
	Signoffs    []store.Signoff    `json:"signoffs"`
}

// item loads an item p may see in review; others are not found.
func (s *Service) item(ctx context.Context, p *access.Principal, id int64) (*tongfa.Item, error) {
	it, err := s.DB.Item(ctx, id)
	if err != nil || !s.Visible(ctx, p, it) {
		return nil, notVisible(id, err)
	}
	return it, nil
}

// History returns every submission and signature of an item p may see.
func (s *Service) History(ctx context.Context, p *access.Principal, itemID int64) (*History, error) {
	if _, err := s.item(ctx, p, itemID); err != nil {
		return nil, err
	}
	subs, err := s.DB.Submissions(ctx, itemID)
	if err != nil {
		return nil, err
	}
	sigs, err := s.DB.Signoffs(ctx, itemID)
	if err != nil {
		return nil, err
	}
	return &History{Submissions: nonNil(subs), Signoffs: nonNil(sigs)}, nil
}

// Active returns the submission in progress of an item p may see.
func (s *Service) Active(ctx context.Context, p *access.Principal, itemID int64) (*store.Submission, error) {
	if _, err := s.item(ctx, p, itemID); err != nil {
		return nil, err
	}
	return s.DB.ActiveSubmission(ctx, itemID)
}

// Latest returns the newest submission of an item p may see (nil: never
// submitted).
func (s *Service) Latest(ctx context.Context, p *access.Principal, itemID int64) (*store.Submission, error) {
	h, err := s.History(ctx, p, itemID)
	if err != nil || len(h.Submissions) == 0 {
		return nil, err
	}
	last := slices.MaxFunc(h.Submissions, func(a, b store.Submission) int { return int(a.ID - b.ID) })
	return &last, nil
}

// CanSign reports whether p may sign the pending level of an item now.
func (s *Service) CanSign(ctx context.Context, p *access.Principal, it *tongfa.Item) bool {
	if it.State != tongfa.StateInReview {
		return false
	}
	queue, err := s.Queue(ctx, p)
	return err == nil && slices.ContainsFunc(queue, func(q store.ItemSummary) bool { return q.ID == it.ID })
}

// Delegations lists the delegations p gave or received.
func (s *Service) Delegations(ctx context.Context, p *access.Principal) ([]store.Delegation, error) {
	list, err := s.DB.Delegations(ctx, p.User.ID)
	return nonNil(list), err
}

// DelegateCandidates are the people p may hand a level of role in unit to:
// other active users holding that role in a unit of the same tree (the
// city and its bureaus). Nobody of another tree — another city's leader
// least of all.
func (s *Service) DelegateCandidates(ctx context.Context, p *access.Principal, unit int64, role tongfa.Role) ([]tongfa.User, error) {
	root := p.Tree.Root(unit)
	users, err := s.DB.Users(ctx, p.Tree.Subtree(root))
	if err != nil {
		return nil, err
	}
	out := users[:0]
	for _, u := range users {
		if !u.Disabled && u.ID != p.User.ID && holdsWithin(p.Tree, &u, role, root) {
			out = append(out, u)
		}
	}
	return out, nil
}

// holdsWithin reports whether u holds role in unit or a unit below it.
func holdsWithin(tree *access.Tree, u *tongfa.User, role tongfa.Role, unit int64) bool {
	for _, g := range u.Grants {
		if g.Role == role && tree.Within(g.UnitID, unit) {
			return true
		}
	}
	return false
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
