package identity

import (
	"context"
	"crypto/rand"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/store"
)

// Audit actions of passwords.
const (
	ActionPasswordReset  = "user.password_reset"  // replaced by an administrator or `tongfa user passwd`
	ActionPasswordChange = "user.password_change" // replaced by the user at a forced change
)

// ResetPassword sets u's password to pw (checked for strength by the
// caller), audited under actor, and ends what the old one left behind:
// the lockout, the failed attempts, every session and every API token
// (whoever reset it may be shutting out someone who learned it; the user
// issues new tokens after signing in). mustChange makes the next sign-in
// replace it.
func (s *Service) ResetPassword(ctx context.Context, actor store.Actor, u *tongfa.User, pw string, mustChange bool) (Ended, error) {
	hash, err := auth.HashPassword(pw, auth.DefaultParams)
	if err != nil {
		return Ended{}, err
	}
	var ended Ended
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ResetPassword(ctx, u.ID, hash, mustChange); err != nil {
			return err
		}
		n, err := tx.RevokeAllTokens(ctx, u.ID)
		ended.Tokens = int(n)
		tx.Audit(actor, ActionPasswordReset, userTarget(u.ID), &u.UnitID,
			map[string]any{"username": u.Username, "must_change": mustChange, "tokens_revoked": n})
		return err
	})
	if err != nil {
		return Ended{}, err
	}
	s.Throttle.Clear(ctx, u.Username)
	if ended.Sessions, err = s.Sessions.DeleteUser(ctx, u.ID); err != nil {
		return ended, &tongfa.Error{Code: tongfa.EUnavailable, Message: "密码已重设，但无法结束该用户的登录会话，请稍后再试一次", Err: err}
	}
	return ended, nil
}

// Ended is what a password reset ended: sign-in sessions and API tokens.
type Ended struct {
	Sessions int `json:"sessions_ended"`
	Tokens   int `json:"tokens_revoked"`
}

// PasswordReset is what an administrator's reset hands over: the
// temporary password, shown once and never stored in the clear.
type PasswordReset struct {
	TemporaryPassword string `json:"temporary_password"`
	Ended
}

// AdminResetPassword gives user userID a temporary password that must be
// changed at the next sign-in. Administrators of the user's unit or a
// unit above it may; not their own (they change it themselves); to those
// who may not read the user's unit the user does not exist.
func (s *Service) AdminResetPassword(ctx context.Context, p *access.Principal, userID int64) (*PasswordReset, error) {
	u, err := s.DB.User(ctx, userID)
	if err != nil || !p.Tree.CanRead(p.User, u.UnitID) {
		return nil, &tongfa.Error{Code: tongfa.ENotFound, Message: "用户不存在", Err: err}
	}
	switch {
	case !p.Tree.Administers(p.User, u.UnitID):
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该用户所在单位（或上级单位）的管理员可以重设其密码"}
	case u.ID == p.User.ID:
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "不能重设自己的密码，请联系另一位管理员"}
	}
	pw := temporaryPassword()
	ended, err := s.ResetPassword(ctx, store.UserActor(p.User, p.IP), u, pw, true)
	if err != nil {
		return nil, err
	}
	return &PasswordReset{TemporaryPassword: pw, Ended: ended}, nil
}

// temporaryPassword is 12 characters without look-alikes (0/O, 1/l/I),
// in three groups, holding a lower-case letter, a capital and a digit, so
// it passes auth.ValidatePassword and can be read out over the phone.
func temporaryPassword() string {
	const lower, upper, digits = "abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"
	const all = lower + upper + digits
	for {
		b := make([]byte, 14)
		for i := range b {
			b[i] = all[randN(len(all))]
		}
		b[4], b[9] = '-', '-'
		pw := string(b)
		if auth.ValidatePassword(pw) == nil && containsFrom(pw, lower) && containsFrom(pw, upper) && containsFrom(pw, digits) {
			return pw
		}
	}
}

func randN(n int) int {
	var b [1]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic("identity: no randomness: " + err.Error())
		}
		if int(b[0]) < 256/n*n {
			return int(b[0]) % n
		}
	}
}

func containsFrom(s, set string) bool {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(set); j++ {
			if s[i] == set[j] {
				return true
			}
		}
	}
	return false
}

// PasswordChallenge is the data of EPasswordChange: the ticket that
// stands for the temporary password while the new one is chosen.
type PasswordChallenge struct {
	Ticket string `json:"ticket"`
}

// changeOnSignIn replaces a temporary password before anything else: it
// asks for the new one (EPasswordChange with a ticket) or, given it,
// checks and stores it.
func (s *Service) changeOnSignIn(ctx context.Context, c *store.Credentials, in LoginInput, actor store.Actor) error {
	u := c.User
	if in.NewPassword == "" {
		return &tongfa.Error{Code: tongfa.EPasswordChange, Message: PasswordChangePrompt,
			Fields: map[string]string{"new_password": "请设置新密码"}, Data: PasswordChallenge{Ticket: s.newTicket(ctx, u.Username)}}
	}
	refuse := func(msg string) error {
		return &tongfa.Error{Code: tongfa.EPasswordChange, Message: msg, Fields: map[string]string{"new_password": msg},
			Data: PasswordChallenge{Ticket: s.newTicket(ctx, u.Username)}}
	}
	if err := auth.ValidatePassword(in.NewPassword); err != nil {
		return refuse(err.Error())
	}
	if same, err := auth.CheckPasswordContext(ctx, c.PasswordHash, in.NewPassword); err != nil || same {
		return refuse("新密码不能与临时密码相同")
	}
	hash, err := auth.HashPassword(in.NewPassword, auth.DefaultParams)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(actor, ActionPasswordChange, userTarget(u.ID), &u.UnitID, map[string]any{"forced": true})
		return tx.SetPassword(ctx, u.ID, hash)
	})
}

// PasswordChangePrompt is the message asking for the new password.
const PasswordChangePrompt = "管理员已重设您的密码，请先设置新密码再继续"
