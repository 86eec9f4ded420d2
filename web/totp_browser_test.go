package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserTOTPEnrolmentPhone: a deputy whose unit requires a second
// factor signs in on a phone (390×844): the login page shows the QR code,
// drawn by the hub as a data: URL, and the secret; the code from the
// authenticator completes the enrolment; the recovery codes show once;
// each page fits the screen and passes axe.
func TestBrowserTOTPEnrolmentPhone(t *testing.T) {
	h := setupConsole(t)
	requireTOTP(t, h, h.unitA.ID)
	tb := newTab(t, h.ts.URL, 390, 844, true)
	tb.open("/login")
	tb.run(chromedp.SendKeys("#username", "deputy", chromedp.ByID), chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible("#otp", chromedp.ByID))
	tb.waitFor("the QR code", `document.querySelector("img.qr") && document.querySelector("img.qr").complete && document.querySelector("img.qr").naturalWidth === 240`)
	if src := tb.text(`document.querySelector("img.qr").getAttribute("src").slice(0, 22)`); src != "data:image/png;base64," {
		t.Fatalf("the QR code comes from %q, not drawn locally", src)
	}
	if w := tb.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the enrolment page is %spx wide on a 390px phone", w)
	}
	tb.audit("totp-enrol-phone")
	tb.screenshot("totp-enrol-phone")

	secret := tb.text(`document.getElementById("totp-secret").textContent`)
	tb.run(chromedp.SendKeys("#otp", totpCode(t, secret, time.Now()), chromedp.ByID),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible("#recovery", chromedp.ByID))
	if n := tb.text(`String(document.querySelectorAll("#recovery ol.codes li").length)`); n != "10" {
		t.Fatalf("%s recovery codes shown", n)
	}
	if w := tb.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the recovery codes page is %spx wide", w)
	}
	tb.audit("totp-recovery-phone")
	tb.screenshot("totp-recovery-phone")
	tb.run(chromedp.Click(`#recovery a.button`, chromedp.ByQuery), chromedp.WaitVisible("#dash", chromedp.ByID))

	tb.open("/account/totp")
	if s := tb.text(`document.getElementById("totp-state").textContent`); !strings.Contains(s, "已绑定") || !strings.Contains(s, "剩余恢复码 10 个") {
		t.Errorf("account page: %s", s)
	}
	tb.audit("totp-account-phone")
}
