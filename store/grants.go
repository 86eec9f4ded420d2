package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// PublishGrant lets a unit publish on another unit's account (代发).
type PublishGrant struct {
	ID        int64      `json:"id"`
	AccountID int64      `json:"account_id"`
	UnitID    int64      `json:"unit_id"`
	GrantedBy *int64     `json:"granted_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedBy *int64     `json:"revoked_by,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// GrantPublishing lets unit publish on account; a live grant already there
// is kept.
func (tx *Tx) GrantPublishing(ctx context.Context, accountID, unitID int64, by *int64) (*PublishGrant, error) {
	g := &PublishGrant{AccountID: accountID, UnitID: unitID, GrantedBy: by, CreatedAt: tx.now}
	err := tx.QueryRow(ctx, `INSERT INTO publish_grants (account_id, unit_id, granted_by, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (account_id, unit_id) WHERE revoked_at IS NULL DO UPDATE SET account_id = EXCLUDED.account_id
		RETURNING id, created_at`, accountID, unitID, by, tx.now).Scan(&g.ID, &g.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("store: grant publishing on account %d to unit %d: %w", accountID, unitID, translate(err))
	}
	return g, nil
}

// RevokePublishing ends unit's grant on account.
func (tx *Tx) RevokePublishing(ctx context.Context, accountID, unitID int64, by *int64) error {
	tag, err := tx.Exec(ctx, `UPDATE publish_grants SET revoked_at = $4, revoked_by = $3
		WHERE account_id = $1 AND unit_id = $2 AND revoked_at IS NULL`, accountID, unitID, by, tx.now)
	if err != nil {
		return fmt.Errorf("store: revoke publishing on account %d: %w", accountID, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("publish grant", fmt.Sprintf("%d/%d", accountID, unitID))
	}
	return nil
}

// PublishGrants lists the live grants on an account.
func (db *DB) PublishGrants(ctx context.Context, accountID int64) ([]PublishGrant, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, account_id, unit_id, granted_by, created_at, revoked_by, revoked_at
		FROM publish_grants WHERE account_id = $1 AND revoked_at IS NULL ORDER BY unit_id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("store: publish grants of account %d: %w", accountID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PublishGrant])
}

// targetsQuery reads the accounts ($2) with whether unit ($1) may publish
// on them by grant.
const targetsQuery = `SELECT ` + accountColumns + `, EXISTS (SELECT 1 FROM publish_grants g
		WHERE g.account_id = accounts.id AND g.unit_id = $1 AND g.revoked_at IS NULL)
	FROM accounts WHERE id = ANY($2) ORDER BY id`

// Targets reads the accounts an item of unit names as targets.
func (db *DB) Targets(ctx context.Context, unitID int64, ids []int64) ([]tongfa.Target, error) {
	return targets(ctx, db.Pool, unitID, ids)
}

// Targets reads the accounts an item of unit names as targets, in the
// transaction (the approving one plans its deliveries from them).
func (tx *Tx) Targets(ctx context.Context, unitID int64, ids []int64) ([]tongfa.Target, error) {
	return targets(ctx, tx, unitID, ids)
}

func targets(ctx context.Context, q querier, unitID int64, ids []int64) ([]tongfa.Target, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, targetsQuery, unitID, ids)
	if err != nil {
		return nil, fmt.Errorf("store: targets of unit %d: %w", unitID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (tongfa.Target, error) {
		var t tongfa.Target
		return t, r.Scan(accountDest(&t.Account, &t.Granted)...)
	})
}

// GrantedAccounts lists the active accounts of other units that unit may
// publish on.
func (db *DB) GrantedAccounts(ctx context.Context, unitIDs []int64) ([]tongfa.Account, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id IN (
		SELECT account_id FROM publish_grants WHERE unit_id = ANY($1) AND revoked_at IS NULL) ORDER BY unit_id, platform, id`, unitIDs)
	if err != nil {
		return nil, fmt.Errorf("store: granted accounts: %w", err)
	}
	return pgx.CollectRows(rows, scanAccount)
}

// Publishable reports whether an item of unit may publish on account:
// its own, or granted to it (the worker's last check before sending).
func (db *DB) Publishable(ctx context.Context, unitID int64, a *tongfa.Account) (bool, error) {
	if a.UnitID == unitID {
		return true, nil
	}
	var ok bool
	err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM publish_grants WHERE account_id = $1 AND unit_id = $2 AND revoked_at IS NULL)`,
		a.ID, unitID).Scan(&ok)
	return ok, err
}
