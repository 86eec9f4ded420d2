package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// answerConsoleRedisDB is the Redis database of the console's answer tests,
// HTTP and browser (docs/testing.md).
const answerConsoleRedisDB = 15

// draftAnswer drafts an answer to message id as who through the API.
func draftAnswer(t *testing.T, h *harness, who string, id int64, body map[string]any) tongfa.Answer {
	t.Helper()
	var a tongfa.Answer
	if st := h.script(who).do("POST", fmt.Sprintf("/api/v1/inbox/%d/answers", id), body, &a); st != 201 {
		t.Fatalf("%s drafts an answer to %d: %d", who, id, st)
	}
	return a
}

// signAnswer has who approve or reject answer a.
func signAnswer(t *testing.T, h *harness, who string, a tongfa.Answer, decision, comment string) {
	t.Helper()
	body := map[string]any{"body_hash": a.BodyHash, "decision": decision, "comment": comment}
	if st := h.script(who).do("POST", fmt.Sprintf("/api/v1/answers/%d/signoff", a.ID), body, nil); st != 200 {
		t.Fatalf("%s signs answer %d: %d", who, a.ID, st)
	}
}

// sendAnswer plays the sender: it takes answer id and records outcome.
func sendAnswer(t *testing.T, h *harness, id int64, state tongfa.AnswerState, note string) {
	t.Helper()
	ctx := context.Background()
	if a, err := h.db.ClaimAnswer(ctx, id, "test-sender", time.Minute); err != nil || a == nil {
		t.Fatalf("claim answer %d: %v %v", id, a, err)
	}
	if err := h.db.FinishAnswer(ctx, id, "test-sender", store.AnswerOutcome{State: state, Note: note}); err != nil {
		t.Fatal(err)
	}
}

