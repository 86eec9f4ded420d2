// Package identitytest is a small OpenID Connect provider for tests of
// the unified identity login: discovery, a JWKS, an authorization
// endpoint that signs in a chosen user at once, and a token endpoint that
// answers a code it issued with an RS256 ID token.
package identitytest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Client id and secret the provider accepts.
const (
	ClientID     = "tongfa"
	ClientSecret = "s3cret"
)

// IDP is the provider; URL is its issuer.
type IDP struct {
	URL string
	// User is whom GET /authorize signs in ("" answers access_denied).
	User string

	t     testing.TB
	key   *rsa.PrivateKey
	mu    sync.Mutex
	codes map[string]map[string]any // code → claims
}

// New starts a provider for the test's lifetime.
func New(t testing.TB) *IDP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &IDP{t: t, key: key, codes: map[string]map[string]any{}}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", //nolint:errcheck
			"token_endpoint": p.URL + "/token", "jwks_uri": p.URL + "/keys", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}) //nolint:errcheck
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	return p
}

// authorize signs User in at once and sends the browser back with a code
// (or access_denied), the state and nothing else.
func (p *IDP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || q.Get("client_id") != ClientID {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	v := url.Values{"state": {q.Get("state")}}
	if p.User == "" {
		v.Set("error", "access_denied")
	} else {
		v.Set("code", p.Code(p.User, q.Get("nonce"), nil))
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *IDP) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	p.mu.Lock()
	claims, known := p.codes[r.PostFormValue("code")]
	delete(p.codes, r.PostFormValue("code"))
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !ok || id != ClientID || secret != ClientSecret || !known {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_grant"}`)) //nolint:errcheck
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": p.sign(claims)}) //nolint:errcheck
}

func (p *IDP) sign(claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		p.t.Error(err)
		return ""
	}
	body, _ := json.Marshal(claims)
	jws, err := signer.Sign(body)
	if err != nil {
		p.t.Error(err)
		return ""
	}
	s, _ := jws.CompactSerialize()
	return s
}

// Code is what the provider's login page would hand back for user; tweak
// may change the ID token's claims.
func (p *IDP) Code(user, nonce string, tweak func(map[string]any)) string {
	now := time.Now()
	claims := map[string]any{"iss": p.URL, "aud": ClientID, "sub": "gov-" + user, "preferred_username": user, "name": "测试用户",
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
