package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// registerAccounts gives bureau A a WeChat and a Weibo account.
func registerAccounts(t *testing.T, h *harness) []int64 {
	t.Helper()
	var ids []int64
	for _, a := range []map[string]any{
		{"platform": "wechat", "name": "示范甲局发布", "api_base": "http://127.0.0.1:9/wechat",
			"credentials": map[string]string{"app_id": "wx1", "app_secret": "secret-1"},
			"settings":    map[string]string{"wechat_mode": "publish"}}, // mass mode would allow one send a day
		{"platform": "weibo", "name": "示范甲局微博", "api_base": "http://127.0.0.1:9/weibo",
			"credentials": map[string]string{"access_token": "token-1"}, "settings": map[string]string{"link_pattern": weiboLinkPattern}},
	} {
		var out struct {
			ID int64 `json:"id"`
		}
		if st := h.script("cityadmin").do("POST", "/api/v1/accounts", mergeUnit(a, h.unitA.ID), &out); st != 201 {
			t.Fatalf("register %s: %d", a["name"], st)
		}
		ids = append(ids, out.ID)
	}
	return ids
}

// TestBrowserComposeSubmitSign is the editor's and reviewer's path in a
// real browser: findings are highlighted as the editor types, fixed in one
// click, the item is submitted, the reviewer approves it with the password,
// every channel publishes on the simulators, and a leader withdraws it.
func TestBrowserComposeSubmitSign(t *testing.T) {
	h := setupConsole(t)
	platforms := startDelivery(t, h)
	tb := newTab(t, h.ts.URL, 1280, 900, false)
	tb.login("editor")
	tb.audit("dashboard")

	tb.open("/compose")
	tb.waitFor("the editor", `!!document.getElementById("editor")`)
	tb.typeInto("#title", "关于开展安全生产大检查的通知")
	tb.typeInto("#editor", "中华人民共合国安全生产法实施以来，各单位认真落实。联系人身份证号11010519491231002X。")
	tb.waitFor("both findings highlighted in the body",
		`CSS.highlights.has("tf-block") && CSS.highlights.get("tf-block").size === 2`)
	list := tb.text(`document.getElementById("check-findings").innerText`)
	for _, want := range []string{"中华人民共合国", "11010519491231002X", "改为「中华人民共和国」", "脱敏为「110105********002X」"} {
		if !strings.Contains(list, want) {
			t.Errorf("findings list lacks %q: %s", want, list)
		}
	}
	tb.audit("compose")

	for _, wrong := range []string{"中华人民共合国", "11010519491231002X"} {
		tb.click(`#check-findings li[data-level="block"] button.fix`)
		tb.waitFor("the fix of "+wrong, fmt.Sprintf(`!document.getElementById("editor").textContent.includes(%q)`, wrong))
		tb.waitFor("the check to rerun", fmt.Sprintf(`!document.getElementById("check-findings").textContent.includes(%q)`, wrong))
	}
	tb.waitFor("no blocking finding left", `document.getElementById("check-status").textContent.startsWith("未发现问题")`)
	if body := tb.text(`document.getElementById("editor").textContent`); !strings.Contains(body, "中华人民共和国") || !strings.Contains(body, "110105********002X") {
		t.Fatalf("fixes not applied: %s", body)
	}
	if tb.text(`String(CSS.highlights.has("tf-block"))`) != "false" {
		t.Error("highlight stays after the fix")
	}

	tb.run(chromedp.Click(`input[name="kind"][value="reprint"]`, chromedp.ByQuery))
	tb.waitFor("the reprint fields to show", `getComputedStyle(document.getElementById("reprint")).display !== "none"`)
	tb.run(chromedp.Click(`input[name="kind"][value="original"]`, chromedp.ByQuery))
	tb.waitFor("the reprint fields to hide", `getComputedStyle(document.getElementById("reprint")).display === "none"`)
	tb.run(chromedp.Evaluate(`document.querySelectorAll('input[name="targets"]').forEach(c => c.click())`, nil))
	tb.waitFor("a preview per target channel", `document.querySelectorAll("#previews .preview").length === 4 &&
		document.querySelector("#previews .preview-weibo").textContent.includes("/ 140 字") &&
		document.querySelector("#previews .preview-wechat").textContent.includes("中华人民共和国安全生产法")`)
	tb.audit("compose-previews")
	tb.click(`#compose button[type=submit]`)
	tb.waitFor("the item page", `location.pathname.startsWith("/items/") && !!document.getElementById("item-state")`)
	itemPath := tb.text(`location.pathname`)
	tb.run(chromedp.Click(`form[data-api$="/submit"] button`, chromedp.ByQuery))
	tb.waitFor("the item in review", `document.getElementById("item-state") && document.getElementById("item-state").textContent === "审核中"`)
	tb.audit("item")
	tb.logout()

	tb.login("reviewer")
	tb.open("/reviews")
	tb.waitFor("the review card", `document.querySelectorAll("article.review").length === 1`)
	if q := tb.text(`document.querySelector("article.review").innerText`); !strings.Contains(q, "关于开展安全生产大检查的通知") || !strings.Contains(q, "110105********002X") {
		t.Errorf("review card: %s", q)
	}
	tb.audit("review")
	tb.run(chromedp.SendKeys(`article.review input[name="password"]`, password, chromedp.ByQuery),
		chromedp.Click(`article.review button[value="approve"]`, chromedp.ByQuery))
	tb.waitFor("the approved item", fmt.Sprintf(`location.pathname === %q && ["已审签","发布中","已发布"].includes(document.getElementById("item-state").textContent)`, itemPath))
	tb.waitFor("every channel published (the table refreshes itself)",
		`document.querySelectorAll("#deliveries .state-delivered").length === 4 && document.querySelectorAll("#deliveries a[href]").length === 4`)
	if got := platformsPosted(platforms); len(got) != 4 {
		t.Errorf("the simulators received posts on %v, want all four platforms", got)
	}
	tb.audit("published")
	tb.logout()

	// The deputy leader takes it off every channel, with the password.
	tb.login("deputy")
	tb.open(itemPath)
	tb.run(chromedp.Evaluate(`document.querySelector("details.card").open = true; window.confirm = () => true`, nil),
		chromedp.SendKeys("#withdraw-reason", "信息有误，撤回更正", chromedp.ByID),
		chromedp.SendKeys("#withdraw-password", password, chromedp.ByID))
	tb.click(`form[data-api$="/withdraw"] button[type=submit]`)
	tb.waitFor("the withdrawn item", `document.getElementById("item-state").textContent === "已撤回"`)
	tb.screenshot("withdrawn")
}

