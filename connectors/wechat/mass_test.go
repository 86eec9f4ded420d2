package wechat_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/wechat"
)

// massSetup is a setup with an account to mass-send from.
type massSetup struct {
	*setup
	acc connectors.Account
	n   int
}

func newMassSetup(t *testing.T, so sim.Options, settings map[string]string) *massSetup {
	so.Seed = 1
	st := newSetupSim(t, media.Options{}, so)
	acc := st.Post("").Account
	acc.Settings = settings
	return &massSetup{setup: st, acc: acc}
}

// edition returns an edition of the titles, each article with an inline
// image and no cover (the default one).
func (m *massSetup) edition(titles ...string) *wechat.Edition {
	m.n++
	ed := &wechat.Edition{ID: fmt.Sprintf("e%d", m.n)}
	for i, title := range titles {
		ed.Articles = append(ed.Articles, connectors.Payload{Title: title, Digest: "摘要", Author: "市政府办",
			HTML: fmt.Sprintf(`<p>%s</p><p><img src="%s/wechat/mmbiz/%d.png"></p>`, title, m.Server.URL, i),
			Link: fmt.Sprintf("https://www.example.gov.cn/art/%s-%d.html", ed.ID, i)})
	}
	return ed
}

// sent returns the account's posts of kind, and fails on any duplicate.
func (m *massSetup) sent(t *testing.T, kind string) []sim.Post {
	t.Helper()
	var out []sim.Post
	for _, p := range m.Sim.Posts() {
		if p.Account == m.appID && p.Kind == kind {
			out = append(out, p)
		}
		if p.Duplicates != 0 {
			t.Fatalf("duplicate post %+v", p)
		}
	}
	return out
}

func TestEditionIsOneMassPost(t *testing.T) {
	ctx := context.Background()
	m := newMassSetup(t, sim.Options{}, nil)
	ed, s := m.edition("头条：全市防汛工作会议召开", "二条：城区道路施工公告", "三条：政策解读"), connectortest.NewSteps()
	r, err := m.client.SendEdition(ctx, m.acc, ed, s)
	if err != nil || r.State != wechat.MassSent || r.MsgID == "" || r.ClientMsgID != ed.ClientMsgID() {
		t.Fatalf("send: %+v %v", r, err)
	}
	posts := m.sent(t, "mass")
	if len(posts) != 1 || posts[0].ID != r.MsgID || posts[0].Notified != 1000 || len(posts[0].Articles) != 3 {
		t.Fatalf("mass posts %+v", posts)
	}
	for i, a := range posts[0].Articles {
		if a.Title != ed.Articles[i].Title {
			t.Errorf("article %d is %q, want %q", i+1, a.Title, ed.Articles[i].Title)
		}
	}
	again, err := m.client.SendEdition(ctx, m.acc, ed, s)
	if err != nil || again.MsgID != r.MsgID {
		t.Fatalf("again: %+v %v", again, err)
	}
	calls := map[string]int{"cgi-bin/message/mass/sendall": 1, "cgi-bin/draft/add": 1, "cgi-bin/material/add_material": 1}
	for ep, want := range calls {
		if n := m.Sim.Calls("wechat", ep); n != want {
			t.Errorf("%s called %d times, want %d (one draft, one shared default cover, one send)", ep, n, want)
		}
	}
}

