package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/session"
	"github.com/tongfa/tongfa/store"
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
		p, token, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !holdsAny(p.User, need) {
			s.writeError(w, r, &tongfa.Error{Code: tongfa.EForbidden, Message: "您没有执行此操作的权限"})
			return
		}
		ctx := context.WithValue(r.Context(), keyPrincipal, p)
		ctx = context.WithValue(ctx, keySessionToken, token)
		h(w, r.WithContext(ctx))
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

// authenticate accepts a bearer token (scripts) or a session cookie
// (console); cookie requests that change state must carry the CSRF token.
func (s *Server) authenticate(r *http.Request) (*access.Principal, string, error) {
	ctx := r.Context()
	var userID int64
	var sessToken string
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, "", errUnauthenticated
		}
		tokenID, u, err := s.DB.TokenUser(ctx, auth.HashToken(tok))
		if err != nil {
			return nil, "", authError(err, "令牌无效或已被吊销")
		}
		if s.touched.due(tokenID, time.Now()) {
			s.DB.TouchToken(ctx, tokenID) //nolint:errcheck // bookkeeping only
		}
		return s.principalFor(ctx, r, u, "")
	} else {
		c, err := r.Cookie(SessionCookie)
		if err != nil {
			return nil, "", errUnauthenticated
		}
		sess, err := s.Sessions.Get(ctx, c.Value)
		if err != nil {
			return nil, "", authError(err, "登录已过期，请重新登录")
		}
		if unsafeMethod(r.Method) && r.Header.Get(CSRFHeader) != sess.CSRF {
			return nil, "", &tongfa.Error{Code: tongfa.ECSRF, Message: "页面已过期（CSRF 校验失败），请刷新后重试"}
		}
		userID, sessToken = sess.UserID, c.Value
	}
	u, err := s.DB.User(ctx, userID)
	if err != nil {
		return nil, "", authError(err, "用户不存在")
	}
	return s.principalFor(ctx, r, u, sessToken)
}

func (s *Server) principalFor(ctx context.Context, r *http.Request, u *tongfa.User, sessToken string) (*access.Principal, string, error) {
	if u.Disabled {
		return nil, "", &tongfa.Error{Code: tongfa.EUnauthorized, Message: "账号已停用"}
	}
	tree, err := s.units.get(ctx)
	if err != nil {
		return nil, "", err
	}
	return &access.Principal{User: u, Tree: tree, IP: clientIP(r)}, sessToken, nil
}

func authError(err error, msg string) error {
	if errors.Is(err, tongfa.ErrNotFound) || errors.Is(err, session.ErrNoSession) {
		return &tongfa.Error{Code: tongfa.EUnauthorized, Message: msg}
	}
	return err
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

// unitCache keeps the unit tree for a few seconds: it changes rarely and
// every request needs it.
type unitCache struct {
	db     *store.DB
	ttl    time.Duration
	mu     sync.Mutex
	tree   *access.Tree
	loaded time.Time
}

func (c *unitCache) get(ctx context.Context) (*access.Tree, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tree != nil && time.Since(c.loaded) < c.ttl {
		return c.tree, nil
	}
	units, err := c.db.Units(ctx)
	if err != nil {
		return nil, err
	}
	c.tree, c.loaded = access.NewTree(units), time.Now()
	return c.tree, nil
}

// invalidate drops the cached tree after a unit change in this process.
func (c *unitCache) invalidate() {
	c.mu.Lock()
	c.tree = nil
	c.mu.Unlock()
}

// touchThrottle limits "token last used" writes to one a minute per token
// per process, so scripts do not turn every request into a write.
type touchThrottle struct {
	mu   sync.Mutex
	last map[int64]time.Time
}

func (t *touchThrottle) due(id int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[int64]time.Time{}
	}
	if now.Sub(t.last[id]) < time.Minute {
		return false
	}
	t.last[id] = now
	return true
}
