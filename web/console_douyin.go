package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/tongfa/tongfa"
)

// Douyin authorisation by an account's owner (OAuth): an administrator of
// the account's unit starts it from the accounts page
// (POST /admin/accounts/{id}/douyin/authorize), whose page sends the
// browser on to Douyin's authorize page with a state bound to the session and the
// account (registry.StartDouyinAuth). Douyin sends the browser back to
// /accounts/douyin/callback, a cross-site navigation on which the strict
// session cookie is not sent; that page moves on within our own site to
// /admin/accounts/douyin/authorized, where the session is, and
// registry.FinishDouyinAuth checks the state and stores the tokens.

func (s *Server) consoleDouyinAuthorize(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	to, err := s.Registry.StartDouyinAuth(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	// Not a redirect: the console's CSP (form-action 'self') holds for the
	// redirects of a form post too. A page moving on to Douyin is a plain
	// navigation.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", consoleCSP)
	douyinAway.Execute(w, to) //nolint:errcheck // the client went away
	return nil
}

var douyinAway = template.Must(template.New("away").Parse(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
	`<meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url={{.}}"><title>正在前往抖音授权</title></head>` +
	`<body><p>正在前往抖音授权页面，请账号所有者登录抖音并同意授权……如未自动跳转，请<a id="douyin-go" href="{{.}}">点击这里</a>。</p></body></html>`))

// consoleDouyinCallback passes Douyin's answer (code, state, error) on to
// the authorized page; it reads and stores nothing itself.
func (s *Server) consoleDouyinCallback(w http.ResponseWriter, r *http.Request) {
	in := r.URL.Query()
	q := url.Values{}
	for _, k := range []string{"code", "state", "error"} {
		if val := in.Get(k); val != "" {
			q.Set(k, val)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", consoleCSP)
	douyinOnward.Execute(w, "/admin/accounts/douyin/authorized?"+q.Encode()) //nolint:errcheck // the client went away
}

var douyinOnward = template.Must(template.New("onward").Parse(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
	`<meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url={{.}}"><title>正在完成抖音授权</title></head>` +
	`<body><p>正在完成抖音授权……如未自动跳转，请<a href="{{.}}">点击这里</a>。</p></body></html>`))

func (s *Server) consoleDouyinAuthorized(w http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	a, err := s.Registry.FinishDouyinAuth(r.Context(), principal(r), q.Get("state"), q.Get("code"), q.Get("error"))
	if err != nil {
		return err
	}
	if a == nil {
		return &tongfa.Error{Code: tongfa.EInternal, Message: "抖音授权未能保存"}
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/accounts?authorized=%d", a.ID), http.StatusSeeOther)
	return nil
}
