package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/store"
)

// TestAccountLifecycle: a bureau's admin asks to open an account, the
// supervising office approves, the filing clock starts; a change and a
// closure go the same way.
func TestAccountLifecycle(t *testing.T) {
	h := setup(t)
	open := map[string]any{"platform": "weibo", "name": "甲局发布", "responsible": "钱副局长",
		"managers": []map[string]string{{"name": "王编辑", "phone": "0392-1234567"}}, "platform_ref": "https://weibo.com/jiaju"}
	var pending struct {
		Request struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		} `json:"request"`
	}
	if st := h.script("admin").do("POST", "/api/v1/accounts", open, &pending); st != 202 || pending.Request.State != "pending" {
		t.Fatalf("request: %d %+v", st, pending)
	}
	rid := pending.Request.ID
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/account-requests/%d/approve", rid), map[string]string{}, nil); st != 403 {
		t.Fatalf("the requester's own admin approving: %d", st)
	}
	var approved struct {
		Account struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		} `json:"account"`
	}
	if st := h.script("cityadmin").do("POST", fmt.Sprintf("/api/v1/account-requests/%d/approve", rid), map[string]string{"comment": "同意"}, &approved); st != 200 || approved.Account.Status != "active" {
		t.Fatalf("approve: %d %+v", st, approved)
	}
	var reqs struct {
		Requests []struct {
			State          string  `json:"state"`
			FilingDeadline *string `json:"filing_deadline"`
		} `json:"requests"`
	}
	h.script("admin").do("GET", "/api/v1/account-requests", nil, &reqs)
	if len(reqs.Requests) != 1 || reqs.Requests[0].FilingDeadline == nil {
		t.Fatalf("no filing deadline: %+v", reqs)
	}
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/account-requests/%d/filed", rid), nil, nil); st != 204 {
		t.Fatalf("filed: %d", st)
	}
	id := approved.Account.ID
	change := map[string]any{"kind": "change", "reason": "更名", "account": map[string]any{"platform": "weibo", "name": "甲局微发布"}}
	var cr struct {
		Request struct{ ID int64 } `json:"request"`
	}
	h.script("admin").do("POST", fmt.Sprintf("/api/v1/accounts/%d/requests", id), change, &cr)
	h.script("cityadmin").do("POST", fmt.Sprintf("/api/v1/account-requests/%d/approve", cr.Request.ID), map[string]string{}, nil)
	a, _ := h.db.Account(context.Background(), id)
	if a.Name != "甲局微发布" {
		t.Fatalf("change not applied: %s", a.Name)
	}
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/accounts/%d/requests", id), map[string]any{"kind": "close", "reason": "整合"}, &cr); st != 202 {
		t.Fatalf("a closure needs only a reason: %d", st)
	}
	h.script("cityadmin").do("POST", fmt.Sprintf("/api/v1/account-requests/%d/reject", cr.Request.ID), map[string]string{"comment": "暂缓"}, nil)
	if a, _ := h.db.Account(context.Background(), id); a.Status != "active" {
		t.Fatalf("a rejected closure closed the account: %s", a.Status)
	}
}

// TestOneAccountPerPlatform: a second Weibo account of a unit is refused
// unless an administrator records why.
func TestOneAccountPerPlatform(t *testing.T) {
	h := setup(t)
	body := map[string]any{"unit_id": h.unitA.ID, "platform": "weibo", "name": "甲局发布"}
	if st := h.script("cityadmin").do("POST", "/api/v1/accounts", body, nil); st != 201 {
		t.Fatalf("first: %d", st)
	}
	var e apiError
	if st := h.script("cityadmin").do("POST", "/api/v1/accounts", body, &e); st != 409 || !strings.Contains(e.Error.Message, "只开设一个账号") {
		t.Fatalf("second: %d %+v", st, e)
	}
	body["exception_reason"] = "应急专用账号，经市政府办批准"
	body["name"] = "甲局应急发布"
	if st := h.script("cityadmin").do("POST", "/api/v1/accounts", body, nil); st != 201 {
		t.Fatalf("with exception: %d", st)
	}
	var inc struct {
		Inconsistencies []struct {
			UnitID int64 `json:"unit_id"`
		} `json:"inconsistencies"`
	}
	h.script("cityadmin").do("GET", "/api/v1/accounts/consistency", nil, &inc)
	if len(inc.Inconsistencies) != 1 || inc.Inconsistencies[0].UnitID != h.unitA.ID {
		t.Fatalf("name inconsistency not flagged: %+v", inc)
	}
}

