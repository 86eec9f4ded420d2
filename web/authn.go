package web

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/identity"
)

// SessionCookie names the console's session cookie.
const SessionCookie = "tongfa_session"

// CSRFHeader carries the session's CSRF token on unsafe cookie requests.
const CSRFHeader = "X-CSRF-Token"

var errUnauthenticated = &tongfa.Error{Code: tongfa.EUnauthorized, Message: "请先登录"}

// principal returns the authenticated caller of a request behind authed.
func principal(r *http.Request) *access.Principal {
	p, _ := r.Context().Value(keyPrincipal).(*access.Principal)
	return p
}

// perm is a requirement declared on a route: the caller must hold one of
// the roles in some unit. Unit-specific checks happen where the unit is known.
type perm []tongfa.Role

// anyRole lets every authenticated user in.
var anyRole perm

// authed authenticates the caller and checks the route's permission.
func (s *Server) authed(h http.HandlerFunc, need perm) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !holdsAny(p.User, need) {
			s.writeError(w, r, &tongfa.Error{Code: tongfa.EForbidden, Message: "您没有执行此操作的权限"})
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), keyPrincipal, p)))
	})
}

func holdsAny(u *tongfa.User, need perm) bool {
	if len(need) == 0 {
		return true
	}
	for _, role := range need {
		if u.HasAnyRole(role) {
			return true
		}
	}
	return false
}

// authenticate reads who the request says it is (a bearer token for
// scripts, the session cookie and CSRF header for the console) and lets
// identity decide.
func (s *Server) authenticate(r *http.Request) (*access.Principal, error) {
	c := identity.Caller{CSRF: r.Header.Get(CSRFHeader), Unsafe: unsafeMethod(r.Method), IP: clientIP(r)}
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, errUnauthenticated
		}
		c.Bearer = tok
	} else if ck, err := r.Cookie(SessionCookie); err == nil {
		c.Session = ck.Value
	} else {
		return nil, errUnauthenticated
	}
	return s.Identity.Authenticate(r.Context(), c)
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// clientIP is the peer address. Tongfa does not trust X-Forwarded-For by
// default: a spoofed header must not be able to forge the audit trail.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
