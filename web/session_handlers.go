package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/store"
)

// Lockout policy: five failures within 15 minutes lock the account for 15.
const (
	lockoutFailures = 5
	lockoutWindow   = 15 * time.Minute
	lockoutDuration = 15 * time.Minute
)

type loginRequest struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=256"`
}

type loginResponse struct {
	User      *tongfa.User `json:"user"`
	CSRFToken string       `json:"csrf_token"`
}

var errBadLogin = &tongfa.Error{Code: tongfa.EUnauthorized, Message: "用户名或密码错误"}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := s.decode(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Validate.Struct(&req, map[string]string{"username": "用户名", "password": "密码"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.login(r.Context(), strings.TrimSpace(req.Username), req.Password, clientIP(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	csrf, err := s.startSession(w, r, u.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, loginResponse{User: u, CSRFToken: csrf})
}

// startSession opens a session for a user who has just logged in (API or
// console), sets its cookie and returns the session's CSRF token.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64) (string, error) {
	token, sess, err := s.Sessions.Create(r.Context(), userID)
	if err != nil {
		return "", err
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: strings.HasPrefix(s.Config.BaseURL(), "https://"), // no Max-Age: no "remember me" (R10)
	})
	return sess.CSRF, nil
}

// endSession ends the caller's session (API or console): the session is
// deleted, the logout audited and the cookie cleared.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if tok, _ := r.Context().Value(keySessionToken).(string); tok != "" {
		if err := s.Sessions.Delete(r.Context(), tok); err != nil {
			return err
		}
	}
	s.DB.Audit(r.Context(), store.UserActor(p.User, p.IP), "logout", userTarget(p.User.ID), &p.User.UnitID, nil) //nolint:errcheck
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return nil
}

// login checks the password, applying the lockout policy and recording
// every attempt in the audit log.
func (s *Server) login(ctx context.Context, username, password, ip string) (*tongfa.User, error) {
	c, err := s.DB.CredentialsByUsername(ctx, username)
	if errors.Is(err, tongfa.ErrNotFound) {
		if err := auth.BurnPasswordCheckContext(ctx, password); err != nil {
			return nil, err
		}
		s.DB.Audit(ctx, store.Actor{Name: username, IP: ip}, "login.failed", "user:"+username, nil, map[string]string{"reason": "unknown_user"}) //nolint:errcheck
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	u := c.User
	actor := store.UserActor(u, ip)
	now := s.DB.Now()
	if c.LockedUntil != nil && now.Before(*c.LockedUntil) {
		s.DB.Audit(ctx, actor, "login.refused", userTarget(u.ID), &u.UnitID, map[string]string{"reason": "locked"}) //nolint:errcheck
		mins := int(c.LockedUntil.Sub(now).Minutes()) + 1
		return nil, &tongfa.Error{Code: tongfa.ELocked, Message: fmt.Sprintf("登录失败次数过多，账号已锁定，请 %d 分钟后再试", mins)}
	}
	if ok, err := auth.CheckPasswordContext(ctx, c.PasswordHash, password); err != nil {
		return nil, err
	} else if !ok {
		return nil, s.loginFailed(ctx, u, actor)
	}
	if u.Disabled {
		s.DB.Audit(ctx, actor, "login.refused", userTarget(u.ID), &u.UnitID, map[string]string{"reason": "disabled"}) //nolint:errcheck
		return nil, &tongfa.Error{Code: tongfa.EUnauthorized, Message: "账号已停用，请联系管理员"}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(actor, "login", userTarget(u.ID), &u.UnitID, nil)
		return tx.RecordLogin(ctx, u.ID)
	})
	return u, err
}

func (s *Server) loginFailed(ctx context.Context, u *tongfa.User, actor store.Actor) error {
	var locked bool
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		locked, err = tx.RecordLoginFailure(ctx, u.ID, lockoutWindow, lockoutFailures, lockoutDuration)
		tx.Audit(actor, "login.failed", userTarget(u.ID), &u.UnitID, map[string]string{"reason": "bad_password"})
		if locked {
			tx.Audit(actor, "login.lockout", userTarget(u.ID), &u.UnitID, map[string]any{"minutes": int(lockoutDuration.Minutes())})
		}
		return err
	})
	if err != nil {
		return err
	}
	if locked {
		return &tongfa.Error{Code: tongfa.ELocked, Message: "登录失败次数过多，账号已锁定 15 分钟"}
	}
	return errBadLogin
}

func userTarget(id int64) string { return fmt.Sprintf("user:%d", id) }

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.endSession(w, r); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, principal(r).User)
}
