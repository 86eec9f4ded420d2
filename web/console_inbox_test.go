package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/web/console"
)

// inboxSeed is what seedInbox stored in bureau A.
type inboxSeed struct {
	account            *tongfa.Account
	overdue, complaint tongfa.Message // overdue error report; complaint due in 20 working days
	atRisk             tongfa.Message // due in 5 hours
}

// personalID is in the overdue message: handlers see it, others see it
// masked.
const (
	personalID       = "11010519491231002X"
	personalIDMasked = "110105********002X"
)

// seedInbox registers bureau A's website and stores three messages: an
// error report received a month ago (overdue), a complaint received now
// (classified by the keyword 投诉), and one due within 24 hours. The last
// is inserted with an explicit deadline, since a deadline computed in
// working days from now may not fall within 24 hours on a weekend.
func seedInbox(t *testing.T, h *harness) inboxSeed {
	t.Helper()
	ctx := context.Background()
	acc := &tongfa.Account{UnitID: h.unitA.ID, Platform: tongfa.PlatformWebsite, Name: "甲局门户网站", APIBase: "http://127.0.0.1:9"}
	creds, _ := json.Marshal(map[string]string{"api_key": "k", "webhook_secret": "hook-secret"})
	err := h.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAccount(ctx, acc, func(id int64) ([]byte, error) { return h.hub.Box.Seal(creds, connectors.AccountAAD(id)), nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ms, err := h.hub.Inbox.Ingest(ctx, []inbox.Incoming{
		{Account: acc, Kind: "error_report", PlatformMsgID: "w-1", Author: "visitor-1",
			Body: "办事指南页面的咨询电话有误，我的身份证号" + personalID + "，请核实。", At: now.AddDate(0, -1, 0)},
		{Account: acc, Kind: "comment", PlatformMsgID: "w-2", Author: "visitor-2",
			Body: "我要投诉小区物业乱停车的问题。", At: now},
	})
	if err != nil || len(ms) != 2 {
		t.Fatalf("ingest: %v %v", ms, err)
	}
	risk, err := h.db.InsertMessages(ctx, []tongfa.Message{{AccountID: acc.ID, UnitID: acc.UnitID, Platform: string(acc.Platform),
		Kind: "comment", PlatformMsgID: "w-3", Author: "visitor-3", Body: "请问办理居住证需要哪些材料？", ReceivedAt: now.Add(-48 * time.Hour),
		Class: "谏言咨询", ClassRule: "关键词「请问」", Deadline: now.Add(5 * time.Hour)}})
	if err != nil || len(risk) != 1 {
		t.Fatalf("insert the message at risk: %v %v", risk, err)
	}
	return inboxSeed{account: acc, overdue: ms[0], complaint: ms[1], atRisk: risk[0]}
}

// TestConsoleInboxPages opens the inbox and a message as an editor, a
// deputy, an auditor and another bureau's editor: filters, the rule that
// classified each message, deadline highlights, the actions each may take,
// masked text for those who do not handle messages, and the dashboard block.
func TestConsoleInboxPages(t *testing.T) {
	h := setupConsole(t)
	seed := seedInbox(t, h)
	msgPath := func(m tongfa.Message) string { return "/inbox/" + itoa(m.ID) }
	must := func(who, path, body string, want []string, not []string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %s lacks %q", who, path, w)
			}
		}
		for _, w := range not {
			if strings.Contains(body, w) {
				t.Errorf("%s %s shows %q", who, path, w)
			}
		}
	}
	get := func(p *page, who, path string) string {
		t.Helper()
		st, body, _ := p.get(path)
		if st != 200 || strings.Contains(body, "错误代码") {
			t.Fatalf("%s %s: %d %s", who, path, st, body)
		}
		return body
	}

	editor := h.visitor(t)
	editor.login("editor")
	body := get(editor, "editor", "/inbox")
	must("editor", "/inbox", body, []string{`href="/inbox" aria-current="page">留言</a>`, "关键词「投诉」", "消息类型「网站找错」",
		"申诉求助", "网站找错", "政府网站 · 甲局门户网站", "已超时", "临近时限", `class="row-overdue"`, `class="row-at-risk"`,
		`href="` + msgPath(seed.overdue) + `"`, `href="` + msgPath(seed.complaint) + `"`, `href="` + msgPath(seed.atRisk) + `"`}, nil)
	path := "/inbox?state=new&class=" + "%E7%94%B3%E8%AF%89%E6%B1%82%E5%8A%A9" // 申诉求助
	body = get(editor, "editor", path)
	must("editor", path, body, []string{msgPath(seed.complaint) + `"`, `<option value="申诉求助" selected>`, `<option value="new" selected>`},
		[]string{msgPath(seed.overdue) + `"`, msgPath(seed.atRisk) + `"`})
	body = get(editor, "editor", "/inbox?due_within_hours=24")
	must("editor", "/inbox?due_within_hours=24", body, []string{msgPath(seed.overdue) + `"`, msgPath(seed.atRisk) + `"`},
		[]string{msgPath(seed.complaint) + `"`})
	if st, body, _ := editor.get("/inbox?due_within_hours=abc"); st != 422 || !strings.Contains(body, "错误代码：validation_failed") {
		t.Errorf("bad due_within_hours: %d %s", st, body)
	}
	body = get(editor, "editor", msgPath(seed.overdue))
	must("editor", msgPath(seed.overdue), body, []string{personalID, "留言人：visitor-1", "已超时",
		`data-api="/api/v1/inbox/` + itoa(seed.overdue.ID) + `/class"`, `data-api="/api/v1/inbox/` + itoa(seed.overdue.ID) + `/assign"`,
		`data-api="/api/v1/inbox/` + itoa(seed.overdue.ID) + `/close"`, `<option value="网站找错" selected>`,
		`<option value="` + itoa(h.users["deputy"].ID) + `" >deputy</option>`},
		[]string{personalIDMasked, "/extend", `<option value="` + itoa(h.users["editorB"].ID) + `"`, "个人信息已脱敏显示"})
	body = get(editor, "editor", "/")
	must("editor", "/", body, []string{`id="dash-inbox"`, msgPath(seed.overdue) + `"`, msgPath(seed.atRisk) + `"`},
		[]string{msgPath(seed.complaint) + `"`})

	deputy := h.visitor(t)
	deputy.login("deputy")
	body = get(deputy, "deputy", msgPath(seed.overdue))
	must("deputy", msgPath(seed.overdue), body, []string{`data-api="/api/v1/inbox/` + itoa(seed.overdue.ID) + `/extend"`,
		`<option value="10">10 个工作日</option>`, personalIDMasked, "个人信息已脱敏"},
		[]string{personalID, "/class\"", "/assign\"", "/close\"", "visitor-1"})
	get(deputy, "deputy", "/inbox?state=new")
	must("deputy", "/", get(deputy, "deputy", "/"), []string{msgPath(seed.overdue) + `"`}, nil)

	auditor := h.visitor(t)
	auditor.login("auditor")
	must("auditor", "/inbox", get(auditor, "auditor", "/inbox"), []string{">留言</a>", msgPath(seed.overdue) + `"`}, []string{personalID})
	body = get(auditor, "auditor", msgPath(seed.overdue))
	must("auditor", msgPath(seed.overdue), body, []string{personalIDMasked, "个人信息已脱敏"},
		[]string{personalID, `data-api="/api/v1/inbox`, "visitor-1"})

	other := h.visitor(t)
	other.login("editorB")
	if st, body, _ := other.get(msgPath(seed.overdue)); st != 404 || !strings.Contains(body, "错误代码：not_found") {
		t.Errorf("another bureau's editor on the message: %d", st)
	}
	must("editorB", "/inbox", get(other, "editorB", "/inbox"), []string{"没有符合条件的留言"}, []string{msgPath(seed.overdue) + `"`})

	// After the deputy's extension the page shows the new deadline and why.
	if st := h.script("deputy").do("POST", "/api/v1/inbox/"+itoa(seed.complaint.ID)+"/extend", map[string]any{"days": 5, "reason": "需会同住建部门核实"}, nil); st != 200 {
		t.Fatalf("extend: %d", st)
	}
	m, err := h.db.Message(context.Background(), seed.complaint.ID)
	if err != nil {
		t.Fatal(err)
	}
	body = get(editor, "editor", msgPath(seed.complaint))
	must("editor", msgPath(seed.complaint), body, []string{m.Deadline.In(console.China).Format("2006-01-02 15:04"),
		"延期 5 个工作日，deputy（分管领导）批准：需会同住建部门核实"}, nil)
	must("deputy", msgPath(seed.complaint), get(deputy, "deputy", msgPath(seed.complaint)), nil, []string{"/extend\""})
}

