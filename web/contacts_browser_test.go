package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserUnitContacts: bureau A's administrator lists the bureau's
// public mobile on the 本单位公开电话 page, on each screen: a bad line is
// refused in Chinese with its number, a good list is in force at once;
// axe-clean, nothing wider than the screen.
func TestBrowserUnitContacts(t *testing.T) {
	h := setupConsole(t)
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.login("admin")
			tb.open("/admin/words")
			tb.click(`nav.subnav a[href="/admin/contacts"]`)
			tb.waitFor("the contacts page", `location.pathname === "/admin/contacts" && !!document.getElementById("contacts-form")`)
			tb.expect("/contacts")
			tb.run(chromedp.SetValue("#contacts-content", "13812340000 办公室值班手机\n办公室", chromedp.ByID))
			tb.click(`#contacts-form button[type=submit]`)
			tb.waitFor("the refusal", `!document.querySelector("#contacts-form .errorbox").hidden`)
			if got := tb.text(`document.querySelector("#contacts-form .errorbox").textContent`); !strings.Contains(got, "第 2 行") {
				t.Errorf("refusal %q", got)
			}
			tb.audit("contacts-refused-" + sc.name)
			label := "办公室值班手机" + sc.name // each screen saves a list of its own
			tb.run(chromedp.SetValue("#contacts-content", "13812340000 "+label+"\n0392-3311234 信访接待", chromedp.ByID))
			tb.click(`#contacts-form button[type=submit]`)
			tb.waitFor("the list in force", `document.querySelectorAll("#contacts-applied li").length === 2 && document.readyState === "complete" &&
				document.getElementById("contacts-applied").textContent.includes("`+label+`")`)
			if got := tb.text(`document.getElementById("contacts-applied").textContent`); !strings.Contains(got, "13812340000 · "+label+"（本单位）") {
				t.Errorf("in force: %q", got)
			}
			tb.audit("contacts-" + sc.name)
		})
	}
}