// TestLostSendAllIsSentOnce: the answer to sendall is lost after WeChat
// took it; the retry carries the same clientmsgid, WeChat answers 45065
// with the msg_id, and the edition is one mass send.
func TestLostSendAllIsSentOnce(t *testing.T) {
	for _, mode := range []string{"reset", "timeout", "502"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			m := newMassSetup(t, sim.Options{}, map[string]string{"wechat_type": "subscription"})
			ed, s := m.edition("应答丢失的群发"), connectortest.NewSteps()
			m.EndpointFault("cgi-bin/message/mass/sendall", sim.Fault{LostRate: 1, LostMode: mode})
			_, err := m.client.SendEdition(ctx, m.acc, ed, s)
			connectortest.WantClass(t, err, connectors.Unconfirmed)
			if _, ok := s.Get(wechat.StepMassSent); !ok {
				t.Fatal("mass_sent was not saved before the send")
			}
			m.Sim.SetFaults(sim.Faults{})
			r, err := m.client.SendEdition(ctx, m.acc, ed, s)
			if err != nil || r.State != wechat.MassSent {
				t.Fatalf("retry: %+v %v", r, err)
			}
			if posts := m.sent(t, "mass"); len(posts) != 1 || posts[0].ID != r.MsgID {
				t.Fatalf("mass posts %+v, receipt %+v", posts, r)
			}
		})
	}
}

func TestQuotaExhaustedIsPermanent(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, kind string
		sends      int
		want       string
	}{
		{"subscription: once a day", "subscription", 1, "今日群发次数已用完（订阅号每天 1 次）"},
		{"service: four a month", "service", 4, "本月群发次数已用完（服务号每月 4 次）"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newMassSetup(t, sim.Options{}, map[string]string{"wechat_type": c.kind})
			m.Sim.SetWechatAccount(m.appID, sim.WechatAccount{Type: c.kind, Followers: 20})
			for range c.sends {
				if _, err := m.client.SendEdition(ctx, m.acc, m.edition("配额内"), connectortest.NewSteps()); err != nil {
					t.Fatal(err)
				}
			}
			_, err := m.client.SendEdition(ctx, m.acc, m.edition("超出配额"), connectortest.NewSteps())
			ce := connectortest.WantClass(t, err, connectors.Permanent)
			if ce.Code != "45028" || !strings.Contains(ce.Message, c.want) {
				t.Fatalf("error %+v", ce)
			}
			if n := len(m.sent(t, "mass")); n != c.sends {
				t.Fatalf("%d mass sends, want %d", n, c.sends)
			}
		})
	}
}

func TestPreviewUsesNoQuota(t *testing.T) {
	ctx := context.Background()
	m := newMassSetup(t, sim.Options{}, map[string]string{"wechat_type": "subscription"})
	ed, s := m.edition("先预览再群发", "第二篇"), connectortest.NewSteps()
	for range 2 {
		if err := m.client.Preview(ctx, m.acc, ed, "editor_zhang", s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.client.SendEdition(ctx, m.acc, ed, s); err != nil {
		t.Fatalf("the day's send after previews: %v", err)
	}
	if p, n := m.sent(t, "preview"), len(m.sent(t, "mass")); len(p) != 2 || p[0].Notified != 1 || n != 1 {
		t.Fatalf("previews %+v, mass sends %d", p, n)
	}
	if n := m.Sim.Calls("wechat", "cgi-bin/draft/add"); n != 1 {
		t.Fatalf("draft/add called %d times: the previews' draft should serve the send", n)
	}
	err := m.client.Preview(ctx, m.acc, ed, " ", nil)
	connectortest.WantClass(t, err, connectors.Permanent)
	one := &wechat.Edition{Articles: ed.Articles[:1]} // an article not yet in an edition
	if err := m.client.Preview(ctx, m.acc, one, "editor_zhang", nil); err != nil {
		t.Fatalf("preview of one article: %v", err)
	}
}

func TestSendErrorCodes(t *testing.T) {
	cases := []struct {
		fault sim.Fault
		want  connectors.Class
	}{
		{sim.Fault{ErrorRate: 1, ErrorCode: 48001}, connectors.Permanent},
		{sim.Fault{ErrorRate: 1, ErrorCode: 48003}, connectors.Permanent},
		{sim.Fault{ErrorRate: 1, ErrorCode: 45067}, connectors.Permanent},
		{sim.Fault{ErrorRate: 1, ErrorCode: 45066}, connectors.RateLimited},
		{sim.Fault{ErrorRate: 1, ErrorCode: 9500002}, connectors.RateLimited},
		{sim.Fault{ErrorRate: 1, ErrorCode: -1}, connectors.Retryable},
		{sim.Fault{ErrorRate: 1, ErrorCode: 502}, connectors.Unconfirmed},
		{sim.Fault{RateLimitRate: 1, RateLimitCode: 45009}, connectors.RateLimited},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.fault.ErrorCode, c.fault.RateLimitCode), func(t *testing.T) {
			m := newMassSetup(t, sim.Options{}, nil)
			m.EndpointFault("cgi-bin/message/mass/sendall", c.fault)
			_, err := m.client.SendEdition(context.Background(), m.acc, m.edition("错误码"), connectortest.NewSteps())
			connectortest.WantClass(t, err, c.want)
			if n := len(m.sent(t, "mass")); n != 0 {
				t.Fatalf("%d mass sends", n)
			}
		})
	}
}