// TestConsoleAnswerComposer: an editor of the unit gets the composer with
// the templates of the message's class and the channel's limit (140 for
// Weibo); auditors and deputies do not. A drafted answer replaces the
// composer in the history, with a withdraw form for the editor only;
// once withdrawn the composer is back.
func TestConsoleAnswerComposer(t *testing.T) {
	h := setupOn(t, answerConsoleRedisDB)
	seed := seedInbox(t, h)
	weibo := accountFor(t, h, h.unitA.ID, "甲局微博")
	ms, err := h.db.InsertMessages(context.Background(), []tongfa.Message{{AccountID: weibo, UnitID: h.unitA.ID, Platform: "weibo",
		Kind: "comment", PlatformMsgID: "wb-1", Author: "网友", Body: "请问社保卡在哪里补办？", ReceivedAt: time.Now(),
		Class: "谏言咨询", ClassRule: "关键词「请问」", Deadline: time.Now().Add(72 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/inbox/" + itoa(seed.overdue.ID)
	api := fmt.Sprintf("/api/v1/inbox/%d/answers", seed.overdue.ID)

	editor := h.consoleAs(t, "editor")
	mustShow(t, "editor "+path, editor.open(path), []string{`id="answer-form"`, `data-api="` + api + `"`,
		`data-check="` + api + `/check"`, `data-limit="2000"`, "0 / 2000 字", "已核实并更正", "经核实无误",
		`data-template="您好，感谢您对本网站的关注和监督。`, `src="/static/answer.js"`, `id="answer-private"`, "将发送的文本（个人信息已脱敏）"},
		[]string{`id="answers"`})
	mustShow(t, "editor on the complaint", editor.open("/inbox/"+itoa(seed.complaint.ID)), []string{"已转办", "办理结果"}, []string{"已核实并更正"})
	mustShow(t, "editor on the Weibo comment", editor.open("/inbox/"+itoa(ms[0].ID)), []string{`data-limit="140"`, "0 / 140 字", "政策解答"}, nil)
	for _, who := range []string{"auditor", "deputy"} {
		mustShow(t, who+" "+path, h.consoleAs(t, who).open(path), nil, []string{`id="answer-form"`, "answer.js", "答复模板"})
	}

	e := editor.expect("POST", api, map[string]any{"text": "您好，电话已更正。", "private": true}, 422, "validation_failed")
	if e.Error.Fields["private_reason"] == "" {
		t.Errorf("no field error for the missing reason: %+v", e)
	}
	editor.expect("POST", api, map[string]any{"text": "您好，电话已更正。", "private": true, "private_reason": "涉及留言人家庭住址"}, 201, "")
	body := editor.open(path)
	mustShow(t, "editor after drafting", body, []string{`id="answers"`, "待审签", "您好，电话已更正。", "不公开：涉及留言人家庭住址",
		"editor（采编）起草于", "客户端/网站答复接口", "审核员审核", `/withdraw"`}, []string{`id="answer-form"`})
	mustShow(t, "auditor after drafting", h.consoleAs(t, "auditor").open(path), []string{"待审签", "您好，电话已更正。"}, []string{`/withdraw"`})

	answers, err := h.db.Answers(context.Background(), store.AnswerFilter{MessageID: seed.overdue.ID})
	if err != nil || len(answers) != 1 {
		t.Fatalf("answers: %v %v", answers, err)
	}
	h.consoleAs(t, "auditor").expect("POST", fmt.Sprintf("/api/v1/answers/%d/withdraw", answers[0].ID), struct{}{}, 403, "forbidden")
	editor.expect("POST", fmt.Sprintf("/api/v1/answers/%d/withdraw", answers[0].ID), struct{}{}, 200, "")
	mustShow(t, "editor after withdrawing", editor.open(path), []string{"已撤回", `id="answer-form"`}, []string{`/withdraw"`})
}

// TestConsoleAnswerHistory: every state an answer passes through shows in
// Chinese on the message page with who signed, the note, the platform's
// error and the disclosure link; an unconfirmed answer explains what to
// check and offers 已送达 / 未送达 to the unit's editors only.
func TestConsoleAnswerHistory(t *testing.T) {
	h := setupOn(t, answerConsoleRedisDB)
	seed := seedInbox(t, h)
	id := seed.complaint.ID
	path := "/inbox/" + itoa(id)

	rejected := draftAnswer(t, h, "editor", id, map[string]any{"text": "您好，已收到。"})
	signAnswer(t, h, "reviewer", rejected, "reject", "请写明办理部门")
	failed := draftAnswer(t, h, "editor", id, map[string]any{"text": "您好，已转物业管理部门办理。"})
	signAnswer(t, h, "reviewer", failed, "approve", "")
	sendAnswer(t, h, failed.ID, tongfa.AnswerFailed, "网站答复接口拒绝：留言已被删除")
	lost := draftAnswer(t, h, "editor", id, map[string]any{"text": "您好，已责成物业整改。"})
	signAnswer(t, h, "reviewer", lost, "approve", "")
	sendAnswer(t, h, lost.ID, tongfa.AnswerUnconfirmed, "响应丢失，平台无法查询")

	editor := h.consoleAs(t, "editor")
	confirm := fmt.Sprintf("/api/v1/answers/%d/confirm", lost.ID)
	mustShow(t, "editor", editor.open(path), []string{`id="answer-` + itoa(rejected.ID) + `"`, "已退回", "reviewer（", "：请写明办理部门",
		"发送失败", "网站答复接口拒绝：留言已被删除", "待核实", "平台未返回结果且无法查询，请到公众号后台核实", `data-api="` + confirm + `"`,
		`value="true" data-type="bool" class="primary">已送达</button>`, "未送达，重新发送", "客户端/网站答复接口",
		"发送后在政府网站「留言选登」栏目公开"}, []string{`id="answer-form"`, `/withdraw"`})
	mustShow(t, "auditor", h.consoleAs(t, "auditor").open(path), []string{"待核实", "平台未返回结果且无法查询"}, []string{confirm})

	editor.expect("POST", confirm, map[string]any{"delivered": true}, 200, "")
	if err := h.db.SetDisclosure(context.Background(), lost.ID, tongfa.DisclosureDone, "https://www.example.gov.cn/lyxd/1.html", ""); err != nil {
		t.Fatal(err)
	}
	mustShow(t, "editor after the confirmation", editor.open(path), []string{"已发送", "发送时间",
		`<a href="https://www.example.gov.cn/lyxd/1.html" rel="noopener" target="_blank">已在政府网站公开</a>`, "已答复"},
		[]string{"待核实", confirm, `id="answer-form"`})
}

// TestConsoleAnswerReviews: an answer waiting for sign-off is on /reviews
// for the unit's reviewer and deputy (with the password field), bound to
// its body hash, with the message masked, and counted on their dashboard;
// its author, though a reviewer, does not see it; the editor has no
// section at all. Signing from the page's form takes it off the queue.
func TestConsoleAnswerReviews(t *testing.T) {
	h := setupOn(t, answerConsoleRedisDB)
	seed := seedInbox(t, h)
	a := draftAnswer(t, h, "writer", seed.overdue.ID, map[string]any{"text": "您好，咨询电话已更正为 0371-12345678。"})
	card := `id="answer-` + itoa(a.ID) + `"`
	hash := `name="body_hash" value="` + a.BodyHash + `"`
	password := `id="apassword-` + itoa(a.ID) + `"`

	reviewer := h.consoleAs(t, "reviewer")
	mustShow(t, "reviewer /reviews", reviewer.open("/reviews"), []string{`id="answers"`, "待审签的答复", card, hash,
		"您好，咨询电话已更正为 0371-12345678。", personalIDMasked, "writer（采编、审核员）起草", "网站找错",
		`data-api="/api/v1/answers/` + itoa(a.ID) + `/signoff"`, `data-next="/inbox/` + itoa(seed.overdue.ID) + `#answer-{id}"`},
		[]string{personalID, password, "visitor-1"})
	mustShow(t, "reviewer /", reviewer.open("/"), []string{"另有 1 条留言答复待审签", `href="/reviews#answers"`}, nil)
	mustShow(t, "deputy /reviews", h.consoleAs(t, "deputy").open("/reviews"), []string{card, hash, password}, nil)
	writer := h.consoleAs(t, "writer")
	mustShow(t, "writer /reviews", writer.open("/reviews"), []string{"暂无待审签的留言答复"}, []string{card, hash})
	mustShow(t, "writer /", writer.open("/"), nil, []string{"条留言答复待审签"})
	mustShow(t, "editor /reviews", h.consoleAs(t, "editor").open("/reviews"), nil, []string{`id="answers"`, card})

	sign := fmt.Sprintf("/api/v1/answers/%d/signoff", a.ID)
	h.consoleAs(t, "deputy").expect("POST", sign, map[string]any{"body_hash": a.BodyHash, "decision": "approve"}, 403, "step_up_required")
	reviewer.expect("POST", sign, map[string]any{"body_hash": a.BodyHash, "decision": "reject"}, 422, "validation_failed")
	reviewer.expect("POST", sign, map[string]any{"body_hash": a.BodyHash, "decision": "approve"}, 200, "")
	mustShow(t, "reviewer /reviews after signing", reviewer.open("/reviews"), []string{"暂无待审签的留言答复"}, []string{card})
	mustShow(t, "the message page", reviewer.open("/inbox/"+itoa(seed.overdue.ID)), []string{card, "已审签，待发送", "reviewer（"}, nil)
}
