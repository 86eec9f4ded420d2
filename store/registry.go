package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// AccountRequest is an opening, change or closure of an account awaiting
// (or past) an administrator's decision (R9).
type AccountRequest struct {
	ID             int64           `json:"id"`
	Kind           string          `json:"kind"`
	UnitID         int64           `json:"unit_id"`
	AccountID      *int64          `json:"account_id,omitempty"`
	Proposal       json.RawMessage `json:"proposal"`
	Credentials    []byte          `json:"-"`
	State          string          `json:"state"`
	Reason         string          `json:"reason"`
	RequestedBy    int64           `json:"requested_by"`
	RequestedAt    time.Time       `json:"requested_at"`
	DecidedBy      *int64          `json:"decided_by,omitempty"`
	DecidedAt      *time.Time      `json:"decided_at,omitempty"`
	Comment        string          `json:"comment"`
	FilingDeadline *time.Time      `json:"filing_deadline,omitempty"`
	FiledAt        *time.Time      `json:"filed_at,omitempty"`
}

const requestColumns = `id, kind, unit_id, account_id, proposal, credentials, state, reason, requested_by, requested_at,
	decided_by, decided_at, comment, filing_deadline, filed_at`

func scanRequest(r pgx.CollectableRow) (AccountRequest, error) {
	var q AccountRequest
	err := r.Scan(&q.ID, &q.Kind, &q.UnitID, &q.AccountID, &q.Proposal, &q.Credentials, &q.State, &q.Reason, &q.RequestedBy,
		&q.RequestedAt, &q.DecidedBy, &q.DecidedAt, &q.Comment, &q.FilingDeadline, &q.FiledAt)
	return q, err
}

// CreateAccountRequest stores a request; seal encrypts proposed
// credentials once the id is known (nil when there are none).
func (tx *Tx) CreateAccountRequest(ctx context.Context, q *AccountRequest, seal func(id int64) []byte) error {
	q.State, q.RequestedAt = "pending", tx.now
	err := tx.QueryRow(ctx, `INSERT INTO account_requests (kind, unit_id, account_id, proposal, reason, requested_by, requested_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, q.Kind, q.UnitID, q.AccountID, q.Proposal, q.Reason, q.RequestedBy, tx.now).Scan(&q.ID)
	if err != nil {
		return fmt.Errorf("store: create account request: %w", translate(err))
	}
	if seal == nil {
		return nil
	}
	q.Credentials = seal(q.ID)
	_, err = tx.Exec(ctx, `UPDATE account_requests SET credentials = $2 WHERE id = $1`, q.ID, q.Credentials)
	return err
}

// LockAccountRequest reads a request for deciding it.
func (tx *Tx) LockAccountRequest(ctx context.Context, id int64) (*AccountRequest, error) {
	rows, err := tx.Query(ctx, `SELECT `+requestColumns+` FROM account_requests WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return nil, err
	}
	q, err := pgx.CollectExactlyOneRow(rows, scanRequest)
	if err == pgx.ErrNoRows {
		return nil, notFound("account request", id)
	}
	return &q, err
}

// DecideAccountRequest approves or rejects a pending request; an approval
// starts the filing deadline.
func (tx *Tx) DecideAccountRequest(ctx context.Context, id, by int64, approve bool, comment string, filingDeadline *time.Time) error {
	state := "rejected"
	if approve {
		state = "approved"
	}
	// A decided request keeps no credentials: approval has copied them
	// onto the account, rejection discards them.
	tag, err := tx.Exec(ctx, `UPDATE account_requests SET state = $2, decided_by = $3, decided_at = $4, comment = $5,
		filing_deadline = $6, credentials = NULL WHERE id = $1 AND state = 'pending'`, id, state, by, tx.now, comment, filingDeadline)
	if err != nil {
		return fmt.Errorf("store: decide account request %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "该申请已处理"}
	}
	return nil
}

// MarkFiled records that an approved change was filed with the supervising office.
func (tx *Tx) MarkFiled(ctx context.Context, id int64) error {
	tag, err := tx.Exec(ctx, `UPDATE account_requests SET filed_at = $2 WHERE id = $1 AND state = 'approved' AND filed_at IS NULL`, id, tx.now)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "只有已批准且未备案的申请可以登记备案"}
	}
	return nil
}

// AccountRequests lists the requests of units, newest first.
func (db *DB) AccountRequests(ctx context.Context, units []int64) ([]AccountRequest, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+requestColumns+` FROM account_requests WHERE unit_id = ANY($1) ORDER BY id DESC LIMIT 500`, units)
	if err != nil {
		return nil, fmt.Errorf("store: account requests: %w", err)
	}
	return pgx.CollectRows(rows, scanRequest)
}

// DisableUser disables a user; the caller revokes sessions and tokens.
func (tx *Tx) DisableUser(ctx context.Context, id int64, reason string) error {
	tag, err := tx.Exec(ctx, `UPDATE users SET disabled = true, disabled_at = $2, disabled_reason = $3 WHERE id = $1 AND NOT disabled`,
		id, tx.now, reason)
	if err != nil {
		return fmt.Errorf("store: disable user %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "该用户已停用或不存在"}
	}
	return nil
}

// InactiveUsers are enabled users who have not logged in since cutoff (or,
// never having logged in, were created before it).
func (db *DB) InactiveUsers(ctx context.Context, cutoff time.Time) ([]int64, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id FROM users WHERE NOT disabled AND coalesce(last_login_at, created_at) < $1 ORDER BY id`, cutoff)
	if err != nil {
		return nil, fmt.Errorf("store: inactive users: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// Users lists the users whose home unit is one of units.
func (db *DB) Users(ctx context.Context, units []int64) ([]tongfa.User, error) {
	rows, err := db.Pool.Query(ctx, selectUserGrants("")+` WHERE u.unit_id = ANY($1) GROUP BY u.id ORDER BY u.id`, units)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var out []tongfa.User
	for rows.Next() {
		u, err := scanUserGrants(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// UnitsWhereRole lists the units where a user holds role.
func (tx *Tx) UnitsWhereRole(ctx context.Context, userID int64, role tongfa.Role) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT unit_id FROM role_grants WHERE user_id = $1 AND role = $2 ORDER BY unit_id`, userID, string(role))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// OverdueFilings are approved requests not filed by their deadline.
func (db *DB) OverdueFilings(ctx context.Context, now time.Time) ([]AccountRequest, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+requestColumns+` FROM account_requests
		WHERE state = 'approved' AND filed_at IS NULL AND filing_deadline < $1 ORDER BY id`, now)
	if err != nil {
		return nil, fmt.Errorf("store: overdue filings: %w", err)
	}
	return pgx.CollectRows(rows, scanRequest)
}
