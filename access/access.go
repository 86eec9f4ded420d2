// Package access decides who may see and do what, from role grants and the
// unit tree. It is pure: callers load the tree and the user.
package access

import (
	"slices"

	"github.com/tongfa/tongfa"
)

// Tree is the unit hierarchy: supervising units above host units.
type Tree struct {
	parent   map[int64]int64 // 0 for a top-level unit
	children map[int64][]int64
	names    map[int64]string
}

// NewTree builds a tree from every unit.
func NewTree(units []tongfa.Unit) *Tree {
	t := &Tree{parent: map[int64]int64{}, children: map[int64][]int64{}, names: map[int64]string{}}
	for _, u := range units {
		var p int64
		if u.ParentID != nil {
			p = *u.ParentID
		}
		t.parent[u.ID] = p
		t.children[p] = append(t.children[p], u.ID)
		t.names[u.ID] = u.Name
	}
	return t
}

// Name returns a unit's name.
func (t *Tree) Name(id int64) string { return t.names[id] }

// Parent returns a unit's supervising unit, or 0.
func (t *Tree) Parent(id int64) int64 { return t.parent[id] }

// Subtree returns id and every unit below it.
func (t *Tree) Subtree(id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		out = append(out, t.children[out[i]]...)
	}
	return out
}

// covers reports whether a grant in unit g reaches unit u: the same unit,
// or, for roles that oversee, a unit below it.
func (t *Tree) covers(g tongfa.Grant, u int64) bool {
	if g.UnitID == u {
		return true
	}
	if g.Role == tongfa.RoleEditor {
		return false // editors work in their own unit only
	}
	for p := t.parent[u]; p != 0; p = t.parent[p] {
		if p == g.UnitID {
			return true
		}
	}
	return false
}

// CanRead reports whether u may see content of unit.
func (t *Tree) CanRead(u *tongfa.User, unit int64) bool {
	for _, g := range u.Grants {
		if t.covers(g, unit) {
			return true
		}
	}
	return false
}

// Has reports whether u holds role in unit or, for overseeing roles, in a
// unit above it.
func (t *Tree) Has(u *tongfa.User, unit int64, role tongfa.Role) bool {
	for _, g := range u.Grants {
		if g.Role == role && t.covers(g, unit) {
			return true
		}
	}
	return false
}

// Readable returns every unit u may see, sorted.
func (t *Tree) Readable(u *tongfa.User) []int64 {
	var out []int64
	for _, g := range u.Grants {
		if g.Role == tongfa.RoleEditor {
			out = append(out, g.UnitID)
			continue
		}
		out = append(out, t.Subtree(g.UnitID)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// WithRole returns every unit where u holds role (overseeing roles reach the
// units below), sorted.
func (t *Tree) WithRole(u *tongfa.User, role tongfa.Role) []int64 {
	var out []int64
	for _, g := range u.Grants {
		if g.Role != role {
			continue
		}
		if role == tongfa.RoleEditor {
			out = append(out, g.UnitID)
		} else {
			out = append(out, t.Subtree(g.UnitID)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// IsTopAdmin reports whether u administers a top-level (supervising) unit.
func (t *Tree) IsTopAdmin(u *tongfa.User) bool {
	for _, g := range u.Grants {
		if (g.Role == tongfa.RoleAdmin || g.Role == tongfa.RoleAuditor) && t.parent[g.UnitID] == 0 {
			return true
		}
	}
	return false
}

// Principal is a user acting through the API, with the unit tree their
// rights are judged against and the address they came from (for audit).
type Principal struct {
	User *tongfa.User
	Tree *Tree
	IP   string
}
