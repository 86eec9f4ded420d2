package web_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

const (
	// The city's leaders: 李振华 was deputy mayor until he became mayor on
	// 2021-03-15.
	cityLeadersTSV = "# 姓名\t职务\t任职日期\t卸任日期\t排序\t状态\n" +
		"张建国\t市委书记\t2019-06-01\t\t1\tserving\n" +
		"李振华\t副市长\t2018-01-10\t2021-03-15\t9\tserving\n" +
		"李振华\t市长\t2021-03-15\t\t2\tserving\n"
	bureauLeadersTSV = "王海\t局长\t2020-01-01\t\t1\tserving\n"
)

// addAdmin gives unit an administrator with an API token.
func (h *harness) addAdmin(name string, unit int64) { h.addUser(name, unit, tongfa.RoleAdmin) }

// addUser gives unit a user with role and an API token.
func (h *harness) addUser(name string, unit int64, role tongfa.Role) {
	h.t.Helper()
	ctx := context.Background()
	hash, _ := auth.HashPassword(password, auth.TestParams)
	tok, th := auth.NewToken()
	err := h.db.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.CreateUser(ctx, store.NewUser{Username: name, UnitID: unit, PasswordHash: hash})
		if err == nil {
			err = tx.Grant(ctx, u.ID, unit, role)
		}
		if err == nil {
			h.users[name] = u
			err = tx.CreateToken(ctx, &store.Token{UserID: u.ID, Name: "test", ExpiresAt: time.Now().AddDate(1, 0, 0)}, th)
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.tokens[name] = tok
}

func leadersPath(unit int64) string { return fmt.Sprintf("/api/v1/units/%d/leaders", unit) }

// TestLeadersAPI: the city imports its table as JSON, bureau A its own as
// TSV; readers of bureau A see both merged, export the TSV, and a bad
// row is refused with its line; a rollback restores a version.
func TestLeadersAPI(t *testing.T) {
	h := setup(t)
	var ch registry.LeadersChange
	if st := h.script("cityadmin").do("PUT", leadersPath(h.city.ID), map[string]string{"content": cityLeadersTSV, "note": "市领导"}, &ch); st != 200 ||
		ch.Version.Version != 1 || len(ch.Changed) != 2 {
		t.Fatalf("city import: %d %+v", st, ch)
	}
	st, body, _ := h.script("admin").raw("PUT", leadersPath(h.unitA.ID)+"?note=%E5%B1%80%E9%A2%86%E5%AF%BC", "text/plain; charset=utf-8", []byte(bureauLeadersTSV))
	if st != 200 || !strings.Contains(string(body), `"note":"局领导"`) {
		t.Fatalf("bureau import as TSV: %d %s", st, body)
	}

	var table registry.LeaderTable
	if st := h.script("editor").do("GET", leadersPath(h.unitA.ID), nil, &table); st != 200 {
		t.Fatalf("read: %d", st)
	}
	if table.Version != 1 || table.Content != bureauLeadersTSV || len(table.Chain) != 2 || table.Chain[0].UnitID != h.city.ID ||
		len(table.Leaders.Persons) != 1 || len(table.Effective.Persons) != 3 || table.Effective.Persons[2].Name != "王海" {
		t.Errorf("bureau A's table: %+v", table)
	}
	st, body, hdr := h.script("editor").raw("GET", leadersPath(h.unitA.ID)+"?format=tsv", "", nil)
	if st != 200 || string(body) != bureauLeadersTSV || !strings.HasPrefix(hdr.Get("Content-Type"), "text/tab-separated-values") ||
		!strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
		t.Errorf("export: %d %q %v", st, body, hdr)
	}
	parsed, err := sensitive.ParseLeaders("export", bytes.NewReader(body))
	if err != nil || len(parsed.Persons) != 1 {
		t.Errorf("the export does not parse back: %v", err)
	}
	if st, body, _ := h.script("editor").raw("GET", leadersPath(h.unitB.ID)+"?format=tsv", "", nil); st != 404 {
		t.Errorf("export of a sibling unit: %d %s", st, body)
	}
	var e apiError
	if st := h.script("editor").do("GET", leadersPath(h.unitA.ID)+"?format=xml", nil, &e); st != 400 || e.Error.Fields["format"] == "" {
		t.Errorf("unknown format: %d %+v", st, e)
	}

	bad := []byte(bureauLeadersTSV + "钱进\t副局长\t2021-02-30\t\t2\tserving\n")
	st, body, _ = h.script("admin").raw("PUT", leadersPath(h.unitA.ID), "text/plain", bad)
	if st != 422 || !strings.Contains(string(body), "领导名单第 2 行有误") || !strings.Contains(string(body), "任职日期「2021-02-30」无效") {
		t.Errorf("bad row: %d %s", st, body)
	}
	if st, _, _ := h.script("admin").raw("PUT", leadersPath(h.unitA.ID), "application/xml", bad); st != 415 {
		t.Errorf("an XML body: %d", st)
	}

	if st := h.script("admin").do("PUT", leadersPath(h.unitA.ID), map[string]string{"content": bureauLeadersTSV + "赵敏\t副局长\t2021-01-01\t\t2\tserving\n"}, &ch); st != 200 ||
		ch.Version.Version != 2 || strings.Join(ch.Changed, "") != "赵敏" {
		t.Fatalf("second version: %d %+v", st, ch)
	}
	if st := h.script("admin").do("POST", leadersPath(h.unitA.ID)+"/rollback", map[string]int{"version": 1}, &ch); st != 200 || ch.Version.Version != 1 {
		t.Fatalf("rollback: %d %+v", st, ch)
	}
	if st := h.script("admin").do("POST", leadersPath(h.unitA.ID)+"/rollback", map[string]int{"version": 9}, &e); st != 404 {
		t.Errorf("rollback to a version that does not exist: %d %+v", st, e)
	}
	h.script("editor").do("GET", leadersPath(h.unitA.ID), nil, &table)
	if table.Version != 1 || len(table.Versions) != 2 || len(table.Effective.Persons) != 3 {
		t.Errorf("after the rollback: version %d of %d, %d leaders", table.Version, len(table.Versions), len(table.Effective.Persons))
	}
}

