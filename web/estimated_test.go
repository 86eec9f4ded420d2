package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// TestEstimatedDeadlines (issue 22): on 5 December 2026, with no 2027
// notice imported, a complaint due in January is marked 按法定节日估算 in
// the API and the console, /readyz says in a sentence which notice is
// missing, and the holidays page lists the holidays the estimate rests on.
func TestEstimatedDeadlines(t *testing.T) {
	h := setupConsole(t)
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, workday.Location())
	h.db.Now = func() time.Time { return now }
	acc := &tongfa.Account{UnitID: h.unitA.ID, Platform: tongfa.PlatformWebsite, Name: "甲局门户网站", APIBase: "http://127.0.0.1:9"}
	ctx := context.Background()
	if err := h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, acc, nil) }); err != nil {
		t.Fatal(err)
	}
	ms, err := h.hub.Inbox.Ingest(ctx, []inbox.Incoming{{Account: acc, Kind: "comment", PlatformMsgID: "ny", Author: "v",
		Body: "我要投诉小区物业乱收费。", At: now.Add(-24 * time.Hour)}})
	if err != nil || len(ms) != 1 {
		t.Fatalf("ingest: %v %v", ms, err)
	}

	var list struct {
		Messages []struct {
			Deadline  time.Time `json:"deadline"`
			Estimated bool      `json:"deadline_estimated"`
		} `json:"messages"`
	}
	if st := h.script("editor").do("GET", "/api/v1/inbox", nil, &list); st != 200 || len(list.Messages) != 1 ||
		!list.Messages[0].Estimated || !list.Messages[0].Deadline.Equal(time.Date(2027, 1, 4, 10, 0, 0, 0, workday.Location())) {
		t.Fatalf("inbox API: %d %+v", st, list)
	}
	editor := h.visitor(t)
	editor.login("editor")
	for _, path := range []string{"/inbox", "/inbox/" + itoa(ms[0].ID)} {
		if st, body, _ := editor.get(path); st != 200 || !strings.Contains(body, `2027-01-04 10:00 <span class="badge estimated"`) ||
			!strings.Contains(body, ">按法定节日估算</span>") {
			t.Errorf("%s: %d lacks the mark\n%s", path, st, body)
		}
	}

	var ready struct{ Warnings []string }
	h.script("editor").do("GET", "/readyz", nil, &ready)
	if len(ready.Warnings) != 1 || !strings.HasPrefix(ready.Warnings[0], "2027 年的国务院放假通知尚未导入，期限按法定节日估算") {
		t.Errorf("readyz warnings %q", ready.Warnings)
	}
	admin := h.visitor(t)
	admin.login("cityadmin")
	if st, body, _ := admin.get("/admin/holidays"); st != 200 ||
		!strings.Contains(body, "2027 年的国务院放假通知尚未导入，期限按法定节日估算") ||
		!strings.Contains(body, "2027 年估算的法定节日：01-01 元旦、02-05 春节、02-06 春节、02-07 春节、02-08 春节、04-05 清明节") {
		t.Errorf("holidays page: %d\n%s", st, body)
	}
}
