package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// ConfigVersion is one version of a dictionary or a policy.
type ConfigVersion struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Scope     string    `json:"scope"`
	Version   int       `json:"version"`
	Content   string    `json:"content"`
	Note      string    `json:"note"`
	Active    bool      `json:"active"`
	CreatedBy *int64    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// AddConfigVersion stores a new version and makes it the active one.
func (tx *Tx) AddConfigVersion(ctx context.Context, kind, scope, content, note string, by *int64) (*ConfigVersion, error) {
	v := &ConfigVersion{Kind: kind, Scope: scope, Content: content, Note: note, Active: true, CreatedBy: by, CreatedAt: tx.now}
	if _, err := tx.Exec(ctx, `UPDATE config_versions SET active = false WHERE kind = $1 AND scope = $2 AND active`, kind, scope); err != nil {
		return nil, err
	}
	err := tx.QueryRow(ctx, `INSERT INTO config_versions (kind, scope, version, content, note, active, created_by, created_at)
		SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, true, $5, $6 FROM config_versions WHERE kind = $1 AND scope = $2
		RETURNING id, version`, kind, scope, content, note, by, tx.now).Scan(&v.ID, &v.Version)
	if err != nil {
		return nil, fmt.Errorf("store: add %s version: %w", kind, translate(err))
	}
	return v, nil
}

// ActivateConfigVersion makes an earlier version active again (rollback)
// and returns it.
func (tx *Tx) ActivateConfigVersion(ctx context.Context, kind, scope string, version int) (*ConfigVersion, error) {
	if _, err := tx.Exec(ctx, `UPDATE config_versions SET active = false WHERE kind = $1 AND scope = $2 AND active`, kind, scope); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `UPDATE config_versions SET active = true WHERE kind = $1 AND scope = $2 AND version = $3
		RETURNING `+configColumns, kind, scope, version)
	if err != nil {
		return nil, err
	}
	v, err := pgx.CollectExactlyOneRow(rows, scanConfig)
	if err == pgx.ErrNoRows {
		return nil, &tongfa.Error{Code: tongfa.ENotFound, Message: fmt.Sprintf("没有第 %d 版", version)}
	}
	return &v, err
}

const configColumns = `id, kind, scope, version, content, note, active, created_by, created_at`

func scanConfig(r pgx.CollectableRow) (ConfigVersion, error) {
	var v ConfigVersion
	err := r.Scan(&v.ID, &v.Kind, &v.Scope, &v.Version, &v.Content, &v.Note, &v.Active, &v.CreatedBy, &v.CreatedAt)
	return v, err
}

// ConfigVersions lists the versions of a scope (all scopes when scope is
// ""), newest first.
func (db *DB) ConfigVersions(ctx context.Context, kind, scope string) ([]ConfigVersion, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+configColumns+` FROM config_versions WHERE kind = $1 AND ($2 = '' OR scope = $2)
		ORDER BY scope, version DESC`, kind, scope)
	if err != nil {
		return nil, fmt.Errorf("store: %s versions: %w", kind, err)
	}
	return pgx.CollectRows(rows, scanConfig)
}

// ActiveConfigs returns the active version of every scope of a kind.
func (db *DB) ActiveConfigs(ctx context.Context, kind string) ([]ConfigVersion, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+configColumns+` FROM config_versions WHERE kind = $1 AND active ORDER BY scope`, kind)
	if err != nil {
		return nil, fmt.Errorf("store: active %s: %w", kind, err)
	}
	return pgx.CollectRows(rows, scanConfig)
}

// ActiveConfig returns the active version of one scope of a kind.
func (db *DB) ActiveConfig(ctx context.Context, kind, scope string) (*ConfigVersion, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+configColumns+` FROM config_versions WHERE kind = $1 AND scope = $2 AND active`, kind, scope)
	if err != nil {
		return nil, fmt.Errorf("store: active %s %s: %w", kind, scope, err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, scanConfig)
	if err == pgx.ErrNoRows {
		return nil, notFound("active "+kind, scope)
	}
	return &v, err
}

// ConfigStamp changes whenever the active versions of a kind change, so
// every process can notice and reload.
func (db *DB) ConfigStamp(ctx context.Context, kind string) (string, error) {
	var s string
	err := db.Pool.QueryRow(ctx, `SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM config_versions
		WHERE kind = $1 AND active`, kind).Scan(&s)
	return s, err
}
