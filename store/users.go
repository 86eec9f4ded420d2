package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// CreateUnit adds a unit; parentID names its supervising unit.
func (tx *Tx) CreateUnit(ctx context.Context, name string, parentID *int64) (*tongfa.Unit, error) {
	u := &tongfa.Unit{Name: name, ParentID: parentID, CreatedAt: tx.now}
	err := tx.QueryRow(ctx, `INSERT INTO units (name, parent_id, created_at) VALUES ($1, $2, $3) RETURNING id`,
		name, parentID, tx.now).Scan(&u.ID)
	if err != nil {
		return nil, fmt.Errorf("store: create unit %q: %w", name, translate(err))
	}
	return u, nil
}

// UnitByName finds a unit by its exact name.
func (db *DB) UnitByName(ctx context.Context, name string) (*tongfa.Unit, error) {
	return getUnit(ctx, db.Pool, `name = $1`, name)
}

// Unit returns one unit.
func (db *DB) Unit(ctx context.Context, id int64) (*tongfa.Unit, error) {
	return getUnit(ctx, db.Pool, `id = $1`, id)
}

func getUnit(ctx context.Context, q querier, where string, arg any) (*tongfa.Unit, error) {
	var u tongfa.Unit
	err := q.QueryRow(ctx, `SELECT id, name, parent_id, created_at FROM units WHERE `+where, arg).
		Scan(&u.ID, &u.Name, &u.ParentID, &u.CreatedAt)
	if err == pgx.ErrNoRows {
		return nil, notFound("unit", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get unit %v: %w", arg, err)
	}
	return &u, nil
}

// Units lists every unit, supervising units first.
func (db *DB) Units(ctx context.Context) ([]tongfa.Unit, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, name, parent_id, created_at FROM units ORDER BY parent_id NULLS FIRST, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list units: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (tongfa.Unit, error) {
		var u tongfa.Unit
		return u, r.Scan(&u.ID, &u.Name, &u.ParentID, &u.CreatedAt)
	})
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Username     string
	DisplayName  string
	UnitID       int64
	PasswordHash string
}

// CreateUser adds a user with no roles.
func (tx *Tx) CreateUser(ctx context.Context, n NewUser) (*tongfa.User, error) {
	u := &tongfa.User{Username: n.Username, DisplayName: n.DisplayName, UnitID: n.UnitID, CreatedAt: tx.now}
	err := tx.QueryRow(ctx, `INSERT INTO users (username, display_name, unit_id, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, n.Username, n.DisplayName, n.UnitID, n.PasswordHash, tx.now).Scan(&u.ID)
	if err != nil {
		return nil, fmt.Errorf("store: create user %q: %w", n.Username, translate(err))
	}
	return u, nil
}

// Grant gives a role in a unit; granting an existing role is a no-op.
func (tx *Tx) Grant(ctx context.Context, userID, unitID int64, role tongfa.Role) error {
	_, err := tx.Exec(ctx, `INSERT INTO role_grants (user_id, unit_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, userID, unitID, string(role), tx.now)
	if err != nil {
		return fmt.Errorf("store: grant %s to user %d: %w", role, userID, translate(err))
	}
	return nil
}

// Revoke removes a role grant.
func (tx *Tx) Revoke(ctx context.Context, userID, unitID int64, role tongfa.Role) error {
	_, err := tx.Exec(ctx, `DELETE FROM role_grants WHERE user_id = $1 AND unit_id = $2 AND role = $3`, userID, unitID, string(role))
	if err != nil {
		return fmt.Errorf("store: revoke %s from user %d: %w", role, userID, err)
	}
	return nil
}

// Credentials is a user with the secret parts needed to authenticate.
type Credentials struct {
	User         *tongfa.User
	PasswordHash string
	LockedUntil  *time.Time
	// MustChange: an administrator reset the password; the next sign-in
	// replaces it before anything else.
	MustChange bool
}

const userColumns = `id, username, display_name, unit_id, disabled, last_login_at, created_at`

func scanUser(row pgx.Row, extra ...any) (*tongfa.User, error) {
	var u tongfa.User
	dst := append([]any{&u.ID, &u.Username, &u.DisplayName, &u.UnitID, &u.Disabled, &u.LastLoginAt, &u.CreatedAt}, extra...)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	return &u, nil
}

// selectUserGrants selects a user and their grants in one round trip;
// extra names more columns to select after them.
func selectUserGrants(extra string) string {
	return `SELECT u.id, u.username, u.display_name, u.unit_id, u.disabled, u.last_login_at, u.created_at,
	coalesce(array_agg(g.unit_id ORDER BY g.unit_id, g.role) FILTER (WHERE g.user_id IS NOT NULL), '{}'),
	coalesce(array_agg(g.role ORDER BY g.unit_id, g.role) FILTER (WHERE g.user_id IS NOT NULL), '{}')` + extra + `
	FROM users u LEFT JOIN role_grants g ON g.user_id = u.id`
}

func scanUserGrants(row pgx.Row, extra ...any) (*tongfa.User, error) {
	var units []int64
	var roles []string
	u, err := scanUser(row, append([]any{&units, &roles}, extra...)...)
	if err != nil {
		return nil, err
	}
	u.Grants = make([]tongfa.Grant, len(units))
	for i := range units {
		u.Grants[i] = tongfa.Grant{UnitID: units[i], Role: tongfa.Role(roles[i])}
	}
	return u, nil
}

// User returns a user with their grants.
func (db *DB) User(ctx context.Context, id int64) (*tongfa.User, error) {
	u, err := scanUserGrants(db.Pool.QueryRow(ctx, selectUserGrants("")+` WHERE u.id = $1 GROUP BY u.id`, id))
	if err == pgx.ErrNoRows {
		return nil, notFound("user", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get user %d: %w", id, err)
	}
	return u, nil
}

// CredentialsByUsername returns what login needs.
func (db *DB) CredentialsByUsername(ctx context.Context, username string) (*Credentials, error) {
	var c Credentials
	u, err := scanUser(db.Pool.QueryRow(ctx, `SELECT `+userColumns+`, password_hash, locked_until, must_change_password FROM users WHERE username = $1`, username),
		&c.PasswordHash, &c.LockedUntil, &c.MustChange)
	if err == pgx.ErrNoRows {
		return nil, notFound("user", username)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get user %q: %w", username, err)
	}
	c.User = u
	return &c, db.loadGrants(ctx, u)
}

// PasswordHash returns a user's password hash (for step-up checks).
func (db *DB) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	err := db.Pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&h)
	if err == pgx.ErrNoRows {
		return "", notFound("user", userID)
	}
	return h, err
}