// TestConsoleInboxFilters: the list's "all open" state and its deadline
// filters (overdue, at risk, due today), in the console and the API.
func TestConsoleInboxFilters(t *testing.T) {
	h := setupConsole(t)
	seed := seedInbox(t, h)
	ctx := context.Background()
	now := time.Now()
	midnight := time.Date(now.In(console.China).Year(), now.In(console.China).Month(), now.In(console.China).Day()+1, 0, 0, 0, 0, console.China)
	acc := seed.account
	extra, err := h.db.InsertMessages(ctx, []tongfa.Message{
		{AccountID: acc.ID, UnitID: acc.UnitID, Platform: string(acc.Platform), Kind: "comment", PlatformMsgID: "w-4", Body: "今天到期的留言",
			ReceivedAt: now.Add(-time.Hour), Class: "谏言咨询", ClassRule: "默认", Deadline: now.Add(midnight.Sub(now) / 2)},
		{AccountID: acc.ID, UnitID: acc.UnitID, Platform: string(acc.Platform), Kind: "comment", PlatformMsgID: "w-5", Body: "已关闭的留言",
			ReceivedAt: now.AddDate(0, -1, 0), Class: "谏言咨询", ClassRule: "默认", Deadline: now.Add(-time.Hour)},
	})
	if err != nil || len(extra) != 2 {
		t.Fatalf("insert: %v %v", extra, err)
	}
	today, closed := extra[0], extra[1]
	editor := h.script("editor")
	if st := editor.do("POST", "/api/v1/inbox/"+itoa(closed.ID)+"/close", map[string]any{"reason": "重复留言"}, nil); st != 200 {
		t.Fatalf("close: %d", st)
	}
	if st := editor.do("POST", "/api/v1/inbox/"+itoa(seed.complaint.ID)+"/assign", map[string]any{"user_id": h.users["reviewer"].ID}, nil); st != 200 {
		t.Fatalf("assign: %d", st)
	}
	atRiskToday := seed.atRisk.Deadline.Before(midnight)
	all := []tongfa.Message{seed.overdue, seed.complaint, seed.atRisk, today, closed}
	cases := map[string][]tongfa.Message{
		"state=open":                      {seed.overdue, seed.complaint, seed.atRisk, today},
		"state=closed":                    {closed},
		"due=overdue":                     {seed.overdue},
		"due=at_risk":                     {seed.atRisk, today},
		"due=today":                       {today},
		"state=assigned&due=today":        nil,
		"state=closed&due=overdue":        nil,
		"due=at_risk&due_within_hours=24": {seed.atRisk, today},
	}
	if atRiskToday {
		cases["due=today"] = append(cases["due=today"], seed.atRisk)
	}
	c := h.consoleAs(t, "editor")
	for query, want := range cases {
		body := c.open("/inbox?" + query)
		var got apiList
		if st := editor.do("GET", "/api/v1/inbox?"+query, nil, &got); st != 200 || len(got.Messages) != len(want) {
			t.Errorf("API %s: %d, %d messages, want %d", query, st, len(got.Messages), len(want))
		}
		for _, m := range all {
			listed := strings.Contains(body, `href="/inbox/`+itoa(m.ID)+`"`)
			if listed != slices.ContainsFunc(want, func(w tongfa.Message) bool { return w.ID == m.ID }) {
				t.Errorf("/inbox?%s lists message %d (%s): %v", query, m.ID, m.Body, listed)
			}
		}
	}
	mustShow(t, "/inbox?state=open&due=at_risk", c.open("/inbox?state=open&due=at_risk"), []string{`<option value="open" selected>`,
		`<option value="at_risk" selected>`}, nil)
	if st, body, _ := c.get("/inbox?due=soon"); st != 422 || !strings.Contains(body, "错误代码：validation_failed") {
		t.Errorf("unknown due filter: %d", st)
	}
}

