package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/media"
)

// TestBrowserManualTask: on a phone and a desktop, an editor finds the
// 视频号 publishing task on the dashboard, opens it (text to paste, the
// one-click download), pastes a URL whose page lacks the title and is
// told why, then the right URL: the task is delivered under their name.
// axe runs on the dashboard and the task page.
func TestBrowserManualTask(t *testing.T) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			h := setupConsole(t)
			f := newFixture(t, h)
			id := f.manualTask(h.unitA)
			d, _ := h.db.Delivery(context.Background(), id)
			it, _ := h.db.Item(context.Background(), d.ItemID)
			site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v/right" {
					fmt.Fprintf(w, "<html><head><title>%s</title></head><body></body></html>", it.Version.Content.Title)
					return
				}
				io.WriteString(w, "<html><body>另一条作品</body></html>")
			}))
			t.Cleanup(site.Close)
			u, _ := url.Parse(site.URL)
			// The test option: the hub may read this loopback "platform".
			h.hub.Manual.Pages = media.New(media.Options{Allow: []string{u.Host}, Timeout: 2 * time.Second})
			h.hub.Manual.ExtraHosts = []string{u.Host}

			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.login("editor")
			link := fmt.Sprintf("/tasks/%d", id)
			tb.waitFor("the task on the dashboard", fmt.Sprintf(`!!document.querySelector('#dash-tasks a[href=%q]')`, link))
			tb.audit("dashboard-tasks-" + sc.name)
			tb.click(fmt.Sprintf(`#dash-tasks a[href=%q]`, link))
			tb.waitFor("the task page", `!!document.getElementById("task-confirm")`)
			if txt := tb.text(`document.getElementById("task-text").value`); !strings.HasPrefix(txt, it.Version.Content.Title) {
				t.Errorf("text to paste: %q", txt)
			}
			if href := tb.text(`document.getElementById("task-download").getAttribute("href")`); href != fmt.Sprintf("/api/v1/manual-tasks/%d/download", id) {
				t.Errorf("download link %q", href)
			}
			var status string
			tb.run(chromedp.Evaluate(`fetch(document.getElementById("task-download").href).then(r => r.status + " " + r.headers.get("content-type"))`,
				&status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if status != "200 application/zip" {
				t.Errorf("download: %s", status)
			}
			tb.audit("task-" + sc.name)
			tb.expect("/confirm") // the refused URL answers 422
			tb.refused("#task-confirm", "task-link", site.URL+"/v/wrong", "没有找到稿件标题")
			tb.audit("task-refused-" + sc.name)
			tb.run(chromedp.SetValue("#task-link", site.URL+"/v/right", chromedp.ByID))
			tb.click(`#task-confirm button[type=submit]`)
			tb.waitFor("the task delivered", `!!document.getElementById("task-url")`)
			if who := tb.text(`document.getElementById("task-confirmed").innerText`); !strings.Contains(who, "editor") {
				t.Errorf("confirmed by %q", who)
			}
			tb.audit("task-done-" + sc.name)
			if d, _ := h.db.Delivery(context.Background(), id); d.State != tongfa.DeliveryDelivered || d.URL != site.URL+"/v/right" {
				t.Fatalf("delivery %s %q", d.State, d.URL)
			}
		})
	}
}

// TestBrowserRegisterNewPlatforms: on the accounts page an administrator
// registers a 视频号 account (no credentials asked) and a Douyin account
// with its three credentials.
func TestBrowserRegisterNewPlatforms(t *testing.T) {
	h := setupConsole(t)
	tb := newTab(t, h.ts.URL, 390, 844, true)
	tb.login("cityadmin")
	tb.open("/admin/accounts")
	register := func(platform, name string, fill ...chromedp.Action) {
		tb.run(chromedp.Evaluate(`document.querySelector("details").open = true`, nil),
			chromedp.SetValue("#account-unit", itoa(h.unitA.ID), chromedp.ByID),
			chromedp.SetValue("#account-platform", platform, chromedp.ByID),
			chromedp.Evaluate(`document.getElementById("account-platform").dispatchEvent(new Event("change"))`, nil),
			chromedp.SetValue("#account-name", name, chromedp.ByID))
		if shown := tb.text(`String(document.querySelectorAll("fieldset[data-platform]:not([hidden])").length)`); (len(fill) == 0) != (shown == "0") {
			t.Errorf("%s: %s credential sections shown", platform, shown)
		}
		tb.run(fill...)
		tb.click(`form[data-api="/api/v1/accounts"] button[type=submit]`)
		tb.waitFor("the registered "+platform, fmt.Sprintf(`!!document.querySelector("table") && document.querySelector("table").innerText.includes(%q)`, name))
	}
	register("shipinhao", "示范甲局视频号")
	register("douyin", "示范甲局抖音号", chromedp.SendKeys("#cred-dy-open", "ou-console", chromedp.ByID),
		chromedp.SendKeys("#cred-dy-access", "act.ou-console", chromedp.ByID), chromedp.SendKeys("#cred-dy-refresh", "rft.ou-console", chromedp.ByID))
	if txt := tb.text(`document.querySelector("table").innerText`); !strings.Contains(txt, "视频号") || !strings.Contains(txt, "抖音") {
		t.Errorf("accounts table: %s", txt)
	}
	tb.audit("accounts-new-platforms-phone")
}
