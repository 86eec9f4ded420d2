package wechat_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/wechat"
)

const aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

// callback points the account's message push at a server that reads it
// with wechat.ReadPush (in safe mode with aes) and hands over the
// MASSSENDJOBFINISH events.
func (m *massSetup) callback(t *testing.T, aes bool) chan *wechat.MassJobFinished {
	ch := make(chan *wechat.MassJobFinished, 10)
	creds := map[string]string{"app_id": m.appID, "app_secret": "secret", "callback_token": "tok"}
	cb := sim.WeChatCallback{Token: "tok"}
	if aes {
		creds["encoding_aes_key"], cb.AESKey = aesKey, aesKey
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := wechat.ReadPush(r, creds)
		if err != nil {
			t.Errorf("read push: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if p.MassJob != nil {
			ch <- p.MassJob
		}
		w.Write([]byte("success")) //nolint:errcheck
	}))
	t.Cleanup(ts.Close)
	cb.URL = ts.URL
	m.Sim.SetCallbacks(sim.Callbacks{WeChat: map[string]sim.WeChatCallback{m.appID: cb}})
	return ch
}

func next(t *testing.T, ch chan *wechat.MassJobFinished) *wechat.MassJobFinished {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no MASSSENDJOBFINISH push")
		return nil
	}
}

// newProtected is an account with mass-send protection (群发保护) whose
// confirmation window is a second instead of 30 minutes.
func newProtected(t *testing.T) *massSetup {
	m := newMassSetup(t, sim.Options{MassConfirmWithin: time.Second},
		map[string]string{"wechat_type": "service", "mass_protection": "on"})
	m.client.ConfirmWithin = time.Second
	m.Sim.SetWechatAccount(m.appID, sim.WechatAccount{Type: "service", Followers: 500, Refusing: 20, Protection: true})
	return m
}

func TestProtectionUnconfirmedExpires(t *testing.T) {
	ctx := context.Background()
	m := newProtected(t)
	pushes := m.callback(t, true)
	ed, s := m.edition("待确认的群发"), connectortest.NewSteps()
	r, err := m.client.SendEdition(ctx, m.acc, ed, s)
	if err != nil || r.State != wechat.MassAwaitingConfirmation || r.State.Label() != "待管理员在手机上确认" ||
		r.ConfirmBy.Sub(r.SentAt) != time.Second {
		t.Fatalf("send: %+v %v", r, err)
	}
	ev := next(t, pushes)
	if ev.Status != "err(40002)" || ev.State != wechat.MassFailed || !strings.Contains(ev.Reason, "30 分钟内确认") {
		t.Fatalf("push %+v", ev)
	}
	st, err := m.client.MassStatus(ctx, m.acc, s)
	if err != nil || st.State != wechat.MassFailed || !strings.Contains(st.Reason, "管理员未在 30 分钟内确认") {
		t.Fatalf("status before the push is recorded: %+v %v", st, err)
	}
	rec, err := wechat.RecordMassJob(ctx, s, ev)
	if err != nil || rec.State != wechat.MassFailed || rec.Reason != ev.Reason {
		t.Fatalf("recorded: %+v %v", rec, err)
	}
	if n := len(m.sent(t, "mass")); n != 0 {
		t.Fatalf("%d mass posts for an unconfirmed send", n)
	}
	if again, err := m.client.SendEdition(ctx, m.acc, ed, s); err != nil || again.State != wechat.MassFailed {
		t.Fatalf("calling again sends nothing new: %+v %v", again, err)
	}
}

func TestProtectionConfirmedCompletes(t *testing.T) {
	ctx := context.Background()
	m := newProtected(t)
	pushes := m.callback(t, false)
	ed, s := m.edition("管理员确认后群发", "第二篇"), connectortest.NewSteps()
	r, err := m.client.SendEdition(ctx, m.acc, ed, s)
	if err != nil || r.State != wechat.MassAwaitingConfirmation {
		t.Fatalf("send: %+v %v", r, err)
	}
	if _, err := m.Sim.ConfirmMass(m.appID, 0, true); err != nil {
		t.Fatal(err)
	}
	ev := next(t, pushes)
	if ev.MsgID != r.MsgID || ev.State != wechat.MassSent || ev.TotalCount != 500 || ev.FilterCount != 480 ||
		ev.SentCount != 480 || ev.ErrorCount != 0 || len(ev.ArticleURLs) != 2 || ev.Copyright.CheckState != 1 {
		t.Fatalf("push %+v", ev)
	}
	if _, err := wechat.RecordMassJob(ctx, s, ev); err != nil {
		t.Fatal(err)
	}
	st, err := m.client.MassStatus(ctx, m.acc, s)
	if err != nil || st.State != wechat.MassSent || st.Result == nil || st.Result.SentCount != 480 {
		t.Fatalf("status: %+v %v", st, err)
	}
	if p := m.sent(t, "mass"); len(p) != 1 || p[0].Notified != 480 {
		t.Fatalf("mass posts %+v", p)
	}
	other := connectortest.NewSteps()
	other.Save(ctx, wechat.StepMsgID, "42") //nolint:errcheck
	if _, err := wechat.RecordMassJob(ctx, other, ev); err == nil {
		t.Fatal("a push for another send was recorded")
	}
}

// TestOriginalContentCheck: an article WeChat finds in its library of
// originals stops the send unless the edition ignores reprints; a send
// that failed leaves the day's quota.
func TestOriginalContentCheck(t *testing.T) {
	ctx := context.Background()
	m := newMassSetup(t, sim.Options{}, map[string]string{"wechat_type": "subscription"})
	pushes := m.callback(t, false)
	ed := m.edition("本地新闻", "转载：【原创库】某报评论")
	r, err := m.client.SendEdition(ctx, m.acc, ed, connectortest.NewSteps())
	if err != nil || r.State != wechat.MassFailed {
		t.Fatalf("send: %+v %v", r, err)
	}
	ev := next(t, pushes)
	cp := ev.Copyright
	if ev.Status != "err(30003)" || !strings.Contains(ev.Reason, "原创校验") || cp.CheckState != 3 || len(cp.Articles) != 1 ||
		cp.Articles[0].ArticleIdx != 2 || !cp.Articles[0].CanReprint || !cp.Articles[0].NeedShowReprintSource {
		t.Fatalf("push %+v", ev)
	}
	ed.IgnoreReprint = true
	r, err = m.client.SendEdition(ctx, m.acc, ed, connectortest.NewSteps())
	if err != nil || r.State != wechat.MassSent {
		t.Fatalf("send ignoring reprints: %+v %v", r, err)
	}
	if ev := next(t, pushes); ev.Copyright.CheckState != 2 || ev.State != wechat.MassSent {
		t.Fatalf("push %+v", ev)
	}
}
