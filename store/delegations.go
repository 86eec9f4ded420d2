package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// Delegation hands a leader's level to another user for a period.
type Delegation struct {
	ID          int64       `json:"id"`
	DelegatorID int64       `json:"delegator_id"`
	DelegateID  int64       `json:"delegate_id"`
	UnitID      int64       `json:"unit_id"`
	Role        tongfa.Role `json:"role"`
	StartsAt    time.Time   `json:"starts_at"`
	EndsAt      time.Time   `json:"ends_at"`
	Reason      string      `json:"reason"`
	CreatedAt   time.Time   `json:"created_at"`
	RevokedAt   *time.Time  `json:"revoked_at,omitempty"`
}

// CreateDelegation stores a delegation.
func (tx *Tx) CreateDelegation(ctx context.Context, d *Delegation) error {
	d.CreatedAt = tx.now
	err := tx.QueryRow(ctx, `INSERT INTO delegations (delegator_id, delegate_id, unit_id, role, starts_at, ends_at, reason, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
		d.DelegatorID, d.DelegateID, d.UnitID, string(d.Role), d.StartsAt, d.EndsAt, d.Reason, tx.now).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("store: create delegation: %w", translate(err))
	}
	return nil
}

// RevokeDelegation ends a delegation early; only its delegator may.
func (tx *Tx) RevokeDelegation(ctx context.Context, id, delegatorID int64) error {
	tag, err := tx.Exec(ctx, `UPDATE delegations SET revoked_at = $3 WHERE id = $1 AND delegator_id = $2 AND revoked_at IS NULL`,
		id, delegatorID, tx.now)
	if err != nil {
		return fmt.Errorf("store: revoke delegation %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("delegation", id)
	}
	return nil
}

const delegationColumns = `id, delegator_id, delegate_id, unit_id, role, starts_at, ends_at, reason, created_at, revoked_at`

func scanDelegation(row pgx.CollectableRow) (Delegation, error) {
	var d Delegation
	err := row.Scan(&d.ID, &d.DelegatorID, &d.DelegateID, &d.UnitID, &d.Role, &d.StartsAt, &d.EndsAt, &d.Reason, &d.CreatedAt, &d.RevokedAt)
	return d, err
}

// ActiveDelegationsTo returns the delegations a user may act under at t.
func (tx *Tx) ActiveDelegationsTo(ctx context.Context, delegateID int64, t time.Time) ([]Delegation, error) {
	rows, err := tx.Query(ctx, `SELECT `+delegationColumns+` FROM delegations
		WHERE delegate_id = $1 AND revoked_at IS NULL AND starts_at <= $2 AND ends_at > $2 ORDER BY id`, delegateID, t)
	if err != nil {
		return nil, fmt.Errorf("store: delegations to user %d: %w", delegateID, err)
	}
	return pgx.CollectRows(rows, scanDelegation)
}

// Delegations lists the delegations a user gave or received.
func (db *DB) Delegations(ctx context.Context, userID int64) ([]Delegation, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+delegationColumns+` FROM delegations
		WHERE delegator_id = $1 OR delegate_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: delegations of user %d: %w", userID, err)
	}
	return pgx.CollectRows(rows, scanDelegation)
}

// DelegatedTo reports whether userID holds an active delegation in unit at t.
func (db *DB) DelegatedTo(ctx context.Context, userID, unitID int64, t time.Time) (bool, error) {
	var ok bool
	err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM delegations WHERE delegate_id = $1 AND unit_id = $2
		AND revoked_at IS NULL AND starts_at <= $3 AND ends_at > $3)`, userID, unitID, t).Scan(&ok)
	return ok, err
}
