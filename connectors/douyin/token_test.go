package douyin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/sim"
)

const refreshEndpoint = "oauth/refresh_token/"

// TestTokenRefreshedAhead: a token known to lapse within a day is
// refreshed before it is used, so Douyin never sees an expired one.
func TestTokenRefreshedAhead(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{PostLimit: 100})
	expiry, err := b.Client.TokenExpiry(ctx, b.Acc) // refreshes, and caches the token with its expiry
	if err != nil || expiry.Sub(b.Clock.Now()) < 29*24*time.Hour {
		t.Fatalf("expiry %v %v", expiry, err)
	}
	b.Clock.Add(14*24*time.Hour + time.Hour)
	b.deliver(t, b.Post("令牌到期前一天"))
	if n := b.Sim.Calls("douyin", refreshEndpoint); n != 2 {
		t.Fatalf("%d refreshes, want 2 (the expiry check, then ahead of expiry)", n)
	}
	b.Clock.Add(2 * 24 * time.Hour)
	b.deliver(t, b.Post("续期后两天"))
	if n := b.Sim.Calls("douyin", refreshEndpoint); n != 2 {
		t.Fatalf("%d refreshes, want no more", n)
	}
	b.WantPosts(t, 2)
}

// TestStoredExpiryRefreshedAhead: the expiry an authorisation stored with
// the credentials counts before any refresh has been cached.
func TestStoredExpiryRefreshedAhead(t *testing.T) {
	b := setup(t, sim.DouyinOptions{})
	p := b.Post("凭据中的到期时间")
	p.Account.Credentials["expires_at"] = b.Clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	b.deliver(t, p)
	if n := b.Sim.Calls("douyin", refreshEndpoint); n != 1 {
		t.Fatalf("%d refreshes", n)
	}
}

func TestExpiredTokenWithoutRefreshIsPermanent(t *testing.T) {
	b := setup(t, sim.DouyinOptions{})
	p := b.Post("授权过期")
	p.Account.Credentials = map[string]string{"access_token": "act.ou-norefresh", "open_id": "ou-norefresh"}
	b.SetFaults(sim.PlatformFaults{ExpireTokens: true})
	_, err := b.Client.Publish(context.Background(), p, connectortest.NewSteps())
	if ce := connectortest.WantClass(t, err, connectors.Permanent); !strings.Contains(ce.Message, "重新授权") {
		t.Fatalf("%v", ce)
	}
}

// TestRefreshTokenLapsed: after 30 days only a new authorisation helps.
func TestRefreshTokenLapsed(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	if _, err := b.Client.TokenExpiry(ctx, b.Acc); err != nil {
		t.Fatal(err)
	}
	b.Clock.Add(31 * 24 * time.Hour)
	_, err := b.Client.Publish(ctx, b.Post("授权已失效"), connectortest.NewSteps())
	if ce := connectortest.WantClass(t, err, connectors.Permanent); ce.Code != "10010" {
		t.Fatalf("%+v", ce)
	}
}

// TestAuthorisation: the owner's code becomes credentials that publish.
func TestAuthorisation(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	base := b.Acc.APIBase
	u, err := url.Parse(douyin.AuthorizeURL(base, "awk-test", "https://tongfa.example.gov.cn/callback/douyin", "st-1"))
	if err != nil || u.Path != "/douyin/platform/oauth/connect/" || !strings.Contains(u.Query().Get("scope"), "video.create.bind") {
		t.Fatalf("%v %v", u, err)
	}
	back, err := sim.DouyinConsent(http.DefaultClient, u.String(), "ou-new")
	code := back.Query().Get("code")
	if err != nil || back.Host != "tongfa.example.gov.cn" || back.Query().Get("state") != "st-1" || code == "" {
		t.Fatalf("%v %v", back, err)
	}
	if _, err := b.Client.Exchange(ctx, base, "awk-test", "wrong", code); connectors.ClassOf(err) != connectors.Permanent {
		t.Fatalf("a wrong secret: %v", err)
	}
	if _, err := b.Client.Exchange(ctx, base, "awk-test", "secret", "code-ou-new"); connectors.ClassOf(err) != connectors.Permanent {
		t.Fatalf("a code the platform did not issue: %v", err)
	}
	g, err := b.Client.Exchange(ctx, base, "awk-test", "secret", code)
	if err != nil || g.OpenID != "ou-new" || g.RefreshExpiresAt.Sub(b.Clock.Now()) < 29*24*time.Hour {
		t.Fatalf("%+v %v", g, err)
	}
	if _, err := b.Client.Exchange(ctx, base, "awk-test", "secret", code); connectors.ClassOf(err) != connectors.Permanent {
		t.Fatalf("a code used twice: %v", err)
	}
	back, err = sim.DouyinConsent(http.DefaultClient, u.String(), "ou-late")
	if err != nil {
		t.Fatal(err)
	}
	b.Clock.Add(11 * time.Minute)
	if _, err := b.Client.Exchange(ctx, base, "awk-test", "secret", back.Query().Get("code")); connectors.ClassOf(err) != connectors.Permanent {
		t.Fatalf("a code past 10 minutes: %v", err)
	}
	if back, err = sim.DouyinConsent(http.DefaultClient, u.String(), ""); err != nil || back.Query().Get("error") != "access_denied" || back.Query().Get("code") != "" {
		t.Fatalf("refused: %v %v", back, err)
	}
	p := b.Post("新授权账号")
	p.Account.Credentials = g.Credentials("awk-test")
	b.deliver(t, p)
	if posts := b.Sim.Posts(); len(posts) != 1 || posts[0].Account != "ou-new" {
		t.Fatalf("%+v", posts)
	}
}
