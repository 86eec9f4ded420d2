package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// TOTP is a user's second factor as stored: the secret still sealed.
type TOTP struct {
	UserID      int64
	Sealed      []byte
	ConfirmedAt *time.Time
	LastStep    int64
}

// Enrolled reports whether the second factor is in use (its first code
// was accepted).
func (t *TOTP) Enrolled() bool { return t != nil && t.ConfirmedAt != nil }

// TOTPAAD binds a sealed TOTP secret to its user's row.
func TOTPAAD(userID int64) []byte { return fmt.Appendf(nil, "user_totp:%d", userID) }

// UserTOTP returns u's second factor; tongfa.ErrNotFound when there is none.
func (db *DB) UserTOTP(ctx context.Context, userID int64) (*TOTP, error) {
	t := &TOTP{UserID: userID}
	err := db.Pool.QueryRow(ctx, `SELECT secret, confirmed_at, last_step FROM user_totp WHERE user_id = $1`, userID).
		Scan(&t.Sealed, &t.ConfirmedAt, &t.LastStep)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, tongfa.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: user %d totp: %w", userID, err)
	}
	return t, nil
}

// StartTOTP stores a new, unconfirmed secret for the user; it replaces an
// unconfirmed one but never a confirmed one (an administrator resets that).
func (tx *Tx) StartTOTP(ctx context.Context, userID int64, sealed []byte) error {
	tag, err := tx.Exec(ctx, `INSERT INTO user_totp (user_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET secret = $2, created_at = $3, last_step = 0 WHERE user_totp.confirmed_at IS NULL`,
		userID, sealed, tx.now)
	if err == nil && tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EConflict, Message: "已绑定身份验证器；如需更换，请联系本单位管理员重置"}
	}
	return err
}

// UseTOTPStep records that a code of time step step was accepted, and
// confirms an enrolment. It reports false when a code of this step or a
// later one was used already: a replay (two concurrent uses: one wins).
func (tx *Tx) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	tag, err := tx.Exec(ctx, `UPDATE user_totp SET last_step = $2, confirmed_at = coalesce(confirmed_at, $3)
		WHERE user_id = $1 AND last_step < $2`, userID, step, tx.now)
	return tag.RowsAffected() == 1, err
}

// SetRecoveryCodes replaces the user's recovery codes with hashes.
func (tx *Tx) SetRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO user_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`, userID, hashes)
	return err
}

// UseRecoveryCode spends one of the user's recovery codes by its hash; it
// reports false for an unknown or spent code.
func (tx *Tx) UseRecoveryCode(ctx context.Context, userID int64, hash []byte) (bool, error) {
	tag, err := tx.Exec(ctx, `UPDATE user_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
		userID, hash, tx.now)
	return tag.RowsAffected() == 1, err
}

// RecoveryCodesLeft counts the user's unspent recovery codes.
func (db *DB) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, err
}

// ResetTOTP removes the user's second factor and recovery codes; it
// reports whether there was one.
func (tx *Tx) ResetTOTP(ctx context.Context, userID int64) (bool, error) {
	tag, err := tx.Exec(ctx, `DELETE FROM user_totp WHERE user_id = $1`, userID)
	if err != nil {
		return false, err
	}
	_, err = tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = $1`, userID)
	return tag.RowsAffected() == 1, err
}
