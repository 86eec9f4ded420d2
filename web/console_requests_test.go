package web_test

import (
	"context"
	"testing"
)

// accountFor registers an active account of unit as the supervising
// office's administrator and returns its id.
func accountFor(t *testing.T, h *harness, unit int64, name string) int64 {
	t.Helper()
	body := map[string]any{"unit_id": unit, "platform": "weibo", "name": name, "responsible": "钱副局长",
		"managers": []map[string]string{{"name": "王编辑", "phone": "0392-1234567"}}, "settings": map[string]string{"column": "要闻"}}
	var out struct {
		ID int64 `json:"id"`
	}
	if st := h.script("cityadmin").do("POST", "/api/v1/accounts", body, &out); st != 201 {
		t.Fatalf("register %s: %d", name, st)
	}
	return out.ID
}

// TestConsoleAccountRequestForms: a bureau's administrator asks to change
// and to close an account from the console; the supervising office
// approves one and rejects the other; the bureau records the filing. The
// change keeps what the form does not show (managers, settings).
func TestConsoleAccountRequestForms(t *testing.T) {
	h := setupConsole(t)
	id := accountFor(t, h, h.unitA.ID, "甲局发布")
	other := accountFor(t, h, h.unitB.ID, "乙局发布")
	change, api := "/admin/accounts/"+itoa(id)+"/change", "/api/v1/accounts/"+itoa(id)+"/requests"
	admin := h.consoleAs(t, "admin")
	mustShow(t, "accounts", admin.open("/admin/accounts"), []string{`href="` + change + `"`}, []string{"/admin/accounts/" + itoa(other) + "/change"})
	mustShow(t, "change page", admin.open(change), []string{`id="change-form" data-api="` + api + `"`, `id="close-form" data-api="` + api + `"`,
		`name="account.managers" data-type="json" value="[{&#34;name&#34;:&#34;王编辑&#34;,&#34;phone&#34;:&#34;0392-1234567&#34;}]"`,
		`name="account.settings" data-type="json" value="{&#34;column&#34;:&#34;要闻&#34;}"`, "account.credentials.access_token"}, nil)

	// What console.js sends for the change form, then a closure.
	account := map[string]any{"unit_id": h.unitA.ID, "platform": "weibo", "name": "甲局微发布", "responsible": "钱副局长",
		"managers": []map[string]string{{"name": "王编辑", "phone": "0392-1234567"}}, "settings": map[string]string{"column": "要闻"}}
	e := admin.expect("POST", api, map[string]any{"kind": "change", "account": map[string]any{"unit_id": h.unitA.ID, "platform": "weibo"}, "reason": "更名"}, 422, "validation_failed")
	if e.Error.Fields["account.name"] == "" {
		t.Errorf("no field error for the name: %+v", e)
	}
	admin.expect("POST", api, map[string]any{"kind": "change", "account": account, "reason": "更名"}, 202, "")
	admin.expect("POST", api, map[string]any{"kind": "close"}, 422, "validation_failed")
	admin.expect("POST", api, map[string]any{"kind": "close", "account": map[string]any{"platform": "weibo", "name": "甲局发布"}, "reason": "整合"}, 202, "")

	ids := requestsOf(t, h) // the opening the registration recorded, then ours
	closeID, changeID := ids[0], ids[1]
	filed := func(id int64) string { return `data-api="/api/v1/account-requests/` + itoa(id) + `/filed"` }
	body := admin.open("/admin/requests")
	mustShow(t, "requests as the bureau", body, []string{"开设 · 甲局发布", "变更 · 甲局微发布", "注销 · 甲局发布", "待审批", "更名", "整合",
		filed(ids[2])}, []string{"/approve\"", "/reject\"", filed(changeID), filed(closeID)})
	admin.expect("POST", "/api/v1/account-requests/"+itoa(changeID)+"/approve", map[string]any{}, 403, "forbidden")

	city := h.consoleAs(t, "cityadmin")
	mustShow(t, "requests as the supervising office", city.open("/admin/requests"), []string{
		`data-api="/api/v1/account-requests/` + itoa(changeID) + `/approve"`, `data-api="/api/v1/account-requests/` + itoa(changeID) + `/reject"`}, nil)
	city.expect("POST", "/api/v1/account-requests/"+itoa(changeID)+"/approve", map[string]any{"comment": "同意更名"}, 200, "")
	city.expect("POST", "/api/v1/account-requests/"+itoa(closeID)+"/reject", map[string]any{"comment": "暂缓注销"}, 200, "")
	city.expect("POST", "/api/v1/account-requests/"+itoa(closeID)+"/approve", map[string]any{}, 409, "invalid_state")
	a, err := h.db.Account(context.Background(), id)
	if err != nil || a.Name != "甲局微发布" || a.Status != "active" || len(a.Managers) != 1 || a.Settings["column"] != "要闻" {
		t.Fatalf("the approved change: %+v %v", a, err)
	}

	body = admin.open("/admin/requests")
	mustShow(t, "requests after the decisions", body, []string{"已批准", "同意更名", "已驳回", "暂缓注销", "期限", filed(changeID)},
		[]string{filed(closeID)})
	admin.expect("POST", "/api/v1/account-requests/"+itoa(changeID)+"/filed", map[string]any{}, 204, "")
	admin.expect("POST", "/api/v1/account-requests/"+itoa(changeID)+"/filed", map[string]any{}, 409, "invalid_state")
	mustShow(t, "requests after the filing", admin.open("/admin/requests"), []string{"已备案"}, []string{filed(changeID)})

	auditor := h.consoleAs(t, "auditor")
	mustShow(t, "requests as auditor", auditor.open("/admin/requests"), []string{"变更 · 甲局微发布"}, []string{"data-api="})
	auditor.refused(change, 403, "forbidden")
	admin.refused("/admin/accounts/"+itoa(other)+"/change", 404, "not_found")
	h.consoleAs(t, "editor").refused("/admin/requests", 403, "forbidden")
	h.consoleAs(t, "editor").expect("POST", api, map[string]any{"kind": "close", "reason": "x"}, 403, "forbidden")
}

// requestsOf lists bureau A's account request ids, newest first.
func requestsOf(t *testing.T, h *harness) []int64 {
	t.Helper()
	var out struct {
		Requests []struct {
			ID int64 `json:"id"`
		} `json:"requests"`
	}
	if st := h.script("admin").do("GET", "/api/v1/account-requests", nil, &out); st != 200 || len(out.Requests) != 3 {
		t.Fatalf("account requests: %d %+v", st, out)
	}
	var ids []int64
	for _, q := range out.Requests {
		ids = append(ids, q.ID)
	}
	return ids
}
