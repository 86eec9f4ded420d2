package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tongfa/tongfa"
)

// CreateAccount inserts an account; sealed must already be encrypted, or
// nil. The credentials are sealed with the account id as associated data,
// so seal is called once the id is known.
func (tx *Tx) CreateAccount(ctx context.Context, a *tongfa.Account, seal func(id int64) ([]byte, error)) error {
	settings, err := json.Marshal(nonNil(a.Settings))
	if err != nil {
		return err
	}
	if a.Status == "" {
		a.Status = "active"
	}
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	if a.Managers == nil {
		a.Managers = []tongfa.Manager{}
	}
	managers, _ := json.Marshal(a.Managers)
	err = tx.QueryRow(ctx, `INSERT INTO accounts (unit_id, platform, name, status, api_base, settings, platform_ref, responsible,
		managers, exception_reason, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11) RETURNING id`,
		a.UnitID, string(a.Platform), a.Name, a.Status, a.APIBase, settings, a.PlatformRef, a.Responsible, managers, a.Exception, tx.now).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("store: create account: %w", accountError(err))
	}
	if seal == nil {
		return nil
	}
	if a.Credentials, err = seal(a.ID); err != nil {
		return err
	}
	return tx.SetAccountCredentials(ctx, a.ID, a.Credentials)
}

// SetAccountCredentials replaces an account's sealed credentials.
func (tx *Tx) SetAccountCredentials(ctx context.Context, id int64, sealed []byte) error {
	_, err := tx.Exec(ctx, `UPDATE accounts SET credentials = $2, updated_at = $3 WHERE id = $1`, id, sealed, tx.now)
	if err != nil {
		return fmt.Errorf("store: set credentials of account %d: %w", id, err)
	}
	return nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

const accountColumns = `id, unit_id, platform, name, status, api_base, settings, credentials, platform_ref, responsible, managers,
	exception_reason, created_at, updated_at`

func scanAccount(row pgx.CollectableRow) (tongfa.Account, error) {
	var a tongfa.Account
	err := row.Scan(accountDest(&a)...)
	return a, err
}

// accountDest are the scan targets of accountColumns, followed by extra.
func accountDest(a *tongfa.Account, extra ...any) []any {
	return append([]any{&a.ID, &a.UnitID, &a.Platform, &a.Name, &a.Status, &a.APIBase, &a.Settings, &a.Credentials, &a.PlatformRef,
		&a.Responsible, &a.Managers, &a.Exception, &a.CreatedAt, &a.UpdatedAt}, extra...)
}

// accountError explains the one-account-per-platform rule (R9).
func accountError(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.ConstraintName == "accounts_one_per_platform" {
		return &tongfa.Error{Code: tongfa.EConflict, Message: "本单位在该平台已有账号（每个单位每个平台原则上只开设一个账号），如确需增设请由管理员登记例外理由", Err: err}
	}
	return translate(err)
}

// UpdateAccount saves the registry fields of an account.
func (tx *Tx) UpdateAccount(ctx context.Context, a *tongfa.Account) error {
	settings, _ := json.Marshal(nonNil(a.Settings))
	managers, _ := json.Marshal(a.Managers)
	_, err := tx.Exec(ctx, `UPDATE accounts SET name = $2, status = $3, api_base = $4, settings = $5, platform_ref = $6,
		responsible = $7, managers = $8, exception_reason = $9, updated_at = $10 WHERE id = $1`,
		a.ID, a.Name, a.Status, a.APIBase, settings, a.PlatformRef, a.Responsible, managers, a.Exception, tx.now)
	if err != nil {
		return fmt.Errorf("store: update account %d: %w", a.ID, accountError(err))
	}
	return nil
}

// AllAccounts lists every account (credential rotation).
func (tx *Tx) AllAccounts(ctx context.Context) ([]tongfa.Account, error) {
	rows, err := tx.Query(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY id FOR UPDATE`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAccount)
}

// Account returns one account.
func (db *DB) Account(ctx context.Context, id int64) (*tongfa.Account, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: get account %d: %w", id, err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanAccount)
	if err == pgx.ErrNoRows {
		return nil, notFound("account", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get account %d: %w", id, err)
	}
	return &a, nil
}

// Accounts lists the accounts of the given units.
func (db *DB) Accounts(ctx context.Context, unitIDs []int64) ([]tongfa.Account, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts WHERE unit_id = ANY($1) ORDER BY unit_id, platform, id`, unitIDs)
	if err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", err)
	}
	return pgx.CollectRows(rows, scanAccount)
}
