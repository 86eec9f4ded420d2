package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tongfa/tongfa/store"
)

// TestBrowserAnswer: an editor answers a message from its page. A
// template fills the text; a blocked word typed after it is highlighted in
// the preview and listed with its suggestion while submitting is disabled;
// 定位 selects it and the editor types over it; an ID number shows masked
// in the text to be sent; the answer is submitted. The composer fits a
// phone. The reviewer approves the answer on /reviews and the message page
// shows it approved (no sender runs here). axe runs on every page.
func TestBrowserAnswer(t *testing.T) {
	h := setupOn(t, answerConsoleRedisDB)
	seed := seedInbox(t, h)
	msgPath := "/inbox/" + itoa(seed.overdue.ID)
	const status = `document.getElementById("answer-check-status").textContent`

	tb := newTab(t, h.ts.URL, 1280, 900, false)
	tb.login("editor")
	tb.open(msgPath)
	tb.waitFor("the composer", `!!document.getElementById("answer-form")`)
	tb.audit("answer-composer")
	tb.click(`#answer-form button[data-template]`)
	tb.waitFor("the template in the text", `document.getElementById("answer-text").value.startsWith("您好，感谢您对本网站的关注和监督。")`)
	tb.waitFor("the template checked", status+`.startsWith("未发现问题")`)

	tb.typeInto("#answer-text", "另可代开发票。")
	tb.waitFor("the blocked word listed", `[...document.querySelectorAll("#answer-findings li.blocking")].some(li => li.textContent.includes("代开发票"))`)
	tb.waitFor("the blocked word highlighted", `[...document.querySelectorAll("#answer-masked mark.hl-block")].some(m => m.textContent === "代开发票")`)
	if s := tb.text(`document.querySelector("#answer-findings li.blocking").innerText`); !strings.Contains(s, "建议：商业广告") {
		t.Errorf("the finding lacks its suggestion: %s", s)
	}
	if got := tb.text(`String(document.getElementById("answer-submit").disabled) + document.getElementById("answer-text").getAttribute("aria-invalid")`); got != "truetrue" {
		t.Errorf("submit disabled + text invalid = %s while the text is blocked", got)
	}
	if s := tb.text(status); !strings.Contains(s, "必须修改") {
		t.Errorf("status while blocked: %s", s)
	}
	tb.audit("answer-blocked")

	tb.click(`#answer-findings li.blocking button.locate`)
	tb.waitFor("the blocked word selected", `(t => t.value.slice(t.selectionStart, t.selectionEnd))(document.getElementById("answer-text")) === "代开发票"`)
	tb.run(input.InsertText("咨询办税服务厅"))
	tb.waitFor("the fixed text checked", status+`.startsWith("未发现问题")`)
	tb.run(chromedp.Evaluate(`(t => t.setSelectionRange(t.value.length, t.value.length))(document.getElementById("answer-text"))`, nil),
		input.InsertText("留言人身份证号"+personalID+"。"))
	tb.waitFor("the ID number masked in the preview", fmt.Sprintf(`[...document.querySelectorAll("#answer-masked mark.hl-pii")].some(m => m.textContent === %q)`, personalIDMasked))
	if s := tb.text(`document.getElementById("answer-masked").textContent`); strings.Contains(s, personalID) || !strings.Contains(s, "另可咨询办税服务厅。") {
		t.Errorf("text to be sent: %s", s)
	}
	if s := tb.text(`document.querySelector('#answer-findings li[data-kind="pii"]').innerText`); !strings.Contains(s, "将自动脱敏") {
		t.Errorf("the ID number's finding: %s", s)
	}
	if tb.text(`String(document.getElementById("answer-submit").disabled)`) != "false" {
		t.Error("submit stays disabled once the text is clean")
	}
	tb.click("#answer-private")
	tb.waitFor("the reason field", `!document.getElementById("answer-private-wrap").hidden && !document.getElementById("answer-private-reason").disabled`)
	tb.click("#answer-private")
	tb.waitFor("the reason field hidden", `document.getElementById("answer-private-reason").disabled`)
	tb.audit("answer-masked")

	tb.click("#answer-submit")
	tb.waitFor("the pending answer", `!document.getElementById("answer-form") && !!document.querySelector("#answers .state-pending")`)
	answers, err := h.db.Answers(context.Background(), store.AnswerFilter{MessageID: seed.overdue.ID})
	if err != nil || len(answers) != 1 || !strings.Contains(answers[0].Body, personalIDMasked) || strings.Contains(answers[0].Body, "代开发票") {
		t.Fatalf("stored answers: %+v %v", answers, err)
	}
	a := answers[0]
	tb.audit("answer-pending")

	phone := newTab(t, h.ts.URL, 390, 844, true)
	phone.login("editor")
	phone.open("/inbox/" + itoa(seed.atRisk.ID))
	phone.waitFor("the composer", `!!document.getElementById("answer-form")`)
	phone.typeInto("#answer-text", "您好，办理居住证需携带身份证和租房合同。")
	phone.waitFor("the check", `document.getElementById("answer-check-status").textContent.startsWith("未发现问题") && !document.getElementById("answer-preview").hidden`)
	if w := phone.text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the composer is %spx wide on a 390px phone", w)
	}
	phone.audit("answer-composer-phone")

	tb.logout()
	tb.login("reviewer")
	tb.open("/reviews")
	card := fmt.Sprintf("#answer-%d", a.ID)
	tb.waitFor("the answer to sign", `document.querySelectorAll("#answers article").length === 1 && !!document.querySelector(`+fmt.Sprintf("%q", card)+`)`)
	if s := tb.text(`document.querySelector("#answers article").innerText`); !strings.Contains(s, personalIDMasked) || strings.Contains(s, personalID) ||
		!strings.Contains(s, "另可咨询办税服务厅") {
		t.Errorf("answer card: %s", s)
	}
	if tb.text(`String(!!document.querySelector("#answers article input[type=password]"))`) != "false" {
		t.Error("a reviewer is asked for the password for a routine answer")
	}
	tb.audit("reviews-answer")
	tb.run(chromedp.SendKeys(card+` textarea[name="comment"]`, "同意", chromedp.ByQuery))
	tb.click(card + ` button[value="approve"]`)
	tb.waitFor("the approved answer on the message page", fmt.Sprintf(`location.pathname === %q && document.querySelector(%q).textContent === "已审签，待发送"`,
		msgPath, card+" .state"))
	tb.audit("answer-approved")
}
