package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/store"
)

// Token lifetimes: 90 days unless asked otherwise, a year at most.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
)

// TokenInput is POST /api/v1/tokens.
type TokenInput struct {
	Name  string `json:"name" validate:"required,max=100"`
	Days  int    `json:"days" validate:"omitempty,min=1,max=365"`
	Scope string `json:"scope" validate:"omitempty,oneof=read full"`
}

// TokenLabels name TokenInput's fields in Chinese.
var TokenLabels = map[string]string{"name": "用途", "days": "有效天数", "scope": "权限范围"}

// Tokens lists p's own API tokens (never the secrets).
func (s *Service) Tokens(ctx context.Context, p *access.Principal) ([]store.Token, error) {
	return s.DB.Tokens(ctx, p.User.ID)
}

// CreateToken makes a token for p and returns its secret, shown once.
func (s *Service) CreateToken(ctx context.Context, p *access.Principal, in TokenInput) (string, *store.Token, error) {
	return Issue(ctx, s.DB, p.User, in, store.UserActor(p.User, p.IP))
}

// Issue makes a token for u on actor's behalf (the API for oneself, the
// CLI for anyone) and returns its secret.
func Issue(ctx context.Context, db *store.DB, u *tongfa.User, in TokenInput, actor store.Actor) (string, *store.Token, error) {
	days := in.Days
	if days == 0 {
		days = DefaultTokenDays
	}
	if days < 1 || days > MaxTokenDays {
		return "", nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "令牌有效期为 1 至 365 天",
			Fields: map[string]string{"days": "令牌有效期为 1 至 365 天"}}
	}
	secret, hash := auth.NewToken()
	t := &store.Token{UserID: u.ID, Name: in.Name, Scope: in.Scope, ExpiresAt: db.Now().Add(time.Duration(days) * 24 * time.Hour)}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateToken(ctx, t, hash); err != nil {
			return err
		}
		tx.Audit(actor, "token.create", fmt.Sprintf("token:%d", t.ID), &u.UnitID, map[string]any{
			"user_id": u.ID, "name": t.Name, "scope": t.Scope, "expires_at": t.ExpiresAt})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// RevokeToken revokes one of p's own tokens at once; another user's token
// is not found.
func (s *Service) RevokeToken(ctx context.Context, p *access.Principal, id int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(store.UserActor(p.User, p.IP), "token.revoke", fmt.Sprintf("token:%d", id), &p.User.UnitID, nil)
		return tx.RevokeToken(ctx, p.User.ID, id)
	})
}
