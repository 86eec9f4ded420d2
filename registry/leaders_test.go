package registry_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
)

const (
	cityLeaders = "# 市领导\n张建国\t市委书记\t2019-06-01\t\t1\tserving\n李振华\t市长\t2021-03-15\t\t2\tserving\n"
	hostLeaders = "王海\t局长\t2020-01-01\t\t1\tserving\n赵敏\t副局长\t2020-01-01\t\t2\tserving\n"
)

// tree adds to the office a unit below the host (sub), a second city with
// its own bureau (sibling tree), an administrator of that city, and an
// editor of the host, and gives the service its leaders tables.
type tree struct {
	*office
	sub, other             *tongfa.Unit
	otherAdmin, hostEditor *tongfa.User
	tables                 *registry.LeaderTables
}

func newTree(t *testing.T) *tree {
	t.Helper()
	ctx := context.Background()
	tr := &tree{office: newOffice(t)}
	err := tr.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if tr.sub, err = tx.CreateUnit(ctx, "示范市甲局下属中心", &tr.host.ID); err != nil {
			return err
		}
		if tr.other, err = tx.CreateUnit(ctx, "邻市人民政府办公室", nil); err != nil {
			return err
		}
		user := staffer(ctx, tx, &err)
		tr.otherAdmin = user("otheradmin", tr.other.ID, tongfa.RoleAdmin)
		tr.hostEditor = user("hosteditor", tr.host.ID, tongfa.RoleEditor)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tr.tables = &registry.LeaderTables{DB: tr.db, Log: log}
	tr.svc.Leaders, tr.svc.Log = tr.tables, log
	return tr
}

func (tr *tree) set(t *testing.T, as *tongfa.User, unit int64, content string) *registry.LeadersChange {
	t.Helper()
	ch, err := tr.svc.SetLeaders(context.Background(), tr.as(t, as), unit, content, "测试")
	if err != nil {
		t.Fatalf("set leaders of unit %d as %s: %v", unit, as.Username, err)
	}
	return ch
}

func names(t *testing.T, tr *tree, unit int64) []string {
	t.Helper()
	l, err := tr.tables.Effective(context.Background(), unit)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	if l != nil {
		for _, p := range l.Persons {
			out = append(out, p.Name)
		}
	}
	return out
}

