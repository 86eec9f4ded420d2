package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/repost"
)

// TestBrowserRepostTask opens the repost task list and a task's completion
// table on a phone and a desktop: one account sent in time, two are
// overdue; axe-clean, nothing wider than the screen.
func TestBrowserRepostTask(t *testing.T) {
	h := setup(t)
	ctx := context.Background()
	advance := h.movableClock()
	h.addUser("cityeditor", h.city.ID, tongfa.RoleEditor)
	sent := h.account(h.unitA.ID, tongfa.PlatformWeChat, "示范市甲局发布")
	targets := []int64{sent, h.account(h.unitA1.ID, tongfa.PlatformWeibo, "示范市甲局下属中心微博"),
		h.account(h.unitB.ID, tongfa.PlatformApp, "示范市乙局客户端")}
	orig := h.published("cityeditor", "示范市召开全市优化营商环境大会")
	task, err := h.hub.Reposts.Create(ctx, h.as(h.users["cityeditor"]), repost.Input{ItemID: orig, Accounts: targets,
		Deadline: time.Now().Add(time.Hour), Note: "请各单位于今日内转发"})
	if err != nil {
		t.Fatal(err)
	}
	h.delivered(task.Rows[0].ReprintItemID, sent, h.db.Now())
	advance(2 * time.Hour)

	for _, screen := range screens {
		t.Run(screen.name, func(t *testing.T) {
			tb := newTab(t, h.ts.URL, screen.width, screen.height, screen.mobile)
			tb.login("cityadmin")
			tb.open("/repost-tasks")
			tb.waitFor("the list", `document.querySelectorAll("#repost-tasks tbody tr").length === 1`)
			tb.audit("repost-tasks-" + screen.name)
			tb.fits("repost-tasks-" + screen.name)
			tb.open(fmt.Sprintf("/repost-tasks/%d", task.ID))
			tb.waitFor("the table", `document.querySelectorAll("#repost-rows tbody tr").length === 3`)
			if got := tb.text(`document.getElementById("repost-summary").textContent`); got != "共 3 个账号：按时转发 1，逾期转发 0，逾期未转发 2，待转发 0" {
				t.Errorf("summary %q", got)
			}
			if n := tb.text(`String(document.querySelectorAll("tr.repost-overdue").length)`); n != "2" {
				t.Errorf("%s overdue rows", n)
			}
			tb.audit("repost-task-" + screen.name)
			tb.fits("repost-task-" + screen.name)
			tb.screenshot("repost-task-" + screen.name)
		})
	}
}

// TestBrowserRepostTaskForm: the city's editor sets a repost task from the
// console on each screen: the server's refusal (no account chosen) is
// shown in Chinese, and a complete form (a unit chosen) lands on the new
// task's completion table. Accounts of another city are not offered.
func TestBrowserRepostTaskForm(t *testing.T) {
	h := setupConsole(t)
	h.addUser("cityeditor", h.city.ID, tongfa.RoleEditor)
	h.account(h.unitA.ID, tongfa.PlatformWeChat, "示范市甲局发布")
	h.account(h.unitA1.ID, tongfa.PlatformWeibo, "示范市甲局下属中心微博")
	h.account(h.unitC.ID, tongfa.PlatformWeibo, "邻市丙局微博")
	h.published("cityeditor", "示范市召开全市优化营商环境大会")
	for _, screen := range screens {
		t.Run(screen.name, func(t *testing.T) {
			tb := newTab(t, h.ts.URL, screen.width, screen.height, screen.mobile)
			tb.login("cityeditor")
			tb.open("/repost-tasks")
			tb.click("#repost-new")
			tb.waitFor("the form", `!!document.getElementById("repost-form")`)
			if got := tb.text(`[...document.querySelectorAll("#repost-accounts label")].map(l => l.textContent.trim()).join("|")`); got !=
				"示范市甲局发布 · 微信公众号 · 示范市甲局|示范市甲局下属中心微博 · 微博 · 示范市甲局下属中心" {
				t.Errorf("accounts offered: %s", got)
			}
			tb.audit("repost-new-" + screen.name)
			// The server refuses a task without accounts, in Chinese.
			tb.expect("/api/v1/repost-tasks")
			tb.run(chromedp.Evaluate(`document.getElementById("repost-deadline").value = "2099-01-01T12:00"`, nil))
			tb.click(`#repost-form button[type=submit]`)
			tb.waitFor("the refusal", `!document.querySelector("#repost-form .errorbox").hidden`)
			if got := tb.text(`document.querySelector("#repost-form .errorbox").textContent`); !strings.Contains(got, "转发账号：请选择要转发的账号或单位") {
				t.Errorf("refusal %q", got)
			}
			tb.screenshot("repost-new-refused-" + screen.name)
			tb.click(`#repost-units input[type=checkbox]`)
			tb.click(`#repost-form button[type=submit]`)
			tb.waitFor("the new task", `location.pathname.startsWith("/repost-tasks/") && !!document.getElementById("repost-rows")`)
			if n := tb.text(`String(document.querySelectorAll("#repost-rows tbody tr").length)`); n != "2" {
				t.Errorf("%s target rows, want bureau A's and its centre's accounts", n)
			}
		})
	}
}
