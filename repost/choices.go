package repost

import (
	"context"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// Choices are what the console's form offers an editor: the published
// items of the units they edit for, and the active accounts and the
// units under those units (Create refuses anything else the same way).
type Choices struct {
	Items    []store.ItemSummary
	Accounts []tongfa.Account
	Units    []int64 // below a unit p edits for, each once
}

// maxChoiceItems bounds the published items offered, newest first.
const maxChoiceItems = 100

// Choices returns the form's options for p; none for who edits for no
// unit.
func (s *Service) Choices(ctx context.Context, p *access.Principal) (*Choices, error) {
	edits := p.Tree.WithRole(p.User, tongfa.RoleEditor)
	out := &Choices{Items: []store.ItemSummary{}, Accounts: []tongfa.Account{}, Units: []int64{}}
	if len(edits) == 0 {
		return out, nil
	}
	items, _, err := s.DB.ListItems(ctx, store.ItemFilter{UnitIDs: edits, State: tongfa.StatePublished, Page: 1, PerPage: maxChoiceItems})
	if err != nil {
		return nil, err
	}
	out.Items = items
	seen := map[int64]bool{}
	var under []int64
	for _, u := range edits {
		for _, d := range p.Tree.Subtree(u) {
			if !seen[d] {
				seen[d] = true
				under = append(under, d)
				if d != u {
					out.Units = append(out.Units, d)
				}
			}
		}
	}
	if out.Accounts, err = s.DB.ActiveAccounts(ctx, under); err != nil {
		return nil, err
	}
	return out, nil
}
