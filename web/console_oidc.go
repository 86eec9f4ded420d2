package web

import (
	"crypto/rand"
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/tongfa/tongfa"
)

// The unified identity login (统一身份认证): GET /login/oidc sends the
// browser to the provider with a fresh state and nonce, kept in a
// short-lived cookie of that path; the provider sends it back to
// /login/oidc/callback, where identity.LoginExternal signs in the user
// the provider names, with the same lockout and second-factor rules as a
// password.

const oidcCookie = "tongfa_oidc"

// oidcOffered reports whether the login page offers the provider.
func (s *Server) oidcOffered() bool { return s.Identity.OIDC != nil }

func (s *Server) consoleOIDCStart(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	p, err := s.Identity.ExternalProvider(r.Context())
	if p == nil && err == nil {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.renderLoginStep(w, loginView{Next: next, OIDC: true}, "", err)
		return
	}
	state, nonce := rand.Text(), rand.Text()
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state + "." + nonce + "." + url.QueryEscape(next), Path: "/login/oidc",
		MaxAge: 600, HttpOnly: true, SameSite: http.SameSiteLaxMode, // sent on the provider's redirect back
		Secure: strings.HasPrefix(s.Config.BaseURL(), "https://")})
	http.Redirect(w, r, p.AuthURL(state, nonce), http.StatusFound)
}

func (s *Server) consoleOIDCCallback(w http.ResponseWriter, r *http.Request) {
	refuse := func(status int, msg, code string) {
		s.renderLogin(w, status, loginView{Next: "/", Error: msg, Code: code, OIDC: s.oidcOffered()})
	}
	c, err := r.Cookie(oidcCookie)
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/login/oidc", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	var state, nonce, next string
	if err == nil {
		parts := strings.SplitN(c.Value, ".", 3)
		if len(parts) == 3 {
			state, nonce = parts[0], parts[1]
			next, _ = url.QueryUnescape(parts[2])
		}
	}
	q := r.URL.Query()
	switch {
	case state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(q.Get("state"))) != 1:
		refuse(http.StatusBadRequest, "统一身份认证的登录请求已过期或不是从本系统发起的，请重新登录", tongfa.EInvalid)
		return
	case q.Get("error") != "":
		refuse(http.StatusUnauthorized, "统一身份认证未完成登录，请重试或使用用户名和密码登录", tongfa.EUnauthorized)
		return
	}
	p, err := s.Identity.ExternalProvider(r.Context())
	if p == nil {
		if err == nil {
			http.NotFound(w, r)
			return
		}
		s.renderLoginStep(w, loginView{Next: "/", OIDC: true}, "", err)
		return
	}
	id, err := p.Exchange(r.Context(), q.Get("code"), nonce)
	if err != nil {
		s.Logger.Warn("unified identity login refused", "error", err)
		refuse(http.StatusUnauthorized, "统一身份认证未能确认您的身份，请重新登录", tongfa.EUnauthorized)
		return
	}
	in := loginView{Next: safeNext(next), OIDC: true}
	res, err := s.Identity.LoginExternal(r.Context(), id, "", clientIP(r))
	if err != nil {
		s.renderLoginStep(w, in, "", err) // the unit's second factor still applies
		return
	}
	if _, err := s.startSession(w, r, res.User.ID); err != nil {
		s.renderLoginStep(w, in, "", err)
		return
	}
	// The provider's redirect is a cross-site navigation, on which the
	// browser would not send the strict session cookie; this page moves
	// on from our own site, where it does.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	onward.Execute(w, in.Next) //nolint:errcheck // the client went away
}

var onward = template.Must(template.New("onward").Parse(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
	`<meta http-equiv="refresh" content="0;url={{.}}"><title>正在进入统发</title></head>` +
	`<body><p>已通过统一身份认证，正在进入统发……如未自动跳转，请<a href="{{.}}">点击这里</a>。</p></body></html>`))
