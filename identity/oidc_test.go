package identity_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/identity"
)

// idp is a small OpenID Connect provider for the test: discovery, a JWKS
// and a token endpoint that answers a code it issued with an RS256 ID
// token for the user and nonce the code was made for.
type idp struct {
	srv   *httptest.Server
	key   *rsa.PrivateKey
	mu    sync.Mutex
	codes map[string]map[string]any // code → claims
	aud   string
}

func newIDP(t *testing.T) *idp {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{key: key, codes: map[string]map[string]any{}, aud: "tongfa"}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize", //nolint:errcheck
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/keys", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}) //nolint:errcheck
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		p.mu.Lock()
		claims, known := p.codes[r.PostFormValue("code")]
		delete(p.codes, r.PostFormValue("code"))
		p.mu.Unlock()
		if !ok || id != "tongfa" || secret != "s3cret" || !known {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`)) //nolint:errcheck
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": p.sign(t, claims)}) //nolint:errcheck
	})
	return p
}

func (p *idp) sign(t *testing.T, claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Error(err)
		return ""
	}
	body, _ := json.Marshal(claims)
	jws, err := signer.Sign(body)
	if err != nil {
		t.Error(err)
		return ""
	}
	s, _ := jws.CompactSerialize()
	return s
}

// code is what the provider's login page would hand back for user.
func (p *idp) code(user, nonce string, tweak func(map[string]any)) string {
	now := time.Now()
	claims := map[string]any{"iss": p.srv.URL, "aud": p.aud, "sub": "gov-" + user, "preferred_username": user, "name": "测试用户",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": nonce}
	if tweak != nil {
		tweak(claims)
	}
	c := rand.Text()
	p.mu.Lock()
	p.codes[c] = claims
	p.mu.Unlock()
	return c
}

// TestOIDCProvider: the unified identity login's hook against a local
// provider: discovery, the authorization URL, a code exchanged for an ID
// token whose signature, issuer, audience, expiry and nonce are checked,
// and the Tongfa user it names signed in (still asked for the unit's
// second factor).
func TestOIDCProvider(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	p := newIDP(t)
	o, err := identity.NewOIDC(ctx, identity.OIDCConfig{Issuer: p.srv.URL, ClientID: "tongfa", ClientSecret: "s3cret",
		RedirectURL: "https://tongfa.example/login/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	au, _ := url.Parse(o.AuthURL("st", "n1"))
	if au.Path != "/authorize" || au.Query().Get("state") != "st" || au.Query().Get("nonce") != "n1" || au.Query().Get("client_id") != "tongfa" {
		t.Fatalf("auth url %s", au)
	}
	id, err := o.Exchange(ctx, p.code("editor", "n1", nil), "n1")
	if err != nil || id.Username != "editor" || id.Subject != "gov-editor" || id.Issuer != p.srv.URL {
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
		"wrong nonce":    {p.code("editor", "n1", nil), "n2", "nonce"},
		"wrong audience": {p.code("editor", "n1", func(m map[string]any) { m["aud"] = "another-app" }), "n1", "audience"},
		"expired":        {p.code("editor", "n1", func(m map[string]any) { m["exp"] = time.Now().Add(-time.Hour).Unix() }), "n1", "expired"},
		"other issuer":   {p.code("editor", "n1", func(m map[string]any) { m["iss"] = "https://evil.example" }), "n1", "different provider"},
		"unknown code":   {"nope", "n1", "invalid_grant"},
	} {
		if _, err := o.Exchange(ctx, c.code, c.nonce); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error about %s", name, err, c.want)
		}
	}
	// A leader under the policy still needs the second factor; a name the
	// hub does not know is refused.
	lead, _ := o.Exchange(ctx, p.code("deputy", "n3", nil), "n3")
	if _, err := f.id.LoginExternal(ctx, lead, "", "127.0.0.1"); tongfa.ErrorCode(err) != tongfa.EOTPEnroll {
		t.Fatalf("deputy via oidc: %v", err)
	}
	ghost, _ := o.Exchange(ctx, p.code("ghost", "n4", nil), "n4")
	if _, err := f.id.LoginExternal(ctx, ghost, "", "127.0.0.1"); tongfa.ErrorCode(err) != tongfa.EUnauthorized {
		t.Fatalf("unknown user via oidc: %v", err)
	}
}
