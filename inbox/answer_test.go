package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/tasks"
)

// noSignoff is a unit policy under which answers go out without sign-off.
func noSignoff(context.Context, int64) (bool, tongfa.Tier, error) { return false, "", nil }

// errCode is the stable code of err ("" when it has none).
func errCode(err error) string {
	var te *tongfa.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return ""
}

// oneMessage raises a website error report, pushed to the hub, and
// returns it as stored.
func (e *env) oneMessage(t *testing.T, text string) tongfa.Message {
	t.Helper()
	e.raise(t, sim.Inbound{Platform: "website", Kind: "error_report", User: "visitor-1", Text: text})
	ms := e.messages(t)
	if len(ms) == 0 {
		t.Fatal("the pushed message was not stored")
	}
	return ms[0]
}

// TestAnswerBlockedByChecker: an answer with a blocking finding is
// refused and nothing is stored; personal data is masked in what is
// stored and sent; channel limits and the private reason are enforced.
func TestAnswerBlockedByChecker(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := e.oneMessage(t, "办事指南页面的电话打不通")
	editor := e.as(t, "editor")

	_, err := e.svc.Answer(ctx, editor, m.ID, inbox.AnswerInput{Text: "您好，本店可代开发票，欢迎联系"})
	if errCode(err) != tongfa.EBlocked {
		t.Fatalf("blocked answer: %v, want %s", err, tongfa.EBlocked)
	}
	var te *tongfa.Error
	errors.As(err, &te)
	if c, ok := te.Data.(map[string]any)["check"].(*inbox.AnswerCheck); !ok || len(c.Findings) == 0 || c.Findings[0].Rule != "代开发票" {
		t.Fatalf("the refusal carries the findings: %+v", te.Data)
	}
	if v, err := e.svc.Get(ctx, editor, m.ID); err != nil {
		t.Fatal(err)
	} else if as, _ := e.svc.Answers(ctx, v); len(as) != 0 {
		t.Fatalf("a blocked answer was stored: %+v", as)
	}
	c, err := e.svc.CheckAnswer(ctx, editor, m.ID, "您好，本店可代开发票")
	if err != nil || !c.Blocked {
		t.Fatalf("live check: %+v %v", c, err)
	}

	if _, err := e.svc.Answer(ctx, editor, m.ID, inbox.AnswerInput{Text: "已更正", Private: true}); errCode(err) != tongfa.EInvalid {
		t.Fatalf("private without a reason: %v", err)
	}
	const id = "11010519491231002X"
	a, err := e.svc.Answer(ctx, editor, m.ID, inbox.AnswerInput{Text: "您好，已联系身份证号 " + id + " 的网民，页面已更正。"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.Body, id) || !strings.Contains(a.Body, "1101") || a.State != tongfa.AnswerPending || a.Tier != "routine" {
		t.Fatalf("stored answer %+v: want masked, pending routine sign-off", a)
	}
	if stored, _ := e.db.Answer(ctx, a.ID); strings.Contains(string(stored.Findings), id) || !strings.Contains(string(stored.Findings), "id_card") {
		t.Fatalf("the stored findings keep the ID number: %s", stored.Findings)
	}
	if _, err := e.svc.Answer(ctx, editor, m.ID, inbox.AnswerInput{Text: "第二条答复"}); errCode(err) != tongfa.EConflict {
		t.Fatalf("a second live answer: %v", err)
	}
	if _, err := e.svc.Answer(ctx, e.as(t, "auditor"), m.ID, inbox.AnswerInput{Text: "答复"}); errCode(err) != tongfa.EForbidden {
		t.Fatalf("an auditor answering: %v", err)
	}

	reg := all.New(e.rdb, 5*time.Second)
	acc, status := e.publishWeibo(t, reg)
	e.raise(t, sim.Inbound{Platform: "weibo", Kind: "comment", PostID: status, User: "网友", Text: "请问什么时候恢复供水？"})
	if _, err := (&inbox.Poller{Inbox: e.svc, Box: e.box, Weibo: reg.Weibo}).PollAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	wb := e.messages(t)[0]
	_, err = e.svc.Answer(ctx, editor, wb.ID, inbox.AnswerInput{Text: strings.Repeat("预计今晚恢复。", 21)})
	if errCode(err) != tongfa.EBlocked || !strings.Contains(err.Error(), "140") {
		t.Fatalf("a Weibo answer over 140 characters: %v", err)
	}
}

// TestAnswerSignoff: by default a reviewer of the unit signs the exact
// text; the author cannot; a deputy tier needs the deputy and the
// password; a unit without sign-off queues answers at once.
func TestAnswerSignoff(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rec := &taskLog{}
	e.svc.Tasks = rec
	robots := &robotLog{}
	e.svc.Notify = robots
	m := e.oneMessage(t, "新闻页面日期写错了")
	a, err := e.svc.Answer(ctx, e.as(t, "editor"), m.ID, inbox.AnswerInput{Text: "感谢指正，已更正。"})
	if err != nil || a.State != tongfa.AnswerPending || len(rec.ids) != 0 {
		t.Fatalf("draft: %+v %v queued %v", a, err, rec.ids)
	}
	if len(robots.msgs) != 1 || !strings.Contains(robots.msgs[0], "待审签的留言答复") || !strings.Contains(robots.msgs[0], "审核员") {
		t.Fatalf("the unit's robots were told %q", robots.msgs)
	}
	if list, _ := e.svc.ToSign(ctx, e.as(t, "reviewer")); len(list) != 1 || list[0].Answer.ID != a.ID {
		t.Fatalf("reviewer's queue: %+v", list)
	}
	if list, _ := e.svc.ToSign(ctx, e.as(t, "editor")); len(list) != 0 {
		t.Fatalf("the author's queue: %+v", list)
	}
	noStepUp := func(context.Context, *access.Principal, string) error { return errors.New("no step-up for routine") }
	approve := inbox.SignInput{BodyHash: a.BodyHash, Decision: "approve"}
	for _, c := range []struct {
		who  string
		in   inbox.SignInput
		code string
	}{
		{"editor", approve, tongfa.ESeparation},
		{"auditor", approve, tongfa.EForbidden},
		{"reviewer", inbox.SignInput{BodyHash: strings.Repeat("0", 64), Decision: "approve"}, tongfa.EStaleVersion},
		{"reviewer", inbox.SignInput{BodyHash: a.BodyHash, Decision: "reject"}, tongfa.EInvalid},
	} {
		if _, err := e.svc.Sign(ctx, e.as(t, c.who), a.ID, c.in, noStepUp); errCode(err) != c.code {
			t.Errorf("%s %s: %v, want %s", c.who, c.in.Decision, err, c.code)
		}
	}
	if got, err := e.svc.Sign(ctx, e.as(t, "reviewer"), a.ID, approve, noStepUp); err != nil || got.State != tongfa.AnswerApproved {
		t.Fatalf("reviewer approves: %+v %v", got, err)
	}
	if len(rec.ids) != 1 || rec.ids[0] != a.ID {
		t.Fatalf("approved answer queued: %v", rec.ids)
	}
	if _, err := e.svc.Sign(ctx, e.as(t, "reviewer"), a.ID, approve, noStepUp); errCode(err) != tongfa.EInvalidState {
		t.Fatalf("signing twice: %v", err)
	}

	// A deputy tier: the reviewer may not sign, the deputy signs with the password.
	e.svc.AnswerPolicy = func(context.Context, int64) (bool, tongfa.Tier, error) { return true, tongfa.TierDeputy, nil }
	m2 := e.oneMessage(t, "附件下载失败")
	a2, err := e.svc.Answer(ctx, e.as(t, "editor"), m2.ID, inbox.AnswerInput{Text: "已修复附件链接。"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Sign(ctx, e.as(t, "reviewer"), a2.ID, inbox.SignInput{BodyHash: a2.BodyHash, Decision: "approve"}, noStepUp); errCode(err) != tongfa.EForbidden {
		t.Fatalf("reviewer on a deputy answer: %v", err)
	}
	var password string
	stepUp := func(_ context.Context, _ *access.Principal, pw string) error { password = pw; return nil }
	if _, err := e.svc.Sign(ctx, e.as(t, "deputy"), a2.ID, inbox.SignInput{BodyHash: a2.BodyHash, Decision: "approve", Password: "pw"}, stepUp); err != nil || password != "pw" {
		t.Fatalf("deputy approves: %v (password %q)", err, password)
	}

	// Withdrawn by the author while pending; then no sign-off at all.
	m3 := e.oneMessage(t, "栏目标题有错别字")
	a3, _ := e.svc.Answer(ctx, e.as(t, "editor"), m3.ID, inbox.AnswerInput{Text: "已改正。"})
	if err := e.svc.WithdrawAnswer(ctx, e.as(t, "editor"), a3.ID); err != nil {
		t.Fatal(err)
	}
	e.svc.AnswerPolicy = noSignoff
	a4, err := e.svc.Answer(ctx, e.as(t, "editor"), m3.ID, inbox.AnswerInput{Text: "已改正，谢谢。"})
	if err != nil || a4.State != tongfa.AnswerApproved || rec.ids[len(rec.ids)-1] != a4.ID {
		t.Fatalf("no sign-off: %+v %v %v", a4, err, rec.ids)
	}
}

// routeMessages raises one message for every route an answer takes —
// a WeChat message (pushed), a WeChat article comment, a Weibo comment,
// an app comment and a website error report (pushed) — n of each, takes
// them in, and returns them.
func (e *env) routeMessages(t *testing.T, reg *all.Registry, n int) []tongfa.Message {
	t.Helper()
	ctx := context.Background()
	pid := e.publishWeChat(t, reg)
	wb, status := e.publishWeibo(t, reg)
	for i := range n {
		e.raise(t, sim.Inbound{Platform: "wechat", Kind: "message", Account: "wx77", User: fmt.Sprint("openid-", i), Text: fmt.Sprintf("请问%d号窗口几点下班？", i)})
		e.raise(t, sim.Inbound{Platform: "wechat", Kind: "comment", PostID: pid, User: fmt.Sprint("openid-c", i), Text: fmt.Sprintf("第%d条：供暖什么时候开始？", i)})
		e.raise(t, sim.Inbound{Platform: "weibo", Kind: "comment", PostID: status, User: fmt.Sprint("网友", i), Text: fmt.Sprintf("第%d条：请问明天停课吗？", i)})
		e.raise(t, sim.Inbound{Platform: "app", Kind: "comment", User: fmt.Sprint("u", i), Text: fmt.Sprintf("第%d条：建议增加公交线路", i)})
		e.raise(t, sim.Inbound{Platform: "website", Kind: "error_report", User: fmt.Sprint("v", i), Text: fmt.Sprintf("第%d页的链接失效", i)})
	}
	p := &inbox.Poller{Inbox: e.svc, Box: e.box, WeChat: reg.WeChat, Weibo: reg.Weibo, App: reg.App, Website: reg.Website}
	for _, acc := range []*tongfa.Account{e.accounts[tongfa.PlatformWeChat], wb, e.accounts[tongfa.PlatformApp]} {
		if _, err := p.PollAccount(ctx, acc); err != nil {
			t.Fatal(err)
		}
	}
	ms := e.messages(t)
	if len(ms) != 5*n {
		t.Fatalf("%d messages taken in, want %d", len(ms), 5*n)
	}
	return ms
}

func (e *env) sender(reg *all.Registry, owner string) *inbox.Sender {
	return &inbox.Sender{DB: e.db, Box: e.box, Repliers: reg, Website: reg.Website, Owner: owner}
}

// TestAnswersReachEveryChannel: an answer on each route arrives once,
// makes its message answered, and is disclosed on the website, masked,
// unless marked private.
func TestAnswersReachEveryChannel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.svc.AnswerPolicy = noSignoff
	reg := all.New(e.rdb, 5*time.Second)
	ms := e.routeMessages(t, reg, 1)
	s := e.sender(reg, "w1")
	answers := map[int64]*tongfa.Answer{}
	for i, m := range ms {
		in := inbox.AnswerInput{Text: fmt.Sprintf("您好，已收到您的留言（%s），联系电话 13812345678。", m.Platform)}
		if i == 0 {
			in.Private, in.PrivateReason = true, "涉及个人隐私"
		}
		a, err := e.svc.Answer(ctx, e.as(t, "editor"), m.ID, in)
		if err != nil {
			t.Fatalf("%s %s: %v", m.Platform, m.Kind, err)
		}
		if err := s.Send(ctx, a.ID); err != nil {
			t.Fatalf("send %s %s: %v", m.Platform, m.Kind, err)
		}
		answers[m.ID] = a
	}
	replies := e.sim.Replies()
	if len(replies) != len(ms) {
		t.Fatalf("%d replies on the platforms, want %d: %+v", len(replies), len(ms), replies)
	}
	for _, r := range replies {
		if r.Received != 1 || strings.Contains(r.Text, "13812345678") {
			t.Errorf("reply %+v: want once, phone masked", r)
		}
	}
	disclosed := 0
	for _, p := range e.sim.Posts() {
		if p.Platform == "website" && strings.HasPrefix(p.Title, "网民留言答复") {
			disclosed++
		}
	}
	if disclosed != len(ms)-1 {
		t.Errorf("%d disclosures on the website, want %d (one answer is private)", disclosed, len(ms)-1)
	}
	for i, m := range e.messages(t) {
		a, _ := e.db.Answer(ctx, answers[m.ID].ID)
		if m.State != tongfa.MessageAnswered || m.AnsweredAt == nil || a.State != tongfa.AnswerSent || a.Steps["reply_id"] == "" {
			t.Errorf("message %d (%s %s) %s, answer %s %v", m.ID, m.Platform, m.Kind, m.State, a.State, a.Steps)
		}
		want := tongfa.DisclosureDone
		if m.ID == ms[0].ID {
			want = tongfa.DisclosurePrivate
		}
		if a.DisclosureState != want || (want == tongfa.DisclosureDone) != (a.DisclosureURL != "") {
			t.Errorf("answer %d disclosure %q %q, want %s", i, a.DisclosureState, a.DisclosureURL, want)
		}
	}
}

// TestAnswerLookupFailureKeepsMark: a reply whose answer was lost is
// never resent because the look-up that should settle it failed. A
// look-up that fails for now leaves the answer to try again, still marked
// in flight; one the platform refuses for good leaves it to a person.
func TestAnswerLookupFailureKeepsMark(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.svc.AnswerPolicy = noSignoff
	reg := all.New(e.rdb, 3*time.Second)
	var comments []tongfa.Message
	for _, m := range e.routeMessages(t, reg, 2) {
		if m.Platform == string(tongfa.PlatformWeibo) {
			comments = append(comments, m)
		}
	}
	s := e.sender(reg, "w1")
	lookupFails := func(f sim.Fault) {
		e.sim.SetFaults(sim.Faults{Weibo: sim.PlatformFaults{Endpoints: map[string]sim.Fault{
			"2/comments/reply.json": {LostRate: 1, LostMode: "502"},
			"2/comments/by_me.json": f,
		}}})
	}
	send := func(m tongfa.Message) *tongfa.Answer {
		a, err := e.svc.Answer(ctx, e.as(t, "editor"), m.ID, inbox.AnswerInput{Text: fmt.Sprintf("您好，关于留言 %s 的答复：已转相关部门办理。", m.PlatformMsgID)})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 { // lost, then looked up in vain twice
			if err := s.Send(ctx, a.ID); err == nil {
				t.Fatalf("answer %d: a lost reply or a failed look-up ended the attempt well", a.ID)
			}
		}
		a, _ = e.db.Answer(ctx, a.ID)
		return a
	}

	lookupFails(sim.Fault{Down: true})
	a := send(comments[0])
	if a.State != tongfa.AnswerApproved || a.Steps["inflight"] == "" {
		t.Fatalf("after failed look-ups: %s, steps %v", a.State, a.Steps)
	}
	if rs := e.sim.Replies(); len(rs) != 1 || rs[0].Received != 1 {
		t.Fatalf("the lost reply was sent again: %+v", rs)
	}
	e.sim.SetFaults(sim.Faults{})
	if err := s.Send(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if a, _ = e.db.Answer(ctx, a.ID); a.State != tongfa.AnswerSent || a.Steps["reply_id"] == "" {
		t.Fatalf("found on the platform: %s %v", a.State, a.Steps)
	}

	lookupFails(sim.Fault{ErrorRate: 1, ErrorCode: 10014})
	a2, err := e.svc.Answer(ctx, e.as(t, "editor"), comments[1].ID, inbox.AnswerInput{Text: "已转交教育局答复。"})
	if err != nil {
		t.Fatal(err)
	}
	s.Send(ctx, a2.ID) //nolint:errcheck // lost on purpose
	if err := s.Send(ctx, a2.ID); err != nil {
		t.Fatalf("a refused look-up is for a person, not a retry: %v", err)
	}
	if a2, _ = e.db.Answer(ctx, a2.ID); a2.State != tongfa.AnswerUnconfirmed || !strings.Contains(a2.LastError, "核实") {
		t.Fatalf("refused look-up: %s %q", a2.State, a2.LastError)
	}

	for _, r := range e.sim.Replies() {
		if r.Duplicates != 0 {
			t.Errorf("duplicate answer on %s to %s", r.Platform, r.Target)
		}
	}
	if got := len(e.sim.Replies()); got != 2 {
		t.Errorf("%d answers on the platforms, want 2", got)
	}
}

// TestAnswersExactlyOnceUnderFaults: every platform fails 20% of
// requests, loses 10% of answers after applying them, rate-limits and
// expires tokens; two senders work the same answers at once, and one
// sender dies holding leases. Every answer arrives exactly once: where the
// platform can be asked (comments, keyed APIs) automatically; a WeChat
// customer-service message whose answer was lost waits for a person, who
// confirms it, and is never sent blindly again.
func TestAnswersExactlyOnceUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	e := newEnv(t)
	ctx := context.Background()
	e.svc.AnswerPolicy = noSignoff
	reg := all.New(e.rdb, 3*time.Second)
	ms := e.routeMessages(t, reg, 8)
	var ids []int64
	for _, m := range ms {
		a, err := e.svc.Answer(ctx, e.as(t, "editor"), m.ID, inbox.AnswerInput{Text: fmt.Sprintf("您好，关于留言 %s 的答复：已转相关部门办理。", m.PlatformMsgID)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	// A sender that dies mid-request: lease taken, request marked in flight.
	for _, id := range ids[:5] {
		if a, err := e.db.ClaimAnswer(ctx, id, "dead", 300*time.Millisecond); err != nil || a == nil {
			t.Fatalf("claim %d: %v", id, err)
		}
		if err := e.db.SaveAnswerSteps(ctx, id, "dead", map[string]string{"inflight": "2026-11-23T00:00:00Z"}); err != nil {
			t.Fatal(err)
		}
	}
	fault := func(lost string) sim.PlatformFaults {
		return sim.PlatformFaults{ExpireTokens: true, Fault: sim.Fault{ErrorRate: 0.2, LostRate: 0.1, LostMode: lost, RateLimitRate: 0.05}}
	}
	e.sim.SetFaults(sim.Faults{WeChat: fault("reset"), Weibo: fault("502"), App: fault("reset"), Website: fault("502")})

	senders := []*inbox.Sender{e.sender(reg, "w1"), e.sender(reg, "w2")}
	robots := &robotLog{}
	for _, s := range senders {
		s.Notify = robots
	}
	settle := func() {
		for round := 0; round < 200; round++ {
			open := 0
			var wg sync.WaitGroup
			for _, id := range ids {
				a, _ := e.db.Answer(ctx, id)
				if (a.State == tongfa.AnswerApproved || a.State == tongfa.AnswerSending) || a.DisclosureState == tongfa.DisclosurePending {
					open++
					for _, s := range senders {
						wg.Add(1)
						go func() { defer wg.Done(); s.Send(ctx, id) }() //nolint:errcheck // retried next round
					}
				}
			}
			wg.Wait()
			if open == 0 {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("answers still open after 200 rounds")
	}
	settle()

	// A person checks each unconfirmed customer-service message on the
	// platform and says whether it arrived.
	received := map[string]int{}
	for _, r := range e.sim.Replies() {
		received[r.Target] += r.Received
	}
	unconfirmed := 0
	for i, id := range ids {
		a, _ := e.db.Answer(ctx, id)
		switch {
		case a.State == tongfa.AnswerUnconfirmed && a.Route == inbox.RouteCustomerService:
			unconfirmed++
			arrived := received[ms[i].Author] > 0
			if err := e.svc.Confirm(ctx, e.as(t, "editor"), id, arrived); err != nil {
				t.Fatal(err)
			}
		case a.State != tongfa.AnswerSent:
			t.Errorf("answer %d (%s) ended %s: %s", id, a.Route, a.State, a.LastError)
		}
	}
	e.sim.SetFaults(sim.Faults{})
	settle()
	attempts := 0
	for _, id := range ids {
		a, _ := e.db.Answer(ctx, id)
		attempts += a.Attempts
	}
	lookups := e.sim.Calls("weibo", "2/comments/by_me.json") + e.sim.Calls("wechat", "cgi-bin/comment/list")
	t.Logf("%d answers, %d attempts, %d look-ups before a resend, %d customer-service answers confirmed by a person",
		len(ids), attempts, lookups, unconfirmed)
	told := 0
	for _, m := range robots.msgs {
		if strings.Contains(m, "留言答复待核实") {
			told++
		}
	}
	if told != unconfirmed {
		t.Errorf("%d unconfirmed answers, %d robot messages about them", unconfirmed, told)
	}
	if attempts <= len(ids) || lookups == 0 {
		t.Errorf("the faults did not bite: %d attempts, %d look-ups", attempts, lookups)
	}

	for _, r := range e.sim.Replies() {
		if r.Duplicates != 0 {
			t.Errorf("duplicate answer on %s to %s: %+v", r.Platform, r.Target, r)
		}
	}
	if got := len(e.sim.Replies()); got != len(ids) {
		t.Errorf("%d answers on the platforms, want %d", got, len(ids))
	}
	for _, m := range e.messages(t) {
		if m.State != tongfa.MessageAnswered {
			t.Errorf("message %d (%s %s) is %s", m.ID, m.Platform, m.Kind, m.State)
		}
	}
	for _, p := range e.sim.Posts() {
		if p.Duplicates != 0 {
			t.Errorf("disclosure posted twice: %+v", p)
		}
	}
}

// taskLog records the answers handed to the queue.
type taskLog struct{ ids []int64 }

func (l *taskLog) EnqueueContext(_ context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	id, err := tasks.RecordID(t)
	l.ids = append(l.ids, id)
	return &asynq.TaskInfo{}, err
}