// TestEditionRules: an edition has 1–8 articles; one changed after it may
// have gone out is not sent again; one unanswered for a day is not
// resent blindly.
func TestEditionRules(t *testing.T) {
	ctx := context.Background()
	m := newMassSetup(t, sim.Options{}, nil)
	nine := m.edition("1", "2", "3", "4", "5", "6", "7", "8", "9")
	_, err := m.client.SendEdition(ctx, m.acc, nine, connectortest.NewSteps())
	connectortest.WantClass(t, err, connectors.Permanent)

	ed, s := m.edition("发出后被修改"), connectortest.NewSteps()
	m.EndpointFault("cgi-bin/message/mass/sendall", sim.Fault{LostRate: 1})
	_, err = m.client.SendEdition(ctx, m.acc, ed, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	m.Sim.SetFaults(sim.Faults{})
	ed.Articles[0].Title = "改过的标题"
	_, err = m.client.SendEdition(ctx, m.acc, ed, s)
	if ce := connectortest.WantClass(t, err, connectors.Permanent); ce.Code != "edition_changed" {
		t.Fatalf("code %q", ce.Code)
	}

	old, s := m.edition("一天前的群发"), connectortest.NewSteps()
	s.Save(ctx, wechat.StepMassSent, time.Now().Add(-25*time.Hour).UTC().Format(time.RFC3339)) //nolint:errcheck
	s.Save(ctx, wechat.StepClientMsgID, old.ClientMsgID())                                     //nolint:errcheck
	_, err = m.client.SendEdition(ctx, m.acc, old, s)
	if ce := connectortest.WantClass(t, err, connectors.Permanent); ce.Code != "unverifiable" {
		t.Fatalf("code %q", ce.Code)
	}
	if n := m.Sim.Calls("wechat", "cgi-bin/message/mass/sendall"); n != 1 {
		t.Fatalf("sendall called %d times, want only the first lost one", n)
	}
}

// TestWithdrawEdition: one article, then all of them (R11).
func TestWithdrawEdition(t *testing.T) {
	ctx := context.Background()
	m := newMassSetup(t, sim.Options{}, nil)
	s := connectortest.NewSteps()
	if _, err := m.client.SendEdition(ctx, m.acc, m.edition("保留的头条", "更正的二条"), s); err != nil {
		t.Fatal(err)
	}
	if err := m.client.WithdrawEdition(ctx, m.acc, s, 2); err != nil {
		t.Fatal(err)
	}
	if p := m.sent(t, "mass")[0]; p.Deleted || p.Articles[0].Deleted || !p.Articles[1].Deleted {
		t.Fatalf("after deleting article 2: %+v", p)
	}
	if err := m.client.WithdrawEdition(ctx, m.acc, s, 0); err != nil {
		t.Fatal(err)
	}
	r, err := m.client.MassStatus(ctx, m.acc, s)
	if err != nil || r.State != wechat.MassDeleted || !m.sent(t, "mass")[0].Deleted {
		t.Fatalf("after deleting all: %+v %v", r, err)
	}
	err = m.client.WithdrawEdition(ctx, m.acc, connectortest.NewSteps(), 0)
	connectortest.WantClass(t, err, connectors.Permanent)
}
