package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// Scope is what a report covers: every unit (Units nil), a set of units,
// or one account (AccountID).
type Scope struct {
	Units     []int64 `json:"units,omitempty"`
	AccountID int64   `json:"account_id,omitempty"`
	Label     string  `json:"label"`
}

func (sc Scope) store() store.ReportScope {
	out := store.ReportScope{Units: sc.Units}
	if sc.AccountID != 0 {
		out.AccountID = &sc.AccountID
	}
	return out
}

// Scope resolves a request for a report on unit (with the units below it)
// or on one account (0: not given) to a Scope, within the units the
// caller may read (nil: every unit; allowed lists each unit once). With
// neither, the scope is every unit the caller may read.
func (s *Service) Scope(ctx context.Context, allowed []int64, unitID, accountID int64) (Scope, error) {
	units, err := s.DB.Units(ctx)
	if err != nil {
		return Scope{}, err
	}
	tree := access.NewTree(units)
	if len(allowed) == len(units) {
		allowed = nil // the caller reads every unit: the same report as the command line's
	}
	switch {
	case accountID != 0:
		return s.accountScope(ctx, tree, allowed, unitID, accountID)
	case unitID != 0:
		return unitScope(tree, allowed, unitID)
	case allowed == nil:
		return Scope{Label: "全部单位"}, nil
	}
	return Scope{Units: allowed, Label: rootsLabel(tree, allowed)}, nil
}

func (s *Service) accountScope(ctx context.Context, tree *access.Tree, allowed []int64, unitID, accountID int64) (Scope, error) {
	a, err := s.DB.Account(ctx, accountID)
	if err == nil && allowed != nil && !slices.Contains(allowed, a.UnitID) {
		err = tongfa.ErrNotFound // another unit's account is not told apart from none
	}
	if err != nil {
		return Scope{}, fmt.Errorf("reports: account %d: %w", accountID, err)
	}
	if unitID != 0 && !slices.Contains(tree.Subtree(unitID), a.UnitID) {
		return Scope{}, badParam("account", "该账号不属于所选单位")
	}
	label := fmt.Sprintf("%s（%s，%s）", a.Name, a.Platform.Label(), tree.Name(a.UnitID))
	return Scope{Units: []int64{a.UnitID}, AccountID: a.ID, Label: label}, nil
}

func unitScope(tree *access.Tree, allowed []int64, unitID int64) (Scope, error) {
	if tree.Name(unitID) == "" {
		return Scope{}, fmt.Errorf("reports: unit %d: %w", unitID, tongfa.ErrNotFound)
	}
	if allowed != nil && !slices.Contains(allowed, unitID) {
		// Another tree's unit is not told apart from none.
		return Scope{}, fmt.Errorf("reports: unit %d: %w", unitID, tongfa.ErrNotFound)
	}
	units := tree.Subtree(unitID)
	if allowed != nil {
		units = slices.DeleteFunc(units, func(u int64) bool { return !slices.Contains(allowed, u) })
	}
	slices.Sort(units)
	return Scope{Units: units, Label: rootsLabel(tree, units)}, nil
}

// rootsLabel names a set of units by its top-most members.
func rootsLabel(tree *access.Tree, units []int64) string {
	var names []string
	below := false
	for _, u := range units {
		if slices.Contains(units, tree.Parent(u)) {
			below = true
			continue
		}
		names = append(names, tree.Name(u))
	}
	label := strings.Join(names, "、")
	if below {
		label += "（含下级单位）"
	}
	return label
}
