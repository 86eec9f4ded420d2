// Package identity tells who is calling: it signs people in and out
// (sessions), checks API tokens, confirms a signer's identity again before
// a leader's signature (step-up), and keeps password guessing slow and
// silent about which usernames exist (R10).
package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/session"
	"github.com/tongfa/tongfa/store"
)

// Service is who is calling, and how they proved it.
type Service struct {
	DB       *store.DB
	Sessions *session.Store
	Throttle *Throttle
	Units    *access.Trees
	Log      *slog.Logger
	// Box seals TOTP secrets (nil without TONGFA_SECRET_KEY: no enrolment).
	Box *secret.Box
	// TOTPRequired reports whether a unit's policy asks u for a second
	// factor (review.Service.RequiresTOTP); nil: never.
	TOTPRequired func(ctx context.Context, u *tongfa.User) (bool, error)
	// Issuer names the installation in authenticator apps ("统发").
	Issuer string
	// OIDC is the unified identity login (统一身份认证); nil: off.
	OIDC *OIDCOnDemand
	rdb  redis.UniversalClient // sign-in tickets between password and code
	// touched limits "token last used" writes to one a minute per token
	// per process.
	touched touchThrottle
}

// New returns the service over db and the sessions, throttling logins
// through rdb.
func New(db *store.DB, sessions *session.Store, rdb redis.UniversalClient, log *slog.Logger) *Service {
	t := NewThrottle(rdb)
	t.Now = func() time.Time { return db.Now() }
	return &Service{DB: db, Sessions: sessions, Throttle: t, Log: log, rdb: rdb,
		Units: &access.Trees{Load: db.Units, TTL: 5 * time.Second}}
}

// Caller is how a request says who it is.
type Caller struct {
	Bearer  string // an API token, from "Authorization: Bearer …"
	Session string // the console's session cookie
	CSRF    string // the X-CSRF-Token header
	Unsafe  bool   // the request changes something
	IP      string
}

var errUnauthenticated = &tongfa.Error{Code: tongfa.EUnauthorized, Message: "请先登录"}

// Authenticate returns the principal behind c and, for a session, its
// token. A cookie request that changes something must carry the session's
// CSRF token; a read-only API token may not change anything.
func (s *Service) Authenticate(ctx context.Context, c Caller) (*access.Principal, error) {
	if c.Bearer != "" {
		t, u, err := s.DB.TokenUser(ctx, auth.HashToken(c.Bearer))
		if err != nil {
			return nil, refused(err, "令牌无效或已被吊销")
		}
		if !s.DB.Now().Before(t.ExpiresAt) {
			return nil, &tongfa.Error{Code: tongfa.EUnauthorized, Message: "令牌已过期，请重新创建"}
		}
		if c.Unsafe && t.Scope == store.ScopeRead {
			return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只读令牌不能修改数据"}
		}
		if s.touched.due(t.ID, time.Now()) {
			if err := s.DB.TouchToken(ctx, t.ID); err != nil && s.Log != nil {
				s.Log.Warn("record a token's use", "error", err) // bookkeeping only
			}
		}
		return s.principal(ctx, u, c.IP, "")
	}
	sess, err := s.Sessions.Get(ctx, c.Session)
	if err != nil {
		return nil, refused(err, "登录已过期，请重新登录")
	}
	if c.Unsafe && c.CSRF != sess.CSRF {
		return nil, &tongfa.Error{Code: tongfa.ECSRF, Message: "页面已过期（CSRF 校验失败），请刷新后重试"}
	}
	u, err := s.DB.User(ctx, sess.UserID)
	if err != nil {
		return nil, refused(err, "用户不存在")
	}
	return s.principal(ctx, u, c.IP, c.Session)
}

func (s *Service) principal(ctx context.Context, u *tongfa.User, ip, session string) (*access.Principal, error) {
	if u.Disabled {
		return nil, &tongfa.Error{Code: tongfa.EUnauthorized, Message: "账号已停用"}
	}
	tree, err := s.Units.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &access.Principal{User: u, Tree: tree, IP: ip, Session: session}, nil
}

func refused(err error, msg string) error {
	if errors.Is(err, tongfa.ErrNotFound) || errors.Is(err, session.ErrNoSession) {
		return &tongfa.Error{Code: tongfa.EUnauthorized, Message: msg}
	}
	return err
}

// Logout ends p's session (if any) and records it.
func (s *Service) Logout(ctx context.Context, p *access.Principal) error {
	if p.Session != "" {
		if err := s.Sessions.Delete(ctx, p.Session); err != nil {
			return err
		}
	}
	return s.DB.Audit(ctx, store.UserActor(p.User, p.IP), "logout", userTarget(p.User.ID), &p.User.UnitID, nil)
}

func userTarget(id int64) string { return fmt.Sprintf("user:%d", id) }
