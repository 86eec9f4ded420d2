package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tongfa/tongfa/web/console"
)

// TestBrowserInboxDeputyPhone: a deputy leader on a 390×844 phone sees the
// overdue message on the dashboard, opens it, and extends its deadline
// with a reason; the page then shows the new deadline. An editor then
// assigns a message from the desktop. axe runs on the inbox pages.
func TestBrowserInboxDeputyPhone(t *testing.T) {
	h := setupConsole(t)
	seed := seedInbox(t, h)
	msgPath := "/inbox/" + itoa(seed.overdue.ID)

	tb := newTab(t, h.ts.URL, 390, 844, true)
	tb.login("deputy")
	tb.waitFor("the overdue message on the dashboard",
		fmt.Sprintf(`!!document.querySelector('#dash-inbox a[href=%q]')`, msgPath))
	if block := tb.text(`document.getElementById("dash-inbox").innerText`); !strings.Contains(block, "已超时") || !strings.Contains(block, "临近时限") {
		t.Errorf("dashboard inbox block: %s", block)
	}
	tb.audit("dashboard-inbox-phone")
	tb.open("/inbox")
	tb.waitFor("the inbox list", `document.querySelectorAll("table.inbox tbody tr").length === 3`)
	if w := tb.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("inbox is %spx wide on a 390px phone", w)
	}
	tb.audit("inbox-phone")

	tb.click(fmt.Sprintf(`#message-%d a`, seed.overdue.ID))
	tb.waitFor("the message page", fmt.Sprintf(`location.pathname === %q && !!document.getElementById("extend-form")`, msgPath))
	if txt := tb.text(`document.getElementById("message-body").innerText`); !strings.Contains(txt, personalIDMasked) || strings.Contains(txt, personalID) {
		t.Errorf("the deputy sees the text unmasked: %s", txt)
	}
	if d := tb.text(`document.getElementById("message-deadline").innerText`); !strings.Contains(d, "已超时") {
		t.Errorf("deadline not flagged overdue: %s", d)
	}
	if w := tb.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("message page is %spx wide on a 390px phone", w)
	}
	tb.audit("message-deputy-phone")

	tb.run(chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.SetValue("#extend-days", "3", chromedp.ByID),
		chromedp.SendKeys("#extend-reason", "涉及多个部门，需协调后答复", chromedp.ByID))
	tb.click(`#extend-form button[type=submit]`)
	tb.waitFor("the extension on the page", `!!document.getElementById("message-extension") && !document.getElementById("extend-form")`)
	m, err := h.db.Message(context.Background(), seed.overdue.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.ExtensionDays != 3 || !m.Deadline.After(seed.overdue.Deadline) {
		t.Fatalf("extension stored: %d days, deadline %v (was %v)", m.ExtensionDays, m.Deadline, seed.overdue.Deadline)
	}
	want := m.Deadline.In(console.China).Format("2006-01-02 15:04")
	if d := tb.text(`document.getElementById("message-deadline").innerText`); !strings.Contains(d, want) {
		t.Errorf("the page shows deadline %q, want %s", d, want)
	}
	if e := tb.text(`document.getElementById("message-extension").innerText`); !strings.Contains(e, "延期 3 个工作日") || !strings.Contains(e, "涉及多个部门，需协调后答复") {
		t.Errorf("extension on the page: %s", e)
	}
	tb.audit("message-extended-phone")
	tb.logout()

	// The editor sees every form and assigns the message at risk.
	desk := newTab(t, h.ts.URL, 1280, 900, false)
	desk.login("editor")
	desk.open("/inbox/" + itoa(seed.atRisk.ID))
	desk.waitFor("the action forms", `document.querySelectorAll('form[data-api^="/api/v1/inbox/"]:not(#answer-form)').length === 3`)
	desk.audit("message-editor")
	desk.run(chromedp.SetValue("#assign-user", itoa(h.users["reviewer"].ID), chromedp.ByID))
	desk.click(`form[data-api$="/assign"] button[type=submit]`)
	desk.waitFor("the assigned message", `document.getElementById("message-state").textContent === "已分派"`)
	if s := desk.text(`document.querySelector("#h-handling").parentElement.innerText`); !strings.Contains(s, "reviewer") {
		t.Errorf("assignee not shown: %q", s)
	}
	desk.open("/inbox?state=assigned")
	desk.waitFor("the filtered list", `document.querySelectorAll("table.inbox tbody tr").length === 1`)
	desk.audit("inbox-editor")
}
