package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// Token scopes: a read-only token cannot change anything.
const (
	ScopeFull = "full"
	ScopeRead = "read"
)

// Token is an API token's metadata; the secret itself is never stored.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// CreateToken stores the hash of a new token t (its ID and CreatedAt are
// filled in).
func (tx *Tx) CreateToken(ctx context.Context, t *Token, hash []byte) error {
	if t.Scope == "" {
		t.Scope = ScopeFull
	}
	t.CreatedAt = tx.now
	err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, hash, created_at, expires_at, scope)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.UserID, t.Name, hash, tx.now, t.ExpiresAt, t.Scope).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("store: create token: %w", translate(err))
	}
	return nil
}

// TokenUser returns the enabled user, with grants, owning the unrevoked
// token with this hash, and the token (expired ones too: the caller says
// why it is refused).
func (db *DB) TokenUser(ctx context.Context, hash []byte) (*Token, *tongfa.User, error) {
	var t Token
	u, err := scanUserGrants(db.Pool.QueryRow(ctx, selectUserGrants(", t.id, t.scope, t.expires_at")+`
		JOIN api_tokens t ON t.user_id = u.id AND t.hash = $1 AND t.revoked_at IS NULL
		WHERE NOT u.disabled GROUP BY u.id, t.id`, hash), &t.ID, &t.Scope, &t.ExpiresAt)
	if err == pgx.ErrNoRows {
		return nil, nil, notFound("token", "(hash)")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: look up token: %w", err)
	}
	t.UserID = u.ID
	return &t, u, nil
}

// TouchToken records use of a token, at most once a minute per token to
// keep scripts from turning every request into a write.
func (db *DB) TouchToken(ctx context.Context, id int64) error {
	_, err := db.Pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`, id, db.now())
	return err
}

// RevokeToken revokes one token of a user.
func (tx *Tx) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
		tokenID, userID, tx.now)
	if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", tokenID, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("token", tokenID)
	}
	return nil
}

// RevokeAllTokens revokes every token of a user (staff changes, R10).
func (tx *Tx) RevokeAllTokens(ctx context.Context, userID int64) (int64, error) {
	tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, userID, tx.now)
	if err != nil {
		return 0, fmt.Errorf("store: revoke tokens of user %d: %w", userID, err)
	}
	return tag.RowsAffected(), nil
}

// Tokens lists a user's tokens.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens
		WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) {
		var t Token
		return t, r.Scan(&t.ID, &t.UserID, &t.Name, &t.Scope, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt)
	})
}
