package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDouyinAuthorisation: on a phone and a desktop, an
// administrator presses 发起抖音授权 on the accounts page, agrees as the
// account's owner on Douyin's consent page (the simulator's), and comes
// back to the accounts page told it is done; the tokens are stored.
func TestBrowserDouyinAuthorisation(t *testing.T) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			h := setupConsole(t)
			acc, _ := douyinApp(t, h, h.unitA.ID)
			tb := newTab(t, h.ts.URL, sc.width, sc.height, sc.mobile)
			tb.expect("/favicon.ico") // the pages moving on to Douyin and back, and the simulator's, name no icon
			tb.login("admin")
			tb.open("/admin/accounts")
			sel := "#douyin-authorize-" + itoa(acc.ID) + " button[type=submit]"
			tb.waitFor("the authorise button", "!!document.querySelector('"+sel+"')")
			tb.screenshot("douyin-accounts-" + sc.name)
			tb.click(sel)
			tb.waitFor("Douyin's consent page", `!!document.getElementById("dy-consent")`)
			tb.run(chromedp.SendKeys("#dy-open-id", "ou-owner", chromedp.ByID))
			tb.click(`#dy-consent button[value="1"]`)
			tb.waitFor("back on the accounts page", `!!document.getElementById("douyin-authorized")`)
			tb.audit("douyin-authorized-" + sc.name)
			tb.screenshot("douyin-authorized-" + sc.name)
			if txt := tb.text(`document.getElementById("douyin-authorized").innerText`); !strings.Contains(txt, "示范市甲局抖音号") {
				t.Errorf("notice %q", txt)
			}
			if c := credsOf(t, h, acc.ID); c["open_id"] != "ou-owner" || c["access_token"] == "" {
				t.Fatalf("credentials %v", c)
			}
		})
	}
}
