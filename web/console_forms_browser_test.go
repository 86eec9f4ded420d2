package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAdminForms has the supervising office's administrator use
// every new administration form: a policy refused with its line-numbered
// Chinese error and then saved, a year of holidays imported, a role
// granted, an account change requested and a pending request approved.
// axe runs on each page.
func TestBrowserAdminForms(t *testing.T) {
	h := setupConsole(t)
	account := accountFor(t, h, h.unitA.ID, "甲局发布")
	change := map[string]any{"kind": "change", "reason": "更名", "account": map[string]any{"platform": "weibo", "name": "甲局微博",
		"managers": []map[string]string{{"name": "王编辑"}}, "settings": map[string]string{"column": "要闻"}}}
	var pending struct {
		Request struct{ ID int64 } `json:"request"`
	}
	if st := h.script("admin").do("POST", "/api/v1/accounts/"+itoa(account)+"/requests", change, &pending); st != 202 {
		t.Fatalf("request a change: %d", st)
	}
	row := fmt.Sprintf("#request-%d", pending.Request.ID)
	tb := newTab(t, h.ts.URL, 1280, 900, false)
	tb.login("cityadmin")

	tb.open("/admin/policies?unit=" + itoa(h.unitA.ID))
	tb.audit("policies")
	tb.expect("/policies/tier")
	tb.refused("#policy-tier-form", "policy-tier-content", "strict: maybe\n", "审签策略第1行「strict」")
	tb.audit("policies-error")
	tb.run(chromedp.SetValue("#policy-tier-content", "strict: true\n", chromedp.ByID))
	tb.click(`#policy-tier-form button[type=submit]`)
	tb.waitFor("the saved policy", `document.querySelector("#policy-tier pre").textContent.includes("strict: true")`)

	tb.logout()
	tb.login("sysadmin")
	tb.open("/admin/holidays")
	tb.audit("holidays")
	tb.run(chromedp.SetValue("#holiday-content", "year 2031 测试通知\n2031-01-01 holiday 元旦\n", chromedp.ByID))
	tb.click(`#holiday-form button[type=submit]`)
	tb.waitFor("the imported year", `document.getElementById("calendar-years").textContent.includes("2031 年")`)
	file := filepath.Join(t.TempDir(), "2032.txt")
	if err := os.WriteFile(file, []byte("\uFEFFyear 2032 测试通知\n2032-01-01 holiday 元旦\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.run(chromedp.SetUploadFiles("#holiday-file", []string{file}, chromedp.ByID))
	tb.waitFor("the pasted text set aside", `document.getElementById("holiday-content").disabled`)
	tb.click(`#holiday-form button[type=submit]`)
	tb.waitFor("the year from the file", `document.getElementById("calendar-years").textContent.includes("2032 年")`)
	tb.logout()
	tb.login("cityadmin")

	tb.open("/admin/users/" + itoa(h.users["editor"].ID))
	tb.audit("user")
	tb.run(chromedp.SetValue("#grant-role", "reviewer", chromedp.ByID))
	tb.click(`#grant-form button[type=submit]`)
	tb.waitFor("the granted role", `document.getElementById("grants").innerText.includes("审核员")`)

	tb.open("/admin/requests")
	tb.audit("requests")
	tb.run(chromedp.SendKeys(row+` input[name="comment"]`, "同意更名", chromedp.ByQuery))
	tb.click(row + ` form.decide button.primary`)
	tb.waitFor("the approved request", fmt.Sprintf(`document.querySelector(%q).innerText.includes("已批准")`, row))

	tb.open("/admin/accounts/" + itoa(account) + "/change")
	tb.audit("account-change")
	tb.run(chromedp.SetValue("#change-name", "甲局发布厅", chromedp.ByID),
		chromedp.SendKeys("#change-reason", "机构更名", chromedp.ByID))
	tb.click(`#change-form button[type=submit]`)
	tb.waitFor("the new request", `location.pathname === "/admin/requests" && document.querySelector("table.requests").innerText.includes("甲局发布厅")`)
	tb.audit("requests-pending")
	qs, err := h.db.AccountRequests(context.Background(), []int64{h.unitA.ID})
	if err != nil || len(qs) == 0 || !strings.Contains(string(qs[0].Proposal), "王编辑") || !strings.Contains(string(qs[0].Proposal), "要闻") {
		t.Errorf("the change request drops the managers or settings: %v %v", qs, err)
	}
}

// TestBrowserDelegationPhone: a deputy leader on a 390×844 phone hands
// their level to a colleague for a week and sees it in force; the page
// fits the screen and passes axe. The inbox's deadline filter does too.
func TestBrowserDelegationPhone(t *testing.T) {
	h := setupConsole(t)
	seed := seedInbox(t, h)
	tb := newTab(t, h.ts.URL, 390, 844, true)
	tb.login("deputy")
	tb.open("/delegations")
	if w := tb.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the delegation page is %spx wide on a 390px phone", w)
	}
	tb.audit("delegations-phone")
	tb.run(chromedp.SetValue("#delegate-0", itoa(h.users["deputy2"].ID), chromedp.ByID),
		chromedp.SendKeys("#delegate-reason-0", "外出学习一周", chromedp.ByID))
	tb.click(`#delegate-form-0 button[type=submit]`)
	tb.waitFor("the delegation in force", `!!document.getElementById("delegations") && document.getElementById("delegations").innerText.includes("deputy2")`)
	if w := tb.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the delegation page is %spx wide after delegating", w)
	}
	tb.audit("delegated-phone")

	tb.open("/inbox?state=open&due=overdue")
	tb.waitFor("the overdue message only", fmt.Sprintf(`document.querySelectorAll("table.inbox tbody tr").length === 1 && !!document.getElementById("message-%d")`, seed.overdue.ID))
	if w := tb.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the filtered inbox is %spx wide on a 390px phone", w)
	}
	tb.audit("inbox-overdue-phone")
}

// TestBrowserCorrection: an editor corrects a published item from its page
// in the compose editor, prefilled; the item page then shows the
// correction in sign-off with the earlier posts still online.
func TestBrowserCorrection(t *testing.T) {
	h := setupConsole(t)
	it := publishedItem(t, h, "关于调整办事时间的通知")
	tb := newTab(t, h.ts.URL, 1280, 900, false)
	tb.login("editor")
	tb.open("/items/" + itoa(it.ID))
	tb.audit("item-published")
	tb.click(`a[href$="/correct"]`)
	tb.waitFor("the prefilled editor", `document.getElementById("title").value === "关于调整办事时间的通知" &&
		document.getElementById("editor").textContent.includes("市政府召开常务会议")`)
	tb.waitFor("the previews", `document.querySelectorAll("#previews .preview").length === 2`)
	tb.audit("correct")
	tb.typeInto("#title", "（更正）")
	tb.click(`#compose button[type=submit]`)
	tb.waitFor("the item page with the correction", fmt.Sprintf(`location.pathname === "/items/%d" && !!document.getElementById("correction")`, it.ID))
	if s := tb.text(`document.getElementById("correction").innerText`); !strings.Contains(s, "第 2 版更正第 1 版") || !strings.Contains(s, "2 个渠道仍在线") {
		t.Errorf("correction state: %s", s)
	}
	tb.audit("item-correction")
}
