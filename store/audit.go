package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// Actor identifies who did something, for the audit log.
type Actor struct {
	ID   *int64 // nil for the system or an anonymous caller
	Name string // username, "system", or what a failed login tried
	IP   string
}

// SystemActor is used by background jobs.
var SystemActor = Actor{Name: "system"}

// UserActor builds the actor of a logged-in user.
func UserActor(u *tongfa.User, ip string) Actor {
	id := u.ID
	return Actor{ID: &id, Name: u.Username, IP: ip}
}

// Audit queues an entry to be inserted just before the transaction commits.
// details is encoded as JSON once and hashed byte for byte.
func (tx *Tx) Audit(a Actor, action, target string, unitID *int64, details any) {
	tx.audit = append(tx.audit, newAuditEntry(tx.now, a, action, target, unitID, details))
}

func newAuditEntry(at time.Time, a Actor, action, target string, unitID *int64, details any) tongfa.AuditEntry {
	b, err := json.Marshal(details)
	if err != nil || details == nil {
		b = []byte("{}")
	}
	return tongfa.AuditEntry{At: at, ActorID: a.ID, Actor: a.Name, Action: action, Target: target,
		UnitID: unitID, IP: a.IP, Details: string(b)}
}

// Audit records an event that changes nothing else (e.g. a failed login).
func (db *DB) Audit(ctx context.Context, a Actor, action, target string, unitID *int64, details any) error {
	return db.InTx(ctx, func(tx *Tx) error {
		tx.Audit(a, action, target, unitID, details)
		return nil
	})
}

func (tx *Tx) flushAudit(ctx context.Context) error {
	if len(tx.audit) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, e := range tx.audit {
		b.Queue(`INSERT INTO audit_log (at, actor_id, actor, action, target, unit_id, ip, details)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, e.At, e.ActorID, e.Actor, e.Action, e.Target, e.UnitID, e.IP, e.Details)
	}
	tx.audit = nil
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("store: append audit: %w", err)
	}
	return nil
}

const auditColumns = `id, coalesce(seq, 0), at, actor_id, actor, action, target, unit_id, ip, details, coalesce(prev_hash, ''), coalesce(hash, '')`

func scanAudit(row pgx.CollectableRow) (tongfa.AuditEntry, error) {
	var e tongfa.AuditEntry
	err := row.Scan(&e.ID, &e.Seq, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Target, &e.UnitID, &e.IP, &e.Details, &e.PrevHash, &e.Hash)
	return e, err
}

// AuditFilter selects audit rows. Zero fields do not filter.
type AuditFilter struct {
	Action  string
	Target  string
	ActorID int64
	UnitIDs []int64 // when non-nil, only rows of these units
	// Installation also includes the rows of no unit (installation-wide
	// actions), when UnitIDs is non-nil.
	Installation bool
	From         time.Time
	To           time.Time
	BeforeID     int64 // keyset pagination: rows with id < BeforeID
	Limit        int
}

// ListAudit returns rows matching f, newest first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]tongfa.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_log
		WHERE ($1 = '' OR action = $1) AND ($2 = '' OR target = $2)
		  AND ($3 = 0 OR actor_id = $3) AND ($4::bigint[] IS NULL OR unit_id = ANY($4) OR ($9 AND unit_id IS NULL))
		  AND ($5::timestamptz IS NULL OR at >= $5) AND ($6::timestamptz IS NULL OR at < $6)
		  AND ($7 = 0 OR id < $7)
		ORDER BY id DESC LIMIT $8`,
		f.Action, f.Target, f.ActorID, f.UnitIDs, nullTime(f.From), nullTime(f.To), f.BeforeID, f.Limit, f.Installation)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	return pgx.CollectRows(rows, scanAudit)
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