// TestDisablingRevokesAtOnce: sessions and tokens stop working in the same
// request, and the accounts the user administered are listed for rotation.
func TestDisablingRevokesAtOnce(t *testing.T) {
	h := setup(t)
	h.script("cityadmin").do("POST", "/api/v1/accounts", map[string]any{"unit_id": h.unitA.ID, "platform": "app", "name": "甲局App"}, nil)
	browser := h.login("admin")
	script := h.script("admin")
	var out struct {
		Sessions  int   `json:"sessions_revoked"`
		Tokens    int64 `json:"tokens_revoked"`
		Checklist []struct {
			Name string `json:"name"`
		} `json:"rotate_credentials"`
	}
	if st := h.script("cityadmin").do("POST", fmt.Sprintf("/api/v1/users/%d/disable", h.users["admin"].ID), map[string]string{"reason": "调离"}, &out); st != 200 {
		t.Fatalf("disable: %d", st)
	}
	if out.Sessions != 1 || out.Tokens != 1 || len(out.Checklist) != 1 || out.Checklist[0].Name != "甲局App" {
		t.Fatalf("disable result %+v", out)
	}
	if st := browser.do("GET", "/api/v1/me", nil, nil); st != 401 {
		t.Fatalf("session after disable: %d", st)
	}
	if st := script.do("GET", "/api/v1/me", nil, nil); st != 401 {
		t.Fatalf("token after disable: %d", st)
	}
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/users/%d/disable", h.users["reviewer"].ID), map[string]string{"reason": "x"}, nil); st != 403 {
		t.Fatalf("an editor disabling: %d", st)
	}
}

func TestRoleChangesAreAudited(t *testing.T) {
	h := setup(t)
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/users/%d/roles", h.users["editor"].ID),
		map[string]any{"unit_id": h.unitA.ID, "role": "reviewer", "grant": true}, nil); st != 204 {
		t.Fatalf("grant: %d", st)
	}
	u, _ := h.db.User(context.Background(), h.users["editor"].ID)
	if !u.HasRole(h.unitA.ID, "reviewer") {
		t.Fatal("role not granted")
	}
	rows, _ := h.db.ListAudit(context.Background(), store.AuditFilter{Action: "user.role"})
	if len(rows) != 1 {
		t.Fatalf("%d role audit rows", len(rows))
	}
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/users/%d/roles", h.users["reviewer"].ID),
		map[string]any{"unit_id": h.unitA.ID, "role": "admin", "grant": true}, nil); st != 403 {
		t.Fatalf("an editor granting roles: %d", st)
	}
}

// TestDictionaryVersions: an upload takes effect at once, a rollback too.
func TestDictionaryVersions(t *testing.T) {
	h := setup(t)
	check := func() bool {
		var rep struct {
			Findings []struct{ Rule string } `json:"findings"`
		}
		h.script("editor").do("POST", "/api/v1/check", map[string]string{"text": "本市严禁出现测试禁词甲"}, &rep)
		for _, f := range rep.Findings {
			if f.Rule == "测试禁词甲" {
				return true
			}
		}
		return false
	}
	if check() {
		t.Fatal("the word is found before it is loaded")
	}
	post := func(content string) int {
		return h.script("sysadmin").do("POST", "/api/v1/dictionaries", map[string]string{"name": "office", "content": content, "note": "t"}, nil)
	}
	if st := post("测试禁词甲\tcustom\tblock\n"); st != 200 {
		t.Fatalf("upload: %d", st)
	}
	if !check() {
		t.Fatal("uploaded word not found")
	}
	post("另一个词\tcustom\tblock\n")
	if check() {
		t.Fatal("version 2 should replace version 1")
	}
	if st := h.script("sysadmin").do("POST", "/api/v1/dictionaries/office/rollback", map[string]int{"version": 1}, nil); st != 200 {
		t.Fatalf("rollback: %d", st)
	}
	if !check() {
		t.Fatal("rollback to version 1 did not restore the word")
	}
	var e apiError
	if st := h.script("sysadmin").do("POST", "/api/v1/dictionaries", map[string]string{"name": "office", "content": "词\tspam\tblock\n"}, &e); st != 422 {
		t.Fatalf("bad dictionary: %d %+v", st, e)
	}
	if st := h.script("admin").do("POST", "/api/v1/dictionaries", map[string]string{"name": "x", "content": ""}, nil); st != 403 {
		t.Fatalf("a bureau admin changing dictionaries: %d", st)
	}
}

func TestPolicyVersions(t *testing.T) {
	h := setup(t)
	path := fmt.Sprintf("/api/v1/units/%d/policies/tier", h.unitA.ID)
	if st := h.script("admin").do("PUT", path, map[string]string{"content": "strict: true\n"}, nil); st != 200 {
		t.Fatalf("set: %d", st)
	}
	id, _ := h.submitted("editor", "routine")
	var sub struct {
		Chain []string `json:"chain"`
	}
	h.script("editor").do("GET", fmt.Sprintf("/api/v1/items/%d", id), nil, nil)
	if st := h.script("admin").do("PUT", path, map[string]string{"content": "strikt: true\n"}, nil); st != 422 {
		t.Fatalf("bad policy: %d", st)
	}
	if st := h.script("admin").do("PUT", path, map[string]int{"version": 1}, &sub); st != 200 {
		t.Fatalf("rollback: %d", st)
	}
	p, _ := h.db.UnitPolicy(context.Background(), h.unitA.ID)
	if p != "strict: true\n" {
		t.Fatalf("current policy %q", p)
	}
}
