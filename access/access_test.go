package access

import (
	"slices"
	"testing"

	"github.com/tongfa/tongfa"
)

func tree() *Tree {
	city := int64(1)
	return NewTree([]tongfa.Unit{{ID: 1, Name: "市政府办"}, {ID: 2, Name: "甲局", ParentID: &city}, {ID: 3, Name: "乙局", ParentID: &city}})
}

func user(grants ...tongfa.Grant) *tongfa.User { return &tongfa.User{ID: 9, Grants: grants} }

func TestEditorsStayInTheirUnit(t *testing.T) {
	tr := tree()
	ed := user(tongfa.Grant{UnitID: 2, Role: tongfa.RoleEditor})
	if !tr.CanRead(ed, 2) || tr.CanRead(ed, 3) || tr.CanRead(ed, 1) {
		t.Fatal("editor of 甲局 must read only 甲局")
	}
	cityEditor := user(tongfa.Grant{UnitID: 1, Role: tongfa.RoleEditor})
	if tr.CanRead(cityEditor, 2) {
		t.Fatal("an editor of the supervising unit must not read a host unit's drafts")
	}
}

func TestSupervisingAdminSeesAll(t *testing.T) {
	tr := tree()
	admin := user(tongfa.Grant{UnitID: 1, Role: tongfa.RoleAdmin})
	if got := tr.Readable(admin); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("readable %v", got)
	}
	if tr.IsSysAdmin(admin) || !tr.Has(admin, 3, tongfa.RoleAdmin) {
		t.Fatal("supervising admin administers every unit below, and is not a system administrator")
	}
	local := user(tongfa.Grant{UnitID: 2, Role: tongfa.RoleAdmin})
	if tr.Has(local, 3, tongfa.RoleAdmin) || tr.Has(local, 1, tongfa.RoleAdmin) {
		t.Fatal("a host unit's admin administers only their unit")
	}
}

func TestWithRole(t *testing.T) {
	tr := tree()
	u := user(tongfa.Grant{UnitID: 2, Role: tongfa.RoleEditor}, tongfa.Grant{UnitID: 1, Role: tongfa.RoleReviewer})
	if got := tr.WithRole(u, tongfa.RoleEditor); !slices.Equal(got, []int64{2}) {
		t.Fatalf("editor units %v", got)
	}
	if got := tr.WithRole(u, tongfa.RoleReviewer); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("reviewer units %v", got)
	}
	// An empty scope is empty, never nil (which store queries read as
	// every unit).
	if tr.WithRole(u, tongfa.RoleAdmin) == nil || tr.AuditUnits(u) == nil {
		t.Fatal("a role held nowhere gives a nil scope")
	}
}
