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

// LoginInput is one sign-in attempt: the password, and the second factor
// (a TOTP code or a recovery code) when the user has one or must enrol.
type LoginInput struct {
	Username, Password, OTP, IP string
	// Ticket, from the EOTPRequired, EOTPEnroll or EPasswordChange
	// answer, stands for the password in the next step (the console does
	// not send it twice).
	Ticket string
	// NewPassword replaces a temporary password (EPasswordChange).
	NewPassword string
}

// LoginResult is who signed in, how, and the recovery codes of an
// enrolment completed by this sign-in (shown once).
type LoginResult struct {
	User          *tongfa.User
	SecondFactor  string   // "", "totp" or "recovery_code"
	RecoveryCodes []string // only when this sign-in completed an enrolment
}

// Login is LoginWith for a password alone.
func (s *Service) Login(ctx context.Context, username, password, ip string) (*tongfa.User, error) {
	r, err := s.LoginWith(ctx, LoginInput{Username: username, Password: password, IP: ip})
	if err != nil {
		return nil, err
	}
	return r.User, nil
}

// LoginWith checks a password under the throttle and the lockout, then
// the second factor, records every attempt in the audit log, and returns
// the user. Unknown usernames, wrong passwords and locked usernames are
// answered alike whether or not the user exists. A user with a second
// factor is asked for it (EOTPRequired); a user whose unit requires one
// and who has none is given a secret to enrol with (EOTPEnroll) and
// completes the enrolment by signing in with its first code.
func (s *Service) LoginWith(ctx context.Context, in LoginInput) (*LoginResult, error) {
	proven := in.Password == "" && in.Ticket != ""
	if proven {
		name, ok := s.ticketUser(ctx, in.Ticket)
		if !ok {
			return nil, &tongfa.Error{Code: tongfa.EUnauthorized, Message: "登录已超时，请重新输入用户名和密码"}
		}
		in.Username = name
	}
	username, ip := in.Username, in.IP
	if err := s.Throttle.Allow(ctx, ip, username); err != nil {
		return nil, err
	}
	if d := s.Throttle.Locked(ctx, username); d > 0 {
		s.DB.Audit(ctx, store.Actor{Name: username, IP: ip}, "login.refused", "user:"+username, nil, map[string]string{"reason": "locked"}) //nolint:errcheck
		return nil, lockedError(d)
	}
	c, err := s.DB.CredentialsByUsername(ctx, username)
	if errors.Is(err, tongfa.ErrNotFound) {
		return nil, s.unknownUser(ctx, username, in.Password, ip)
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
	ok, err := firstFactor(ctx, c.PasswordHash, in.Password, proven)
	if err != nil {
		return nil, err // gave up waiting for a turn: not a failure
	}
	if !ok {
		return nil, s.loginFailed(ctx, username, u, actor, "bad_password")
	}
	if u.Disabled {
		s.DB.Audit(ctx, actor, "login.refused", userTarget(u.ID), &u.UnitID, map[string]string{"reason": "disabled"}) //nolint:errcheck
		return nil, &tongfa.Error{Code: tongfa.EUnauthorized, Message: "账号已停用，请联系管理员"}
	}
	if c.MustChange {
		if err := s.changeOnSignIn(ctx, c, in, actor); err != nil {
			return nil, err
		}
	}
	res, err := s.passSecondFactor(ctx, u, in.OTP, actor)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(actor, "login", userTarget(u.ID), &u.UnitID, loginDetails(res))
		return tx.RecordLogin(ctx, u.ID)
	})
	if err == nil {
		s.Throttle.Clear(ctx, username)
		if in.Ticket != "" {
			s.rdb.Del(ctx, ticketKey(in.Ticket))
		}
	}
	return res, err
}

// firstFactor checks the password, unless a ticket proved it already.
func firstFactor(ctx context.Context, hash, password string, proven bool) (bool, error) {
	if proven {
		return true, nil
	}
	return auth.CheckPasswordContext(ctx, hash, password)
}

func loginDetails(r *LoginResult) any {
	if r.SecondFactor == "" {
		return nil
	}
	return map[string]any{"second_factor": r.SecondFactor, "enrolled": len(r.RecoveryCodes) > 0}
}

