package web_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tongfa/tongfa/reports/reportstest"
)

// visit is one console page as one user, and what shows it is ready.
type visit struct{ who, path, ready string }

// seedEveryPage gives each console page something to show: an item in
// review with two versions, one approved and waiting to be sent, messages
// with a composer and with an answer, a pending account request and the
// report quarter. It returns the visits that reach every page.
func seedEveryPage(t *testing.T, h *harness) []visit {
	t.Helper()
	targets := registerAccounts(t, h)
	review := inReview(t, h, "关于进一步做好全市安全生产工作的通知")
	body := itemBody("突发事件情况通报")
	body["targets"], body["urgency"] = targets, "urgent"
	body["importance"] = "important"
	sending := h.createItem("editor", body)
	submitAndSign(t, h, sending)
	sign := map[string]any{"version_hash": sending.Version.Hash, "decision": "approve", "password": password}
	if st := h.login("deputy").do("POST", "/api/v1/items/"+itoa(sending.ID)+"/signoffs", sign, nil); st != 201 {
		t.Fatalf("deputy signs: %d", st) // approved; no worker runs, so the deliveries wait and the page polls
	}
	seed := seedInbox(t, h)
	draftAnswer(t, h, "editor", seed.complaint.ID, map[string]any{"text": "您好，已转物业管理部门办理，请保持电话畅通。"})
	account := targets[1] // the Weibo account
	if st := h.script("admin").do("POST", "/api/v1/accounts/"+itoa(account)+"/requests",
		map[string]any{"kind": "close", "account": map[string]any{"platform": "weibo", "name": "示范甲局微博"}, "reason": "账号整合，不再单独运营"}, nil); st != 202 {
		t.Fatalf("request: %d", st)
	}
	q := reportstest.SeedQuarter(t, h.db, &h.city.ID)

	item, msg := "/items/"+itoa(review.ID), "/inbox/"+itoa(seed.overdue.ID)
	return []visit{
		{"", "/login", "#username"},
		{"editor", "/", "#dash"},
		{"editor", "/compose", "#editor"},
		{"editor", item, "#item-state"},
		{"editor", item + "/edit", "#editor"},
		{"editor", "/items", "table"},
		{"editor", "/inbox", "table.inbox"},
		{"editor", msg, "#answer-form"},
		{"editor", "/inbox/" + itoa(seed.complaint.ID), "#answers"},
		{"editor", "/items/999999", ".errorbox"},
		{"reviewer", "/reviews", "article.review"},
		{"deputy", "/delegations", "#delegate-form-0"},
		{"admin", "/items/" + itoa(sending.ID), `#deliveries form[data-api$="/abandon"]`},
		{"admin", "/admin/accounts", "table"},
		{"admin", "/admin/accounts/" + itoa(account) + "/change", "#change-form"},
		{"admin", "/admin/users", "table"},
		{"admin", "/admin/users/" + itoa(h.users["editor"].ID), "#grants"},
		{"admin", "/admin/dictionaries", "h1"},
		{"admin", "/admin/policies", "#policy-tier"},
		{"admin", "/admin/holidays", "#calendar-years"},
		{"admin", "/admin/audit?verify=1", "table"},
		{"cityadmin", "/admin/requests", "form.decide"},
		{"cityadmin", "/reports?kind=quarter&from=2026-01-01&unit=" + itoa(q.City), "table.report"},
	}
}

// TestBrowserPagesFit opens every console page the harness reaches on a
// leader's phone (390×844) and on a desktop (1280 wide), and fails when
// anything sticks out sideways (tab.fits: report tables scroll inside
// their .scroll region, nothing else may) or axe finds a serious problem
// (issue 22, point 14).
func TestBrowserPagesFit(t *testing.T) {
	h := setupConsole(t)
	visits := seedEveryPage(t, h)
	for _, screen := range screens {
		t.Run(screen.name, func(t *testing.T) {
			tb := newTab(t, h.ts.URL, screen.width, screen.height, screen.mobile)
			tb.expect("/items/999999")
			tb.walk(visits, func(i int, v visit) {
				tb.audit(pageName(i, v))
				tb.laidOut(v.path)
			})
		})
	}
}

// walk opens each visit's page as its user, logging in and out as the
// user changes, waits until it is ready and calls check.
func (tb *tab) walk(visits []visit, check func(i int, v visit)) {
	tb.t.Helper()
	who := ""
	for i, v := range visits {
		if v.who != who {
			if who != "" {
				tb.logout()
			}
			if who = v.who; who != "" {
				tb.login(who)
			}
		}
		tb.open(v.path)
		tb.waitFor(v.path, fmt.Sprintf("document.querySelector(%q)", v.ready))
		check(i, v)
	}
}

// layoutProbe finds two phone faults issue 22 reported: a filter's label
// on another line than its field (the label left at the end of a line),
// and a cell of a stacked table that does not name its column (a bare
// "1" under the previous row's values).
const layoutProbe = `(() => {
	const out = [];
	for (const label of document.querySelectorAll(".filters label[for]")) {
		const field = document.getElementById(label.htmlFor);
		const l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
		if (l.bottom <= f.top || f.bottom <= l.top) out.push("label " + label.htmlFor + " is not on its field's line");
	}
	for (const table of document.querySelectorAll("table.table")) {
		const head = table.querySelector("thead");
		if (!head || getComputedStyle(head).display !== "none") continue;
		for (const td of table.querySelectorAll("td")) {
			const c = getComputedStyle(td, "::before").content;
			if (td.offsetParent && (c === "none" || c === '""')) out.push("a cell of table " + (table.id || table.className) + " shows no column name: " + td.textContent.trim().slice(0, 20));
		}
	}
	return JSON.stringify(out);
})()`

// laidOut fails on what layoutProbe finds.
func (tb *tab) laidOut(page string) {
	tb.t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(tb.text(layoutProbe)), &out); err != nil {
		tb.t.Fatal(err)
	}
	for _, o := range out {
		tb.t.Errorf("%s: %s", page, o)
	}
}

// pageName names a visit's screenshot: its order, user and path.
func pageName(i int, v visit) string {
	name := []byte(v.who + v.path)
	for j, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			name[j] = '-'
		}
	}
	return itoa(int64(i+1)) + "-" + string(name)
}
