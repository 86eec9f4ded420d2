package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPasswordReset: on each screen an administrator resets an
// editor's password from the user's page, which shows the temporary
// password once, in place; the editor signs in with it and is asked for
// a new password before anything else, then lands on the dashboard. Each
// page fits the screen and passes axe.
func TestBrowserPasswordReset(t *testing.T) {
	h := setupConsole(t)
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.login("admin")
			tb.open(fmt.Sprintf("/admin/users/%d", h.users["editor"].ID))
			tb.run(chromedp.Evaluate(`window.confirm = () => true`, nil))
			tb.click(`#password-reset button[type=submit]`)
			tb.waitFor("the temporary password", `!document.getElementById("password-result").hidden`)
			temp := tb.text(`document.querySelector("#password-result [data-value]").textContent`)
			if len(temp) != 14 {
				t.Fatalf("temporary password %q", temp)
			}
			tb.audit("password-reset-" + sc.name)
			tb.logout()

			tb.run(chromedp.SendKeys("#username", "editor", chromedp.ByID), chromedp.SendKeys("#password", temp, chromedp.ByID),
				chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible("#new-password", chromedp.ByID))
			tb.audit("password-change-" + sc.name)
			newPassword := "Neues-Passw0rt-" + sc.name
			tb.run(chromedp.SendKeys("#new-password", newPassword, chromedp.ByID), chromedp.SendKeys("#new-password2", newPassword, chromedp.ByID),
				chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible("#dash", chromedp.ByID))
			tb.logout()
			tb.run(chromedp.SendKeys("#username", "editor", chromedp.ByID), chromedp.SendKeys("#password", newPassword, chromedp.ByID),
				chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible("#dash", chromedp.ByID))
		})
	}
}
