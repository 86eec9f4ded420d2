package web_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// asciiWord is a run of Latin letters: what an operator would read as an
// English word (numbers, codes like 12345 and dates are not).
var asciiWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_.:\-]*[A-Za-z0-9]`)

// code is a stable code shown as it is: an error code (not_found), an
// audit action or target (item.submit, user:3), a rule of the seeds (R9).
var code = regexp.MustCompile(`^([a-z][a-z0-9]*([_.:\-][a-z0-9]+)+|R[0-9]+)$`)

// allowedWords are product and platform names, standards and codes a
// Chinese office reads as they are.
var allowedWords = []string{"Tongfa", "App", "TOTP", "PDF", "CSV", "Excel", "Word", "ID", "URL", "API", "HTML", "JSON", "QR",
	"Microsoft", "Authenticator", "FreeOTP", "GB", "SM", "IP", "YAML",
	"JPG", "JPEG", "PNG", "GIF", "WebP", "TXT", "MP4", "KB", "MB", // file formats and sizes, named as offices name them
	"WCI", "BCI", // the published communication indices of WeChat and Weibo accounts (docs/reports.md)
	"AppID", "AppSecret", // WeChat's own names for an account's credentials, as 微信公众平台 shows them
	"visitor"} // the seeded public author's nickname on the platform: the public's data, shown as it came

// pageText is what a visitor reads on the page: its visible text (code
// shown as code — hashes, policy sources — left out), titles, placeholders
// and labels for assistive technology.
const pageText = `(() => {
	const parts = [document.title];
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const el = n.parentElement;
		if (el.closest("code, pre, textarea, script, style, .hash") || !el.checkVisibility()) continue;
		parts.push(n.textContent);
	}
	for (const el of document.querySelectorAll("[placeholder],[title],[aria-label]")) {
		parts.push(el.getAttribute("placeholder") || "", el.getAttribute("title") || "", el.getAttribute("aria-label") || "");
	}
	return parts.join("\n");
})()`

// TestBrowserSpeaksChinese walks every console page of the seeded office
// and fails on an English word an operator would see (issue 22: "栏目：news",
// Go values, English labels), outside the product names and codes above.
func TestBrowserSpeaksChinese(t *testing.T) {
	h := setupConsole(t)
	visits := seedEveryPage(t, h)
	// People are shown by name, as the demo office's are: a login name
	// is seen only where accounts are administered.
	if _, err := h.db.Pool.Exec(context.Background(), `UPDATE users SET display_name = '测试用户' || id WHERE display_name = ''`); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t, h.ts.URL, 1280, 900, false)
	tb.expect("/items/999999")
	tb.walk(visits, func(i int, v visit) {
		// Collapsed previews count: 栏目：news hid in one.
		tb.run(chromedp.Evaluate(`document.querySelectorAll("details").forEach(d => d.open = true)`, nil))
		words := englishWords(tb.text(pageText))
		if strings.HasPrefix(v.path, "/admin/users") || strings.HasPrefix(v.path, "/admin/audit") {
			words = slices.DeleteFunc(words, func(w string) bool { _, user := h.users[w]; return user || w == "visitor" })
		}
		if len(words) > 0 {
			t.Errorf("%s as %q shows English: %s", v.path, v.who, strings.Join(words, ", "))
		}
	})
}

// englishWords lists, once each, the words of text outside allowedWords
// and outside links (an address is shown as it is).
func englishWords(text string) []string {
	var out []string
	for _, field := range strings.Fields(text) {
		if strings.Contains(field, "://") || strings.Contains(field, "@") {
			continue
		}
		for _, w := range asciiWord.FindAllString(field, -1) {
			if !code.MatchString(w) && !slices.Contains(allowedWords, w) && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}