// TestBrowserLeaderPhone opens the review queue on a leader's phone: the
// urgent item is on top with its countdown, the page fits the screen and
// passes axe, and the deputy signs from there with the password.
func TestBrowserLeaderPhone(t *testing.T) {
	h := setupConsole(t)
	targets := registerAccounts(t, h)
	for _, title := range []string{"重要会议通报", "突发事件情况通报"} {
		body := itemBody(title)
		body["importance"], body["targets"] = "important", targets
		if title == "突发事件情况通报" {
			body["urgency"] = "urgent"
		}
		submitAndSign(t, h, h.createItem("editor", body))
	}
	tb := newTab(t, h.ts.URL, 390, 844, true)
	tb.login("deputy")
	tb.audit("dashboard-phone")
	tb.open("/reviews")
	tb.waitFor("the review cards", `document.querySelectorAll("article.review").length === 2`)
	first := tb.text(`document.querySelector("article.review").innerText`)
	if !strings.Contains(first, "突发事件情况通报") || !strings.Contains(first, "紧急") {
		t.Errorf("the urgent item is not on top: %s", first)
	}
	tb.waitFor("the countdown", `/^剩余 \d+ 分 \d+ 秒$/.test(document.querySelector("article.review .countdown").textContent)`)
	if w := tb.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("review queue is %spx wide on a 390px phone", w)
	}
	tb.audit("review-phone")
	tb.expect("/signoffs")
	tb.click(`article.review button[value="approve"]`)
	tb.waitFor("the step-up error", `document.querySelector("article.review .errorbox") && !document.querySelector("article.review .errorbox").hidden`)
	if e := tb.text(`document.querySelector("article.review .errorbox").innerText`); !strings.Contains(e, "错误代码：step_up_required") {
		t.Errorf("leader without a password: %s", e)
	}
	tb.run(chromedp.SendKeys(`article.review input[name="password"]`, password, chromedp.ByQuery))
	tb.click(`article.review button[value="approve"]`)
	tb.waitFor("the approved item", `!!document.getElementById("item-state") && document.getElementById("item-state").textContent !== "审核中"`)
	tb.audit("item-phone")
	itemPath := tb.text(`location.pathname`)
	tb.logout()

	// Without a worker the deliveries stay pending; an administrator gives
	// up one channel from the item page, on the phone too.
	tb.login("admin")
	tb.open(itemPath)
	tb.waitFor("the abandon forms", `document.querySelectorAll('#deliveries form[data-api$="/abandon"]').length === 2`)
	tb.audit("item-admin-phone")
	tb.run(chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.SendKeys(`#deliveries form[data-api$="/abandon"] input[name="reason"]`, "该渠道本次不发布", chromedp.ByQuery))
	tb.click(`#deliveries form[data-api$="/abandon"] button`)
	tb.waitFor("the abandoned delivery", `document.querySelectorAll("#deliveries .state-abandoned").length === 1`)
}