// TestLeadersOutsideTheUnit: beyond the roles of TestAuthorizationMatrix,
// a sibling bureau's administrator, another city's, the system
// administrator and the editor of a unit below may not read bureau A's
// table: not found (or, for roles that change no table, forbidden); the
// bureau's administrator may not change the city's.
func TestLeadersOutsideTheUnit(t *testing.T) {
	h := setup(t)
	h.addAdmin("adminB", h.unitB.ID)
	if st := h.script("admin").do("PUT", leadersPath(h.unitA.ID), map[string]string{"content": bureauLeadersTSV}, nil); st != 200 {
		t.Fatalf("first version: %d", st)
	}
	put := map[string]string{"content": bureauLeadersTSV}
	for _, c := range []struct {
		who, method, path string
		body              any
		want              int
	}{
		{"adminB", "GET", leadersPath(h.unitA.ID), nil, 404},
		{"adminB", "PUT", leadersPath(h.unitA.ID), put, 404},
		{"adminB", "POST", leadersPath(h.unitA.ID) + "/rollback", map[string]int{"version": 1}, 404},
		{"adminC", "GET", leadersPath(h.unitA.ID), nil, 404},
		{"adminC", "PUT", leadersPath(h.unitA.ID), put, 404},
		{"sysadmin", "GET", leadersPath(h.unitA.ID), nil, 404},
		{"sysadmin", "PUT", leadersPath(h.unitA.ID), put, 403},
		{"editorA1", "GET", leadersPath(h.unitA.ID), nil, 404},
		{"admin", "PUT", leadersPath(h.city.ID), put, 404},
		{"cityadmin", "GET", leadersPath(999999), nil, 404},
	} {
		if st := h.script(c.who).do(c.method, c.path, c.body, nil); st != c.want {
			t.Errorf("%s %s as %s: %d, want %d", c.method, c.path, c.who, st, c.want)
		}
	}
}

type checkReport struct {
	Findings []sensitive.Finding `json:"findings"`
	Blocked  bool                `json:"blocked"`
}

func leaderFindings(fs []sensitive.Finding) []sensitive.Finding {
	var out []sensitive.Finding
	for _, f := range fs {
		if f.Kind == sensitive.KindLeader {
			out = append(out, f)
		}
	}
	return out
}

