package wechat_test

import (
	"context"
	"sync"
	"testing"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/redisconn/redistest"
)

// TestPublishStatuses: every failing freepublish/get status ends the
// delivery with the reason in Chinese.
func TestPublishStatuses(t *testing.T) {
	for _, status := range []int{2, 3, 4, 6} {
		st := newSetup(t)
		st.SetFaults(sim.PlatformFaults{PublishStatus: status})
		_, err := st.Publisher.Publish(context.Background(), st.Post("状态测试"), connectortest.NewSteps())
		ce := connectortest.WantClass(t, err, connectors.Permanent)
		if ce.Code != "publish_status_"+string(rune('0'+status)) {
			t.Errorf("status %d: code %q", status, ce.Code)
		}
	}
}

// TestDeletedAfterPublishing: status 5 when an article was deleted on the
// platform before we saw it published.
func TestDeletedAfterPublishing(t *testing.T) {
	ctx := context.Background()
	st := newSetup(t)
	p, s := st.Post("发布后删除"), connectortest.NewSteps()
	r, err := st.Publisher.Publish(ctx, p, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Publisher.Withdraw(ctx, p, r); err != nil {
		t.Fatal(err)
	}
	fresh := connectortest.NewSteps()
	for _, k := range []string{wechat.StepSubmitSent, wechat.StepPublishID} {
		v, _ := s.Get(k)
		fresh.Save(ctx, k, v) //nolint:errcheck
	}
	_, _, err = st.Publisher.Verify(ctx, p, fresh)
	if ce := connectortest.WantClass(t, err, connectors.Permanent); ce.Code != "publish_status_5" {
		t.Fatalf("code %q", ce.Code)
	}
}

func TestErrorCodes(t *testing.T) {
	cases := []struct {
		endpoint string
		fault    sim.Fault
		want     connectors.Class
	}{
		{"cgi-bin/freepublish/submit", sim.Fault{ErrorRate: 1, ErrorCode: 53503}, connectors.Permanent},
		{"cgi-bin/draft/add", sim.Fault{ErrorRate: 1, ErrorCode: 40007}, connectors.Permanent},
		{"cgi-bin/draft/add", sim.Fault{ErrorRate: 1, ErrorCode: -1}, connectors.Retryable},
		{"cgi-bin/draft/add", sim.Fault{ErrorRate: 1, ErrorCode: 503}, connectors.Retryable},
		{"cgi-bin/freepublish/submit", sim.Fault{ErrorRate: 1, ErrorCode: 502}, connectors.Unconfirmed},
		{"cgi-bin/freepublish/submit", sim.Fault{RateLimitRate: 1, RateLimitCode: 53501}, connectors.RateLimited},
		{"cgi-bin/media/uploadimg", sim.Fault{RateLimitRate: 1, RateLimitCode: 45009}, connectors.RateLimited},
	}
	for _, c := range cases {
		st := newSetup(t)
		st.EndpointFault(c.endpoint, c.fault)
		_, err := st.Publisher.Publish(context.Background(), st.Post("错误码"), connectortest.NewSteps())
		connectortest.WantClass(t, err, c.want)
		st.WantPosts(t, 0)
	}
}

// TestGatewayErrorOnSubmit: a 502 that never reached WeChat is verified,
// found absent (the draft is still in the box) and published once.
func TestGatewayErrorOnSubmit(t *testing.T) {
	ctx := context.Background()
	st := newSetup(t)
	p, s := st.Post("网关错误"), connectortest.NewSteps()
	st.EndpointFault("cgi-bin/freepublish/submit", sim.Fault{ErrorRate: 1, ErrorCode: 502})
	_, err := st.Publisher.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	st.Sim.SetFaults(sim.Faults{})
	if _, found, err := st.Publisher.Verify(ctx, p, s); found || err != nil {
		t.Fatalf("found=%v err=%v", found, err)
	}
	st.Deliver(ctx, t, p, s, nil)
	st.WantPosts(t, 1)
}

// TestLostSubmitThatFails: the answer of a submit is lost and WeChat then
// fails the publish: nothing is listed and the draft is gone. Verify waits,
// and after VerifyFor asks a person instead of publishing again.
func TestLostSubmitThatFails(t *testing.T) {
	ctx := context.Background()
	st := newSetup(t)
	p, s := st.Post("发布失败且应答丢失"), connectortest.NewSteps()
	st.SetFaults(sim.PlatformFaults{PublishStatus: 3, Endpoints: map[string]sim.Fault{"cgi-bin/freepublish/submit": {LostRate: 1}}})
	_, err := st.Publisher.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	_, _, err = st.Publisher.Verify(ctx, p, s)
	connectortest.WantClass(t, err, connectors.RateLimited)
	st.client.VerifyFor = 0
	_, _, err = st.Publisher.Verify(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Permanent)
	if n := st.Sim.Calls("wechat", "cgi-bin/freepublish/submit"); n != 1 {
		t.Fatalf("submitted %d times", n)
	}
}

// TestWorkersShareOneTokenRefresh: eight workers (each its own client, as
// in separate processes) share the cached token; after WeChat expires it,
// one refresh serves them all, and no worker throws away a fresh token.
func TestWorkersShareOneTokenRefresh(t *testing.T) {
	for _, code := range []int{40001, 42001} {
		st := newSetup(t)
		rdb := redistest.New(t, redisDB)
		clients := make([]*wechat.Client, 8)
		for i := range clients {
			clients[i] = st.newClient(rdb)
		}
		publishAll := func() {
			var wg sync.WaitGroup
			for _, c := range clients {
				p := st.Post("并发发布")
				wg.Go(func() {
					if _, err := c.Publish(context.Background(), p, connectortest.NewSteps()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		publishAll()
		if n := st.Sim.Calls("wechat", "cgi-bin/token"); n != 1 {
			t.Fatalf("token fetched %d times by 8 workers", n)
		}
		st.SetFaults(sim.PlatformFaults{ExpireTokens: true, TokenErrorCode: code})
		publishAll()
		if n := st.Sim.Calls("wechat", "cgi-bin/token"); n != 2 {
			t.Fatalf("errcode %d: token fetched %d times in all, want 2", code, n)
		}
		st.WantPosts(t, 16)
	}
}

// TestVerifyPagesBack: on a busy account the article whose answer was
// lost may be pages down the published list by the time Verify runs.
func TestVerifyPagesBack(t *testing.T) {
	ctx := context.Background()
	st := newSetup(t)
	p, s := st.Post("应答丢失后又发了很多篇"), connectortest.NewSteps()
	st.EndpointFault("cgi-bin/freepublish/submit", sim.Fault{LostRate: 1})
	_, err := st.Publisher.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	st.Sim.SetFaults(sim.Faults{})
	for range 45 {
		if _, err := st.Publisher.Publish(ctx, st.Post("其他文章"), connectortest.NewSteps()); err != nil {
			t.Fatal(err)
		}
	}
	if _, found, err := st.Publisher.Verify(ctx, p, s); !found || err != nil {
		t.Fatalf("found=%v err=%v", found, err)
	}
	st.WantPosts(t, 46)
}