type apiList struct {
	Messages []struct {
		ID int64 `json:"id"`
	} `json:"messages"`
}

// TestDashboardInboxMostPressing: with more overdue messages than the
// dashboard lists, it lists the most overdue, counts all of them and says
// the list is cut.
func TestDashboardInboxMostPressing(t *testing.T) {
	h := setupConsole(t)
	seed := seedInbox(t, h)
	now := time.Now()
	var ms []tongfa.Message
	for n := range 55 {
		ms = append(ms, tongfa.Message{AccountID: seed.account.ID, UnitID: seed.account.UnitID, Platform: string(seed.account.Platform),
			Kind: "comment", PlatformMsgID: fmt.Sprintf("backlog-%d", n), Author: "visitor", Body: fmt.Sprintf("积压留言第%d条", n),
			ReceivedAt: now.AddDate(0, 0, -60), Class: "谏言咨询", ClassRule: "默认", Deadline: now.Add(-time.Duration(n+1) * time.Hour)})
	}
	backlog, err := h.db.InsertMessages(context.Background(), ms)
	if err != nil || len(backlog) != 55 {
		t.Fatalf("insert: %d %v", len(backlog), err)
	}
	slices.SortFunc(backlog, func(a, b tongfa.Message) int { return a.Deadline.Compare(b.Deadline) }) // most overdue first
	// Due: the 55, the seed's overdue one (a month old, the most overdue)
	// and the one at risk; the complaint's deadline is days away.
	total := 57
	msgPath := func(m tongfa.Message) string { return "/inbox/" + itoa(m.ID) }
	editor := h.visitor(t)
	editor.login("editor")
	st, body, _ := editor.get("/")
	if st != 200 {
		t.Fatalf("dashboard: %d", st)
	}
	dash := body[strings.Index(body, `id="dash-inbox"`):]
	dash = dash[:strings.Index(dash, "</section>")]
	mustShow(t, "the dashboard's inbox", dash, []string{fmt.Sprintf(`<span class="count">%d</span>`, total),
		fmt.Sprintf(`id="inbox-more">仅列出时限最早的 50 条，共 %d 条。`, total),
		msgPath(seed.overdue) + `"`, msgPath(backlog[0]) + `"`, msgPath(backlog[48]) + `"`},
		[]string{msgPath(backlog[49]) + `"`, msgPath(backlog[54]) + `"`, msgPath(seed.atRisk) + `"`, msgPath(seed.complaint) + `"`})
	if n := strings.Count(dash, `<a href="/inbox/`); n != 50 {
		t.Fatalf("%d messages listed, want 50", n)
	}
}