// TestBrowserAdminPages has the supervising unit's administrator register
// an account and a user through the console forms, and checks every
// administration page with axe.
func TestBrowserAdminPages(t *testing.T) {
	h := setupConsole(t)
	tb := newTab(t, h.ts.URL, 1280, 900, false)
	tb.login("cityadmin")
	tb.open("/admin/accounts")
	tb.audit("accounts")
	tb.run(chromedp.SetValue("#account-unit", itoa(h.unitA.ID), chromedp.ByID),
		chromedp.SendKeys("#account-name", "示范甲局发布", chromedp.ByID),
		chromedp.SendKeys("#cred-app-id", "wx-console", chromedp.ByID),
		chromedp.SendKeys("#cred-app-secret", "console-secret", chromedp.ByID))
	tb.click(`form[data-api="/api/v1/accounts"] button[type=submit]`)
	tb.waitFor("the registered account", `document.querySelector("table") && document.querySelector("table").innerText.includes("示范甲局发布")`)

	tb.open("/admin/users")
	tb.audit("users")
	tb.run(chromedp.Evaluate(`document.querySelector("details").open = true`, nil),
		chromedp.SendKeys("#user-name", "newEditor", chromedp.ByID),
		chromedp.SendKeys("#user-display", "新采编", chromedp.ByID),
		chromedp.SetValue("#user-unit", itoa(h.unitA.ID), chromedp.ByID),
		chromedp.Evaluate(`document.querySelector('input[name="roles"][value="editor"]').click()`, nil),
		chromedp.SendKeys("#user-password", "Another-Passw0rd-1", chromedp.ByID))
	tb.click(`form[data-api="/api/v1/users"] button[type=submit]`)
	tb.waitFor("the new user", `document.querySelector("table").innerText.includes("newEditor")`)

	tb.open("/admin/dictionaries")
	tb.audit("dictionaries")
	tb.open("/admin/audit?verify=1")
	tb.waitFor("the chain check", `document.body.innerText.includes("校验通过")`)
	tb.audit("audit")
}
