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

// Exists reports whether id is a unit.
func (t *Tree) Exists(id int64) bool {
	_, ok := t.parent[id]
	return ok
}

// Root returns the top unit above id (id itself for a top unit).
func (t *Tree) Root(id int64) int64 {
	for t.parent[id] != 0 {
		id = t.parent[id]
	}
	return id
}

// Within reports whether unit u is top or below it.
func (t *Tree) Within(u, top int64) bool {
	for ; u != 0; u = t.parent[u] {
		if u == top {
			return true
		}
	}
	return false
}

// covers reports whether a grant in unit g reaches unit u: the same unit,
// or, for roles that oversee, a unit below it. A system administrator's
// grant reaches no unit's content: it is for what is installation-wide.
func (t *Tree) covers(g tongfa.Grant, u int64) bool {
	if g.Role == tongfa.RoleSysAdmin {
		return false
	}
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

// Readable returns every unit u may see, sorted; never nil, so that a
// store query taking nil for "every unit" cannot widen an empty scope (a
// system administrator's, or a user's without grants) to everything.
func (t *Tree) Readable(u *tongfa.User) []int64 {
	out := []int64{}
	for _, g := range u.Grants {
		switch g.Role {
		case tongfa.RoleSysAdmin:
		case tongfa.RoleEditor:
			out = append(out, g.UnitID)
		default:
			out = append(out, t.Subtree(g.UnitID)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// WithRole returns every unit where u holds role (overseeing roles reach the
// units below), sorted; never nil, like Readable.
func (t *Tree) WithRole(u *tongfa.User, role tongfa.Role) []int64 {
	out := []int64{}
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

// IsSysAdmin reports whether u is a system administrator: the role held on
// a top unit.
func (t *Tree) IsSysAdmin(u *tongfa.User) bool {
	for _, g := range u.Grants {
		if g.Role == tongfa.RoleSysAdmin && t.Exists(g.UnitID) && t.parent[g.UnitID] == 0 {
			return true
		}
	}
	return false
}

// Administers reports whether u administers unit: an admin of the unit or
// of a unit above it.
func (t *Tree) Administers(u *tongfa.User, unit int64) bool { return t.Has(u, unit, tongfa.RoleAdmin) }

// AuditUnits are the units whose audit rows u reads: where u administers
// or audits, and the units below; never nil.
func (t *Tree) AuditUnits(u *tongfa.User) []int64 {
	out := append(t.WithRole(u, tongfa.RoleAdmin), t.WithRole(u, tongfa.RoleAuditor)...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Principal is a user acting through the API, with the unit tree their
// rights are judged against and the address they came from (for audit).
type Principal struct {
	User *tongfa.User
	Tree *Tree
	IP   string
	// Session is the console session the request came with ("" for an
	// API token): a recent password confirmation in it covers step-up.
	Session string
}