// passSecondFactor asks for, or checks, the second factor of a user whose
// password was right. A wrong code counts toward the lockout like a wrong
// password.
func (s *Service) passSecondFactor(ctx context.Context, u *tongfa.User, code string, actor store.Actor) (*LoginResult, error) {
	res := &LoginResult{User: u}
	t, required, err := s.factors(ctx, u)
	switch {
	case err != nil:
		return nil, err
	case !t.Enrolled() && !required:
		return res, nil
	case !t.Enrolled() && (t == nil || code == ""):
		e, err := s.enrol(ctx, u, actor, t)
		if err != nil {
			return nil, err
		}
		e.Ticket = s.newTicket(ctx, u.Username)
		return nil, &tongfa.Error{Code: tongfa.EOTPEnroll, Data: e, Fields: map[string]string{"otp": "请输入身份验证器显示的动态口令"},
			Message: "本单位要求登录时使用动态口令，请先绑定身份验证器：扫描下面的二维码，再输入验证器显示的 6 位动态口令"}
	case !t.Enrolled():
		res.SecondFactor = "totp"
		res.RecoveryCodes, err = s.confirm(ctx, u, t, code, actor)
	case code == "":
		return nil, otpRequired(s.newTicket(ctx, u.Username))
	default:
		err = s.DB.InTx(ctx, func(tx *store.Tx) (err error) {
			res.SecondFactor, err = s.secondFactor(ctx, tx, u, t, code, actor)
			return err
		})
	}
	if errors.Is(err, errBadOTP) || errors.Is(err, errReplayedOTP) {
		if lockErr := s.loginFailed(ctx, u.Username, u, actor, "bad_otp"); tongfa.ErrorCode(lockErr) == tongfa.ELocked {
			return nil, lockErr
		}
	}
	if err != nil {
		return nil, err
	}
	return res, nil
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
func (s *Service) loginFailed(ctx context.Context, username string, u *tongfa.User, actor store.Actor, reason string) error {
	locked, _ := s.Throttle.Failed(ctx, username)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		dbLocked, err := tx.RecordLoginFailure(ctx, u.ID, lockoutWindow, lockoutFailures, lockoutDuration)
		locked = locked || dbLocked
		tx.Audit(actor, "login.failed", userTarget(u.ID), &u.UnitID, map[string]string{"reason": reason})
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
// withdrawal: the password, a TOTP code, or a confirmation p's console
// session made within stepUpWindow. Where p's unit requires a second
// factor (totp_required), only a code (or a session confirmed by one)
// will do. A wrong password or code counts toward the lockout, so the
// sign-off form cannot be used to guess either.
func (s *Service) StepUp(ctx context.Context, p *access.Principal, credential string) error {
	t, required, err := s.factors(ctx, p.User)
	if err != nil {
		return err
	}
	switch {
	case credential == "":
		return s.recentStepUp(ctx, p, t, required)
	case isCode(credential) && t.Enrolled():
		return s.stepUpCode(ctx, p, t, credential)
	case required && !t.Enrolled():
		return &tongfa.Error{Code: tongfa.EStepUp, Message: "本单位要求用动态口令确认领导审签：请先在“动态口令”页面绑定身份验证器",
			Fields: map[string]string{"password": "请先绑定身份验证器"}}
	case required:
		return &tongfa.Error{Code: tongfa.EStepUp, Message: "本单位要求用动态口令确认领导审签：请输入身份验证器中的 6 位动态口令（不是登录密码）",
			Fields: map[string]string{"password": "请输入动态口令"}}
	}
	if err := s.checkPassword(ctx, p.User, p.IP, credential); err != nil {
		return err
	}
	if p.Session != "" {
		s.Sessions.MarkStepUp(ctx, p.Session, false) //nolint:errcheck // only saves retyping
	}
	return nil
}

// recentStepUp accepts a confirmation the session made within the window:
// by a code where the unit requires one.
func (s *Service) recentStepUp(ctx context.Context, p *access.Principal, t *store.TOTP, required bool) error {
	if sess, err := s.Sessions.Get(ctx, p.Session); err == nil {
		at := sess.StepUpAt
		if required {
			at = sess.StepUpOTPAt
		}
		if time.Since(at) < stepUpWindow {
			return nil
		}
	}
	msg, field := "领导审签需要输入登录密码确认身份", "请输入密码"
	switch {
	case required:
		msg, field = "领导审签需要输入身份验证器中的 6 位动态口令确认身份", "请输入动态口令"
	case t.Enrolled():
		msg, field = "领导审签需要输入登录密码或动态口令确认身份", "请输入密码或动态口令"
	}
	return &tongfa.Error{Code: tongfa.EStepUp, Message: msg, Fields: map[string]string{"password": field}}
}

// stepUpCode checks a TOTP code for a step-up.
func (s *Service) stepUpCode(ctx context.Context, p *access.Principal, t *store.TOTP, code string) error {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error { return s.useCode(ctx, tx, p.User, t, code) })
	if errors.Is(err, errBadOTP) || errors.Is(err, errReplayedOTP) {
		s.loginFailed(context.WithoutCancel(ctx), p.User.Username, p.User, store.UserActor(p.User, p.IP), "bad_otp") //nolint:errcheck // recorded for lockout
		return &tongfa.Error{Code: tongfa.EStepUp, Message: tongfa.ErrorMessage(err), Fields: map[string]string{"password": "动态口令错误或已用过"}}
	}
	if err == nil && p.Session != "" {
		s.Sessions.MarkStepUp(ctx, p.Session, true) //nolint:errcheck // only saves retyping
	}
	return err
}

// checkPassword confirms p's password again (step-up, enrolment).
func (s *Service) checkPassword(ctx context.Context, u *tongfa.User, ip, password string) error {
	hash, err := s.DB.PasswordHash(ctx, u.ID)
	if err != nil {
		return err
	}
	ok, err := auth.CheckPasswordContext(ctx, hash, password)
	if err != nil {
		return err
	}
	if !ok {
		s.loginFailed(context.WithoutCancel(ctx), u.Username, u, store.UserActor(u, ip), "bad_password") //nolint:errcheck // recorded for lockout
		return &tongfa.Error{Code: tongfa.EStepUp, Message: "密码错误，未能确认身份", Fields: map[string]string{"password": "密码错误"}}
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
