package access

import (
	"slices"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
)

func target(id, unit int64, name string, status tongfa.AccountStatus, granted bool) tongfa.Target {
	return tongfa.Target{Account: tongfa.Account{ID: id, UnitID: unit, Name: name, Status: status}, Granted: granted}
}

func TestCheckTargets(t *testing.T) {
	found := []tongfa.Target{
		target(1, 2, "甲局微信", tongfa.AccountActive, false),
		target(2, 3, "乙局微博", tongfa.AccountActive, false),
		target(3, 1, "市政府网站", tongfa.AccountActive, true),
		target(4, 2, "甲局旧网站", tongfa.AccountClosed, false),
		target(5, 2, "甲局抖音", tongfa.AccountSuspended, false),
	}
	for _, c := range []struct {
		name string
		ids  []int64
		want []string // substrings of the error; none: allowed
	}{
		{"own", []int64{1}, nil},
		{"own and granted", []int64{1, 3, 3}, nil},
		{"none", nil, nil},
		{"sibling", []int64{1, 2}, []string{"「乙局微博」属于其他单位"}},
		{"unknown", []int64{99}, []string{"账号 99 不存在"}},
		{"closed and suspended", []int64{4, 5}, []string{"「甲局旧网站」已注销", "「甲局抖音」已暂停"}},
	} {
		err := CheckTargets(2, c.ids, found)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if tongfa.ErrorCode(err) != tongfa.EInvalid {
			t.Errorf("%s: %v, want validation_failed", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(tongfa.ErrorMessage(err), w) {
				t.Errorf("%s: %q lacks %q", c.name, tongfa.ErrorMessage(err), w)
			}
		}
	}
	if got := CoSigners(2, found); !slices.Equal(got, []int64{1}) {
		t.Errorf("co-signers %v, want the granting city", got)
	}
}

func TestSysAdminIsOnATopUnitAndReadsNoContent(t *testing.T) {
	tr := tree()
	sys := user(tongfa.Grant{UnitID: 1, Role: tongfa.RoleSysAdmin})
	if !tr.IsSysAdmin(sys) || tr.CanRead(sys, 1) || tr.CanRead(sys, 2) || tr.Readable(sys) == nil || len(tr.Readable(sys)) != 0 {
		t.Fatal("a system administrator owns the installation's settings, not the units' content")
	}
	if tr.IsSysAdmin(user(tongfa.Grant{UnitID: 2, Role: tongfa.RoleSysAdmin})) {
		t.Fatal("the role counts on a top unit only")
	}
}
