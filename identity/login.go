package identity

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/store"
)

var errBadLogin = &tongfa.Error{Code: tongfa.EUnauthorized, Message: "用户名或密码错误"}

func lockedError(d time.Duration) error {
	return &tongfa.Error{Code: tongfa.ELocked, Message: fmt.Sprintf("登录失败次数过多，账号已锁定，请 %d 分钟后再试", int(d.Minutes())+1)}
}

// Login checks a password under the throttle and the lockout, records
// every attempt in the audit log, and returns the user. Unknown usernames,
// wrong passwords and locked usernames are answered alike whether or not
// the user exists.
func (s *Service) Login(ctx context.Context, username, password, ip string) (*tongfa.User, error) {
	if err := s.Throttle.Allow(ctx, ip, username); err != nil {
		return nil, err
	}
	if d := s.Throttle.Locked(ctx, username); d > 0 {
		s.DB.Audit(ctx, store.Actor{Name: username, IP: ip}, "login.refused", "user:"+username, nil, map[string]string{"reason": "locked"}) //nolint:errcheck
		return nil, lockedError(d)
	}
	c, err := s.DB.CredentialsByUsername(ctx, username)
	if errors.Is(err, tongfa.ErrNotFound) {
		return nil, s.unknownUser(ctx, username, password, ip)
	}
	if err != nil {
		return nil, err
	}
	u, actor, now := c.User, store.UserActor(c.User, ip), s.DB.Now()
	if c.LockedUntil != nil && now.Before(*c.LockedUntil) {
		s.Throttle.Lock(ctx, username, c.LockedUntil.Sub(now))                                                      // Redis forgot it
		s.DB.Audit(ctx, actor, "login.refused", userTarget(u.ID), &u.UnitID, map[string]string{"reason": "locked"}) //nolint:errcheck
		return nil, lockedError(c.LockedUntil.Sub(now))
	}
	ok, err := auth.CheckPasswordContext(ctx, c.PasswordHash, password)
	if err != nil {
		return nil, err // gave up waiting for a turn: not a failure
	}
	if !ok {
		return nil, s.loginFailed(ctx, username, u, actor)
	}
	if u.Disabled {
		s.DB.Audit(ctx, actor, "login.refused", userTarget(u.ID), &u.UnitID, map[string]string{"reason": "disabled"}) //nolint:errcheck
		return nil, &tongfa.Error{Code: tongfa.EUnauthorized, Message: "账号已停用，请联系管理员"}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(actor, "login", userTarget(u.ID), &u.UnitID, nil)
		return tx.RecordLogin(ctx, u.ID)
	})
	if err == nil {
		s.Throttle.Clear(ctx, username)
	}
	return u, err
}

// unknownUser spends a password check's time, so the answer takes as long
// as for a user who exists, and counts the failure the same way.
func (s *Service) unknownUser(ctx context.Context, username, password, ip string) error {
	if err := auth.BurnPasswordCheckContext(ctx, password); err != nil {
		return err
	}
	s.DB.Audit(ctx, store.Actor{Name: username, IP: ip}, "login.failed", "user:"+username, nil, map[string]string{"reason": "unknown_user"}) //nolint:errcheck
	if locked, err := s.Throttle.Failed(ctx, username); err == nil && locked {
		return lockedError(lockoutDuration)
	}
	return errBadLogin
}

// loginFailed records a wrong password: in Redis for the lockout that
// answers every username alike, and in the store for the record (and for
// a lockout Redis may lose).
func (s *Service) loginFailed(ctx context.Context, username string, u *tongfa.User, actor store.Actor) error {
	locked, _ := s.Throttle.Failed(ctx, username)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		dbLocked, err := tx.RecordLoginFailure(ctx, u.ID, lockoutWindow, lockoutFailures, lockoutDuration)
		locked = locked || dbLocked
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
		return lockedError(lockoutDuration)
	}
	return errBadLogin
}

// stepUpWindow is how long a password confirmation covers further leader
// signatures from the same console session.
const stepUpWindow = 5 * time.Minute

// StepUp confirms p's identity before a leader's signature or a
// withdrawal: the password, or a confirmation p's console session made
// within stepUpWindow. A wrong password counts toward the lockout, so the
// sign-off form cannot be used to guess passwords.
func (s *Service) StepUp(ctx context.Context, p *access.Principal, password string) error {
	if password == "" {
		if sess, err := s.Sessions.Get(ctx, p.Session); err == nil && time.Since(sess.StepUpAt) < stepUpWindow {
			return nil
		}
		return &tongfa.Error{Code: tongfa.EStepUp, Message: "领导审签需要输入登录密码确认身份", Fields: map[string]string{"password": "请输入密码"}}
	}
	hash, err := s.DB.PasswordHash(ctx, p.User.ID)
	if err != nil {
		return err
	}
	ok, err := auth.CheckPasswordContext(ctx, hash, password)
	if err != nil {
		return err
	}
	if !ok {
		s.loginFailed(context.WithoutCancel(ctx), p.User.Username, p.User, store.UserActor(p.User, p.IP)) //nolint:errcheck // recorded for lockout
		return &tongfa.Error{Code: tongfa.EStepUp, Message: "密码错误，未能确认身份", Fields: map[string]string{"password": "密码错误"}}
	}
	if p.Session != "" {
		s.Sessions.MarkStepUp(ctx, p.Session) //nolint:errcheck // only saves retyping
	}
	return nil
}

// StartSession opens a console session for a user who has just logged in
// and returns its token and CSRF token.
func (s *Service) StartSession(ctx context.Context, userID int64) (token, csrf string, err error) {
	token, sess, err := s.Sessions.Create(ctx, userID)
	if err != nil {
		return "", "", err
	}
	return token, sess.CSRF, nil
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