// TestEveryCheckUsesTheUnitsLeaders: POST /check (the caller's unit or one
// they may read, as of a date), saving and submitting an item (as of its
// event time) and checking an answer all judge leaders by the unit's
// effective table.
func TestEveryCheckUsesTheUnitsLeaders(t *testing.T) {
	h := setup(t)
	ctx := context.Background()
	if st := h.script("cityadmin").do("PUT", leadersPath(h.city.ID), map[string]string{"content": cityLeadersTSV}, nil); st != 200 {
		t.Fatalf("city import: %d", st)
	}
	editor := h.script("editor")
	var rep checkReport
	if st := editor.do("POST", "/api/v1/check", map[string]any{"text": "市长张建国出席会议。"}, &rep); st != 200 || !rep.Blocked {
		t.Fatalf("check: %d %+v", st, rep)
	}
	if fs := leaderFindings(rep.Findings); len(fs) != 1 || fs[0].Category != sensitive.LeaderTitle || fs[0].Replacement != "市委书记张建国" {
		t.Errorf("the wrong title: %+v", fs)
	}
	for date, n := range map[string]int{"2020-05-01": 1, "2022-05-01": 0} {
		editor.do("POST", "/api/v1/check", map[string]any{"text": "市长李振华出席会议。", "date": date}, &rep)
		if got := len(leaderFindings(rep.Findings)); got != n {
			t.Errorf("市长李振华 on %s: %d leader findings, want %d: %+v", date, got, n, rep.Findings)
		}
	}
	var e apiError
	if st := editor.do("POST", "/api/v1/check", map[string]any{"text": "市长李振华", "date": "2020-13-01"}, &e); st != 422 || e.Error.Fields["date"] == "" {
		t.Errorf("a bad date: %d %+v", st, e)
	}
	if st := editor.do("POST", "/api/v1/check", map[string]any{"text": "市长张建国", "unit_id": h.unitB.ID}, &e); st != 404 {
		t.Errorf("checking for a sibling unit: %d %+v", st, e)
	}
	if st := h.script("cityadmin").do("POST", "/api/v1/check", map[string]any{"text": "市长张建国", "unit_id": h.unitB.ID}, &rep); st != 200 || len(leaderFindings(rep.Findings)) != 1 {
		t.Errorf("the city's administrator checking for bureau B (the city's table applies): %d %+v", st, rep)
	}
	if st := h.script("editorC").do("POST", "/api/v1/check", map[string]any{"text": "市长张建国出席会议。"}, &rep); st != 200 || len(leaderFindings(rep.Findings)) != 0 {
		t.Errorf("another city's editor: %d %+v", st, rep)
	}

	var saved struct {
		ID    int64       `json:"id"`
		Check items.Check `json:"check"`
	}
	body := itemBody("市长张建国出席全市安全生产会议")
	if st := editor.do("POST", "/api/v1/items", body, &saved); st != 201 || !saved.Check.Blocked || saved.Check.Findings[0].Field != "title" ||
		saved.Check.Findings[0].Kind != sensitive.KindLeader {
		t.Fatalf("save: %d %+v", st, saved.Check)
	}
	if st := editor.do("POST", fmt.Sprintf("/api/v1/items/%d/submit", saved.ID), nil, &e); st != 422 || e.Error.Code != tongfa.EBlocked {
		t.Errorf("submitting a wrong title: %d %+v", st, e)
	}
	// An urgent item is judged on its event time: before 李振华 became mayor
	// the title is wrong, after it is right.
	for at, blocked := range map[string]bool{"2020-05-01T09:00:00+08:00": true, "2022-05-01T09:00:00+08:00": false} {
		b := archived("市长李振华赴防汛一线检查")
		b["urgency"], b["event_time"] = "urgent", at
		created := h.createItem("editor", b)
		st := editor.do("POST", fmt.Sprintf("/api/v1/items/%d/submit", created.ID), nil, &e)
		if blocked != (st == 422) {
			t.Errorf("event on %s: submit %d %+v, want blocked %v", at, st, e, blocked)
		}
	}

	acc := &tongfa.Account{UnitID: h.unitA.ID, Platform: tongfa.PlatformWebsite, Name: "甲局网站", APIBase: "http://127.0.0.1:9"}
	if err := h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, acc, nil) }); err != nil {
		t.Fatal(err)
	}
	ms, err := h.hub.Inbox.Ingest(ctx, []inbox.Incoming{{Account: acc, Kind: "message", PlatformMsgID: "88", Author: "visitor",
		Body: "建议市里多建停车场", At: time.Now()}})
	if err != nil || len(ms) != 1 {
		t.Fatalf("ingest: %v %v", ms, err)
	}
	var ans inbox.AnswerCheck
	path := fmt.Sprintf("/api/v1/inbox/%d/answers/check", ms[0].ID)
	if st := editor.do("POST", path, map[string]any{"text": "感谢您的建议，市长张建国已批示办理。"}, &ans); st != 200 || !ans.Blocked ||
		len(leaderFindings(ans.Findings)) != 1 {
		t.Errorf("an answer with a wrong title: %d %+v", st, ans)
	}
}
