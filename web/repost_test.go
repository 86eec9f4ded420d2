package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/repost"
	"github.com/tongfa/tongfa/store"
)

// robotInbox is a group robot's webhook that keeps what it is sent.
type robotInbox struct {
	mu   sync.Mutex
	msgs []string
}

func (h *harness) robot(unit int64) *robotInbox {
	h.t.Helper()
	in := &robotInbox{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		json.NewDecoder(r.Body).Decode(&body) //nolint:errcheck
		in.mu.Lock()
		in.msgs = append(in.msgs, body.Markdown.Content)
		in.mu.Unlock()
		w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`)) //nolint:errcheck
	}))
	h.t.Cleanup(srv.Close)
	ctx := context.Background()
	if err := h.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateRobotWebhook(ctx, &store.RobotWebhook{UnitID: unit, Kind: "wecom", URL: srv.URL}, nil)
	}); err != nil {
		h.t.Fatal(err)
	}
	return in
}

// published creates an item as who and marks it published (sign-off and
// delivery are tested elsewhere).
func (h *harness) published(who, title string) int64 {
	h.t.Helper()
	ctx := context.Background()
	it := h.createItem(who, itemBody(title))
	if err := h.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: tongfa.StatePublished,
			Tier: tongfa.TierRoutine})
	}); err != nil {
		h.t.Fatal(err)
	}
	return it.ID
}

// movableClock makes the store's clock the real one plus an offset the
// returned function moves forward.
func (h *harness) movableClock() func(time.Duration) {
	var offset atomic.Int64
	h.db.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	return func(d time.Duration) { offset.Add(int64(d)) }
}

// with returns the messages containing s.
func (r *robotInbox) with(s string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.msgs {
		if strings.Contains(m, s) {
			out = append(out, m)
		}
	}
	return out
}

// TestRepostTask is issue 20's repost task: the city designates its
// published item for ten accounts under three bureaus (four named, the
// others by their units); each bureau gets one prepared reprint, attributed
// to the city; seven accounts send it in time, one late, two never. The
// completion table, the overdue alert and the quarter's report say
// exactly that; nobody outside the city's subtree is reached or sees it.
func TestRepostTask(t *testing.T) {
	h := setup(t)
	ctx := context.Background()
	advance := h.movableClock()
	h.hub.Notify.Wait = func(f func()) { f() }
	cityRobot, robotB := h.robot(h.city.ID), h.robot(h.unitB.ID)
	h.addUser("cityeditor", h.city.ID, tongfa.RoleEditor)

	platforms := []tongfa.Platform{tongfa.PlatformWeChat, tongfa.PlatformWeibo, tongfa.PlatformApp, tongfa.PlatformWebsite}
	accounts := map[int64][]int64{}
	names := map[int64]string{}
	for unit, n := range map[*tongfa.Unit]int{h.unitA: 4, h.unitA1: 3, h.unitB: 3} {
		for _, p := range platforms[:n] {
			name := unit.Name + p.Label()
			id := h.account(unit.ID, p, name)
			accounts[unit.ID], names[id] = append(accounts[unit.ID], id), name
		}
	}
	outsider := h.account(h.unitC.ID, tongfa.PlatformWeChat, "邻市丙局微信")
	cityAccount := h.account(h.city.ID, tongfa.PlatformWebsite, "示范市政府网站")

	orig := h.published("cityeditor", "示范市召开全市优化营商环境大会")
	draft := h.createItem("cityeditor", itemBody("尚未发布的稿件"))
	h.delivered(orig, cityAccount, h.db.Now())

	deadline := h.db.Now().Add(4 * time.Hour).Truncate(time.Second)
	body := map[string]any{"item_id": orig, "account_ids": accounts[h.unitA.ID], "unit_ids": []int64{h.unitA1.ID, h.unitB.ID},
		"deadline": deadline, "note": "请各单位转发"}
	with := func(k string, v any) map[string]any {
		b := map[string]any{}
		for key, val := range body {
			b[key] = val
		}
		b[k] = v
		return b
	}
	for _, c := range []struct {
		who  string
		body map[string]any
		want int
	}{
		{"editor", body, 404},                                       // bureau A's editor cannot read the city's item
		{"cityreviewer", body, 403},                                 // not an editor
		{"cityeditor", with("account_ids", []int64{outsider}), 404}, // another city's account
		{"cityeditor", with("unit_ids", []int64{h.unitC.ID}), 404},
		{"cityeditor", with("item_id", draft.ID), 422},
		{"cityeditor", with("deadline", h.db.Now().Add(-time.Minute)), 422},
		{"cityeditor", with("surprise", 1), 422},
	} {
		if st := h.script(c.who).do("POST", "/api/v1/repost-tasks", c.body, nil); st != c.want {
			t.Errorf("as %s %v: %d, want %d", c.who, c.body, st, c.want)
		}
	}

	var task repost.Task
	if st := h.script("cityeditor").do("POST", "/api/v1/repost-tasks", body, &task); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if task.Summary != (repost.Summary{Accounts: 10, Pending: 10}) || task.UnitName != h.city.Name {
		t.Fatalf("new task %+v", task)
	}
	reprints := map[int64]int64{} // unit → its reprint
	for _, r := range task.Rows {
		if id, ok := reprints[r.UnitID]; ok && id != r.ReprintItemID {
			t.Errorf("two reprints for unit %d", r.UnitID)
		}
		reprints[r.UnitID] = r.ReprintItemID
	}
	if len(reprints) != 3 {
		t.Fatalf("reprints %v", reprints)
	}
	var it tongfa.Item
	if st := h.script("editor").do("GET", fmt.Sprintf("/api/v1/items/%d", reprints[h.unitA.ID]), nil, &it); st != 200 {
		t.Fatalf("bureau A reads its reprint: %d", st)
	}
	c := it.Version.Content
	if it.UnitID != h.unitA.ID || it.State != tongfa.StateDraft || c.Kind != tongfa.KindReprint || c.Source == nil ||
		c.Source.Unit != h.city.Name || c.Source.Title != "示范市召开全市优化营商环境大会" || c.Source.ReprintedAt == nil ||
		!strings.HasPrefix(c.Source.URL, "https://") || !slices.Equal(c.Targets, accounts[h.unitA.ID]) {
		t.Errorf("bureau A's reprint %+v, source %+v", it, c.Source)
	}
	if st := h.script("editorB").do("GET", fmt.Sprintf("/api/v1/items/%d", reprints[h.unitA.ID]), nil, nil); st != 404 {
		t.Errorf("bureau B reads bureau A's reprint: %d", st)
	}
	if got := robotB.with("转发任务"); len(got) != 1 || !strings.Contains(got[0], "示范市召开全市优化营商环境大会") {
		t.Errorf("bureau B's robot got %q", got)
	}

	// Seven accounts (bureau A's and its centre's) send in time.
	advance(time.Hour)
	for _, u := range []int64{h.unitA.ID, h.unitA1.ID} {
		for _, a := range accounts[u] {
			h.delivered(reprints[u], a, h.db.Now())
		}
	}
	late, never := accounts[h.unitB.ID][0], accounts[h.unitB.ID][1:]
	if n, err := h.hub.Reposts.Alert(ctx); err != nil || n != 0 {
		t.Fatalf("alerts before the deadline: %d, %v", n, err)
	}

	// The deadline passes with bureau B's three accounts overdue.
	advance(3*time.Hour + time.Minute)
	if n, err := h.hub.Reposts.Alert(ctx); err != nil || n != 3 {
		t.Fatalf("alerts after the deadline: %d, %v", n, err)
	}
	alerts := cityRobot.with("转发任务逾期提醒")
	if len(alerts) != 1 || !strings.Contains(alerts[0], "3 个账号尚未转发") {
		t.Fatalf("the city's alerts %q", alerts)
	}
	for id, name := range names {
		if overdue := slices.Contains(accounts[h.unitB.ID], id); strings.Contains(alerts[0], "「"+name+"」") != overdue {
			t.Errorf("the alert %s %s (overdue %v)", map[bool]string{true: "names", false: "omits"}[!overdue], name, overdue)
		}
	}
	if got := robotB.with("转发任务逾期提醒"); len(got) != 1 {
		t.Errorf("bureau B's alerts %q", got)
	}

	// One of them sends late; the alert is not repeated.
	advance(time.Hour)
	h.delivered(reprints[h.unitB.ID], late, h.db.Now())
	if n, err := h.hub.Reposts.Alert(ctx); err != nil || n != 0 || len(cityRobot.with("转发任务逾期提醒")) != 1 {
		t.Fatalf("alerted again: %d, %v", n, err)
	}

	var got repost.Task
	if st := h.script("cityauditor").do("GET", fmt.Sprintf("/api/v1/repost-tasks/%d", task.ID), nil, &got); st != 200 {
		t.Fatalf("get: %d", st)
	}
	if got.Summary != (repost.Summary{Accounts: 10, OnTime: 7, Late: 1, Overdue: 2}) {
		t.Errorf("summary %+v", got.Summary)
	}
	for _, r := range got.Rows {
		want := repost.OnTime
		switch {
		case r.AccountID == late:
			want = repost.Late
		case slices.Contains(never, r.AccountID):
			want = repost.Overdue
		}
		if r.Status != want || (r.DeliveredAt == nil) != (want == repost.Overdue) || r.AccountName != names[r.AccountID] {
			t.Errorf("%s: %s %v, want %s", r.AccountName, r.Status, r.DeliveredAt, want)
		}
	}
	for _, who := range []string{"editorC", "adminC"} {
		if st := h.script(who).do("GET", fmt.Sprintf("/api/v1/repost-tasks/%d", task.ID), nil, nil); st != 404 {
			t.Errorf("%s reads the city's task: %d", who, st)
		}
	}
	// The quarter's report counts the task by unit.
	d := deadline.In(time.FixedZone("CST", 8*3600))
	from := time.Date(d.Year(), (d.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	var rep struct {
		Reposts []reports.RepostRow `json:"reposts"`
	}
	if st := h.script("cityadmin").do("GET", "/api/v1/reports/quarter?from="+from, nil, &rep); st != 200 {
		t.Fatalf("report: %d", st)
	}
	row := func(name string, assigned, onTime, late, missed int) reports.RepostRow {
		return reports.RepostRow{UnitName: name, Assigned: assigned, OnTime: onTime, Late: late, Missed: missed,
			OnTimeRate: reports.Rate{Num: onTime, Den: assigned}}
	}
	want := []reports.RepostRow{row(h.unitA.Name, 4, 4, 0, 0), row(h.unitB.Name, 3, 0, 1, 2), row(h.unitA1.Name, 3, 3, 0, 0),
		row("合计", 10, 7, 1, 2)}
	want[0].UnitID, want[1].UnitID, want[2].UnitID = h.unitA.ID, h.unitB.ID, h.unitA1.ID
	if !slices.Equal(rep.Reposts, want) {
		t.Errorf("the report's reposts %+v, want %+v", rep.Reposts, want)
	}

	var list struct {
		Tasks []store.RepostTask `json:"tasks"`
	}
	if st := h.script("cityeditor").do("GET", "/api/v1/repost-tasks", nil, &list); st != 200 || len(list.Tasks) != 1 {
		t.Errorf("list: %d %+v", st, list)
	}
	if st := h.script("editorC").do("GET", "/api/v1/repost-tasks", nil, &list); st != 200 || len(list.Tasks) != 0 {
		t.Errorf("another city's list: %d %+v", st, list)
	}
}

// repostTask is a task of unit u's editor on a published item of u for
// u's app account.
func (f *fixture) repostTask(u *tongfa.Unit) int64 {
	f.t.Helper()
	in := repost.Input{ItemID: f.item(u, tongfa.StatePublished).ID, Accounts: []int64{f.app(u).ID}, Deadline: time.Now().Add(time.Hour)}
	t, err := f.h.hub.Reposts.Create(context.Background(), f.h.as(f.editorOf(u)), in)
	if err != nil {
		f.t.Fatal(err)
	}
	return t.ID
}