func (db *DB) loadGrants(ctx context.Context, u *tongfa.User) error {
	rows, err := db.Pool.Query(ctx, `SELECT unit_id, role FROM role_grants WHERE user_id = $1 ORDER BY unit_id, role`, u.ID)
	if err != nil {
		return fmt.Errorf("store: grants of user %d: %w", u.ID, err)
	}
	u.Grants, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (tongfa.Grant, error) {
		var g tongfa.Grant
		return g, r.Scan(&g.UnitID, &g.Role)
	})
	return err
}

// UserByUsername returns a user with grants.
func (db *DB) UserByUsername(ctx context.Context, username string) (*tongfa.User, error) {
	c, err := db.CredentialsByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	return c.User, nil
}

// RecordLoginFailure notes a failed login and locks the account for lockFor
// when max failures fell within window. It reports whether it locked.
func (tx *Tx) RecordLoginFailure(ctx context.Context, userID int64, window time.Duration, max int, lockFor time.Duration) (bool, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO login_failures (user_id, at) VALUES ($1, $2)`, userID, tx.now); err != nil {
		return false, fmt.Errorf("store: record login failure: %w", err)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE user_id = $1 AND at > $2`,
		userID, tx.now.Add(-window)).Scan(&n); err != nil {
		return false, fmt.Errorf("store: count login failures: %w", err)
	}
	if n < max {
		return false, nil
	}
	_, err := tx.Exec(ctx, `UPDATE users SET locked_until = $2 WHERE id = $1`, userID, tx.now.Add(lockFor))
	if err == nil {
		_, err = tx.Exec(ctx, `DELETE FROM login_failures WHERE user_id = $1`, userID)
	}
	if err != nil {
		return false, fmt.Errorf("store: lock user %d: %w", userID, err)
	}
	return true, nil
}

// RecordLogin clears failures and stamps the login time.
func (tx *Tx) RecordLogin(ctx context.Context, userID int64) error {
	_, err := tx.Exec(ctx, `UPDATE users SET last_login_at = $2, locked_until = NULL WHERE id = $1`, userID, tx.now)
	if err == nil {
		_, err = tx.Exec(ctx, `DELETE FROM login_failures WHERE user_id = $1`, userID)
	}
	if err != nil {
		return fmt.Errorf("store: record login of user %d: %w", userID, err)
	}
	return nil
}

// SetPassword replaces a user's password hash with one the user chose,
// which lifts a pending forced change.
func (tx *Tx) SetPassword(ctx context.Context, userID int64, hash string) error {
	_, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = false WHERE id = $1`, userID, hash)
	if err != nil {
		return fmt.Errorf("store: set password of user %d: %w", userID, err)
	}
	return nil
}

// ResetPassword replaces a forgotten password and clears the lockout and
// the failed attempts that forgetting it may have left. mustChange makes
// the next sign-in replace it (a temporary password an administrator
// handed over).
func (tx *Tx) ResetPassword(ctx context.Context, userID int64, hash string, mustChange bool) error {
	tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, locked_until = NULL, must_change_password = $3 WHERE id = $1`,
		userID, hash, mustChange)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound("user", userID)
	}
	if err == nil {
		_, err = tx.Exec(ctx, `DELETE FROM login_failures WHERE user_id = $1`, userID)
	}
	if err != nil {
		return fmt.Errorf("store: reset password of user %d: %w", userID, err)
	}
	return nil
}
