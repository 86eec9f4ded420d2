package weibo_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/weibo"
	"github.com/tongfa/tongfa/redisconn/redistest"
)

// redisDB is this package's database (docs/testing.md).
const redisDB = 12

func harness(t *testing.T) *connectortest.Harness {
	s := sim.NewWith(sim.Options{Seed: 1, SafeDomains: []string{"example.gov.cn"}})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	acc := connectors.Account{ID: 3, Platform: tongfa.PlatformWeibo, APIBase: ts.URL + "/weibo",
		Credentials: map[string]string{"access_token": "wbtok-office", "refresh_token": "refresh-wbtok-office", "app_key": "k", "app_secret": "s"}}
	n := 0
	post := func(title, site string) *connectors.Post {
		n++
		link := fmt.Sprintf("https://%s/art/%d.html", site, n)
		return &connectors.Post{DeliveryID: int64(n), Key: fmt.Sprintf("tongfa-d%d", n), Account: acc,
			Payload: connectors.Payload{Title: title, Link: link, Text: "【" + title + "】详情 " + link}}
	}
	c := weibo.New(connectors.NewHTTPClient(2*time.Second), redistest.New(t, redisDB))
	return &connectortest.Harness{Publisher: c, Sim: s, Server: ts, Platform: "weibo",
		Steps: []string{"2/statuses/share.json"}, CreateEndpoint: "2/statuses/share.json", Tokens: true,
		Post:     func(title string) *connectors.Post { return post(title, "www.example.gov.cn") },
		Rejected: func() *connectors.Post { return post("安全域名外的链接", "www.example.com") }}
}

func TestConnectorSuite(t *testing.T) { connectortest.Exercise(t, harness) }

func TestTokenExpiry(t *testing.T) {
	h := harness(t)
	at, err := h.Publisher.(*weibo.Client).TokenExpiry(context.Background(), h.Post("x").Account)
	if err != nil || time.Until(at) < 29*24*time.Hour {
		t.Fatalf("expiry %v %v", at, err)
	}
}

// TestRepeatedText: Weibo's 20019 after an attempt of ours whose answer
// was lost means "verify"; on a first attempt it is a real rejection.
func TestRepeatedText(t *testing.T) {
	ctx := context.Background()
	h := harness(t)
	p, s := h.Post("重复内容"), connectortest.NewSteps()
	h.SetFaults(sim.PlatformFaults{RejectDuplicates: true, Endpoints: map[string]sim.Fault{"2/statuses/share.json": {LostRate: 1}}})
	_, err := h.Publisher.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	h.SetFaults(sim.PlatformFaults{RejectDuplicates: true})
	_, err = h.Publisher.Publish(ctx, p, s) // a worker that did not verify first
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	if _, found, err := h.Publisher.Verify(ctx, p, s); err != nil || !found {
		t.Fatalf("verify: %v %v", found, err)
	}
	h.WantPosts(t, 1)

	again := *p
	again.Key = "another-delivery"
	_, err = h.Publisher.Publish(ctx, &again, connectortest.NewSteps())
	connectortest.WantClass(t, err, connectors.Permanent)
}

func TestSafeDomainCheckedBeforeSending(t *testing.T) {
	h := harness(t)
	p := h.Post("本地检查")
	p.Account.Settings = map[string]string{"safe_domain": "other.gov.cn"}
	_, err := h.Publisher.Publish(context.Background(), p, connectortest.NewSteps())
	connectortest.WantClass(t, err, connectors.Permanent)
	if n := h.Sim.Calls("weibo", "2/statuses/share.json"); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestExpiredTokenWithoutRefreshIsPermanent(t *testing.T) {
	h := harness(t)
	p := h.Post("授权过期")
	delete(p.Account.Credentials, "refresh_token")
	p.Account.Credentials = map[string]string{"access_token": "wbtok-norefresh"}
	h.SetFaults(sim.PlatformFaults{ExpireTokens: true})
	_, err := h.Publisher.Publish(context.Background(), p, connectortest.NewSteps())
	connectortest.WantClass(t, err, connectors.Permanent)
}

// TestVerifyPagesBack: the status whose answer was lost may be pages down
// the timeline by the time Verify runs.
func TestVerifyPagesBack(t *testing.T) {
	ctx := context.Background()
	h := harness(t)
	p, s := h.Post("应答丢失后又发了很多条"), connectortest.NewSteps()
	h.EndpointFault("2/statuses/share.json", sim.Fault{LostRate: 1})
	_, err := h.Publisher.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	h.Sim.SetFaults(sim.Faults{})
	for range 150 {
		if _, err := h.Publisher.Publish(ctx, h.Post("其他微博"), connectortest.NewSteps()); err != nil {
			t.Fatal(err)
		}
	}
	if _, found, err := h.Publisher.Verify(ctx, p, s); !found || err != nil {
		t.Fatalf("found=%v err=%v", found, err)
	}
	h.WantPosts(t, 151)
}

// TestStatusPage: a status links to m.weibo.cn unless the account names
// its own status pages, as the demo does with the simulator's.
func TestStatusPage(t *testing.T) {
	ctx := context.Background()
	h := harness(t)
	r, err := h.Publisher.Publish(ctx, h.Post("默认页面"), connectortest.NewSteps())
	if err != nil || r.URL != weibo.DefaultStatusPage+r.PlatformPostID {
		t.Fatalf("receipt %+v, %v", r, err)
	}
	p := h.Post("模拟器页面")
	p.Account.Settings = map[string]string{"status_page": h.Server.URL + "/weibo/status/"}
	r, err = h.Publisher.Publish(ctx, p, connectortest.NewSteps())
	if err != nil || r.URL != h.Server.URL+"/weibo/status/"+r.PlatformPostID {
		t.Fatalf("receipt %+v, %v", r, err)
	}
	resp, err := h.Server.Client().Get(r.URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %v %v", r.URL, resp, err)
	}
	resp.Body.Close()
}