// TestLeadersVersionsAndInheritance: a table is stored as versions, one
// active; a unit's effective table is its supervising units' (first) and
// its own, merged, and applies down the tree but not to another city;
// rollback makes an earlier version active again.
func TestLeadersVersionsAndInheritance(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	if got := names(t, tr, tr.host.ID); len(got) != 0 {
		t.Fatalf("before any table the host has %v", got)
	}
	v1 := tr.set(t, tr.cityAdmin, tr.city.ID, cityLeaders)
	if v1.Version.Version != 1 || v1.Patrol != nil {
		t.Fatalf("first city version %+v", v1)
	}
	tr.set(t, tr.hostAdmin, tr.host.ID, hostLeaders)
	want := map[int64]string{
		tr.city.ID:  "张建国 李振华",
		tr.host.ID:  "张建国 李振华 王海 赵敏",
		tr.sub.ID:   "张建国 李振华 王海 赵敏", // inherited, no table of its own
		tr.other.ID: "",
	}
	for unit, w := range want {
		if got := strings.Join(names(t, tr, unit), " "); got != w {
			t.Errorf("unit %d: effective leaders %q, want %q", unit, got, w)
		}
	}
	host, _ := tr.tables.Effective(ctx, tr.host.ID)
	sub, _ := tr.tables.Effective(ctx, tr.sub.ID)
	if host != sub {
		t.Error("the host and the unit below it, with the same tables, got two values: the checker would compile both")
	}

	v2 := tr.set(t, tr.cityAdmin, tr.city.ID, cityLeaders+"孙丽\t副市长\t2021-06-01\t\t9\tserving\n")
	if v2.Version.Version != 2 || strings.Join(v2.Changed, " ") != "孙丽" {
		t.Fatalf("second city version %d changed %v, want 2 changing 孙丽", v2.Version.Version, v2.Changed)
	}
	if got := strings.Join(names(t, tr, tr.sub.ID), " "); got != "张建国 李振华 孙丽 王海 赵敏" {
		t.Errorf("after the city's change the unit below the host has %q", got)
	}
	if after, _ := tr.tables.Effective(ctx, tr.host.ID); after == host {
		t.Error("the host's effective table did not change with the city's")
	}
	cityOnly, _ := tr.tables.Effective(ctx, tr.city.ID)
	back, err := tr.svc.RollbackLeaders(ctx, tr.as(t, tr.cityAdmin), tr.city.ID, 1)
	if err != nil || back.Version.Version != 1 || strings.Join(back.Changed, " ") != "孙丽" {
		t.Fatalf("rollback to 1: %+v, %v", back, err)
	}
	if got := strings.Join(names(t, tr, tr.host.ID), " "); got != "张建国 李振华 王海 赵敏" {
		t.Errorf("after the rollback the host has %q", got)
	}
	if again, _ := tr.tables.Effective(ctx, tr.city.ID); again == cityOnly {
		t.Error("the rolled back city table is the dropped version's value")
	}

	view, err := tr.svc.LeaderTable(ctx, tr.as(t, tr.hostEditor), tr.host.ID)
	if err != nil {
		t.Fatal(err)
	}
	if view.Version != 1 || view.Content != hostLeaders || len(view.Chain) != 2 || view.Chain[0].UnitID != tr.city.ID ||
		len(view.Effective.Persons) != 4 || len(view.Versions) != 1 {
		t.Errorf("the host's table as its editor reads it: %+v", view)
	}
	cityView, _ := tr.svc.LeaderTable(ctx, tr.as(t, tr.cityAdmin), tr.city.ID)
	if len(cityView.Versions) != 2 || !cityView.Versions[1].Active || cityView.Versions[1].Version != 1 {
		t.Errorf("city versions %+v, want 2 with the first active", cityView.Versions)
	}
	var audits int
	tr.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'leaders.activate'`).Scan(&audits) //nolint:errcheck
	if audits != 4 {
		t.Errorf("%d audit rows, want one per change (4)", audits)
	}
}

// TestLeadersAuthorization: administrators of the unit or above change
// it; a reader who is not an administrator is forbidden; to anyone who
// may not read the unit (another city's administrator, the administrator
// of a unit below) it is not found, to read or to change.
func TestLeadersAuthorization(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	var subAdmin *tongfa.User
	err := tr.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		subAdmin = staffer(ctx, tx, &err)("subadmin", tr.sub.ID, tongfa.RoleAdmin)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		who       *tongfa.User
		unit      int64
		read, set string // error codes, "" for allowed
	}{
		{"the unit's administrator", tr.hostAdmin, tr.host.ID, "", ""},
		{"the supervising unit's administrator", tr.cityAdmin, tr.host.ID, "", ""},
		{"an administrator above, two levels", tr.cityAdmin, tr.sub.ID, "", ""},
		{"the unit's editor", tr.hostEditor, tr.host.ID, "", tongfa.EForbidden},
		{"another city's administrator", tr.otherAdmin, tr.host.ID, tongfa.ENotFound, tongfa.ENotFound},
		{"the administrator of a unit below", subAdmin, tr.host.ID, tongfa.ENotFound, tongfa.ENotFound},
		{"a system administrator (installation-wide, no unit content)", tr.sysAdmin, tr.host.ID, tongfa.ENotFound, tongfa.ENotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := tr.as(t, c.who)
			_, err := tr.svc.LeaderTable(ctx, p, c.unit)
			if tongfa.ErrorCode(err) != c.read {
				t.Errorf("read: %v, want %q", err, c.read)
			}
			_, err = tr.svc.SetLeaders(ctx, p, c.unit, hostLeaders, "")
			if tongfa.ErrorCode(err) != c.set {
				t.Errorf("set: %v, want %q", err, c.set)
			}
			_, err = tr.svc.RollbackLeaders(ctx, p, c.unit, 1)
			if want := c.set; tongfa.ErrorCode(err) != want && !(want == "" && err == nil) {
				t.Errorf("rollback: %v, want %q", err, want)
			}
		})
	}
}

// TestLeadersRefusesABadRow names the line in Chinese and stores nothing.
func TestLeadersRefusesABadRow(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	_, err := tr.svc.SetLeaders(ctx, tr.as(t, tr.hostAdmin), tr.host.ID, hostLeaders+"钱进\t副局长\t2020-13-01\t\t3\tserving\n", "")
	var e *tongfa.Error
	if !errors.As(err, &e) || e.Code != tongfa.EInvalid || !strings.Contains(e.Message, "第 3 行") ||
		!strings.Contains(e.Message, "任职日期「2020-13-01」无效") || !strings.Contains(e.Fields["content"], "第 3 行") {
		t.Fatalf("bad row: %v", err)
	}
	if _, err := tr.db.ActiveConfig(ctx, registry.KindLeaders, strconv.FormatInt(tr.host.ID, 10)); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("a refused table was stored: %v", err)
	}
}
