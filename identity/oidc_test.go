package identity_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/identity/identitytest"
)

// TestOIDCProvider: the unified identity login's hook against a local
// provider: discovery, the authorization URL, a code exchanged for an ID
// token whose signature, issuer, audience, expiry and nonce are checked,
// and the Tongfa user it names signed in (still asked for the unit's
// second factor).
func TestOIDCProvider(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	p := identitytest.New(t)
	o, err := identity.NewOIDC(ctx, identity.OIDCConfig{Issuer: p.URL, ClientID: identitytest.ClientID, ClientSecret: identitytest.ClientSecret,
		RedirectURL: "https://tongfa.example/login/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	au, _ := url.Parse(o.AuthURL("st", "n1"))
	if au.Path != "/authorize" || au.Query().Get("state") != "st" || au.Query().Get("nonce") != "n1" || au.Query().Get("client_id") != "tongfa" {
		t.Fatalf("auth url %s", au)
	}
	id, err := o.Exchange(ctx, p.Code("editor", "n1", nil), "n1")
	if err != nil || id.Username != "editor" || id.Subject != "gov-editor" || id.Issuer != p.URL {
		t.Fatalf("exchange: %+v %v", id, err)
	}
	res, err := f.id.LoginExternal(ctx, id, "", "127.0.0.1")
	if err != nil || res.User.Username != "editor" {
		t.Fatalf("login: %+v %v", res, err)
	}
	audited(t, f.db, "login")

	for name, c := range map[string]struct {
		code, nonce string
		want        string
	}{
		"wrong nonce":    {p.Code("editor", "n1", nil), "n2", "nonce"},
		"wrong audience": {p.Code("editor", "n1", func(m map[string]any) { m["aud"] = "another-app" }), "n1", "audience"},
		"expired":        {p.Code("editor", "n1", func(m map[string]any) { m["exp"] = time.Now().Add(-time.Hour).Unix() }), "n1", "expired"},
		"other issuer":   {p.Code("editor", "n1", func(m map[string]any) { m["iss"] = "https://evil.example" }), "n1", "different provider"},
		"unknown code":   {"nope", "n1", "invalid_grant"},
	} {
		if _, err := o.Exchange(ctx, c.code, c.nonce); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %s", name, err, c.want)
		}
	}
	// A leader under the policy still needs the second factor; a name the
	// hub does not know is refused.
	lead, _ := o.Exchange(ctx, p.Code("deputy", "n3", nil), "n3")
	if _, err := f.id.LoginExternal(ctx, lead, "", "127.0.0.1"); tongfa.ErrorCode(err) != tongfa.EOTPEnroll {
		t.Fatalf("deputy via oidc: %v", err)
	}
	ghost, _ := o.Exchange(ctx, p.Code("ghost", "n4", nil), "n4")
	if _, err := f.id.LoginExternal(ctx, ghost, "", "127.0.0.1"); tongfa.ErrorCode(err) != tongfa.EUnauthorized {
		t.Fatalf("unknown user via oidc: %v", err)
	}
}
