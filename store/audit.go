package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// sealLockKey serialises sealing across processes: every hub process runs
// a sealer, and whichever takes the lock seals the pending rows.
// The lock is per schema: deployments (and tests) that share a database in
// separate schemas keep separate chains and must not block each other.
const sealLockKey = 7_400_002

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

// SealAudit gives pending rows their chain position and hashes, in id order
// among the rows visible now, and returns how many it sealed. It is a no-op
// (0, nil) while another process holds the seal lock.
func (db *DB) SealAudit(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := db.sealBatch(ctx, 1000)
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}

func (db *DB) sealBatch(ctx context.Context, limit int) (int, error) {
	n := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		var got bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1::int, hashtext(current_schema()))`, sealLockKey).Scan(&got); err != nil || !got {
			return err
		}
		seq, prev, err := chainHead(ctx, tx)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1`, limit)
		if err != nil {
			return err
		}
		pending, err := pgx.CollectRows(rows, scanAudit)
		if err != nil || len(pending) == 0 {
			return err
		}
		ids, seqs, prevs, hashes := make([]int64, len(pending)), make([]int64, len(pending)), make([]string, len(pending)), make([]string, len(pending))
		for i := range pending {
			e := &pending[i]
			seq++
			e.Seq, e.PrevHash = seq, prev
			e.Hash = e.ComputeHash()
			prev = e.Hash
			ids[i], seqs[i], prevs[i], hashes[i] = e.ID, e.Seq, e.PrevHash, e.Hash
		}
		_, err = tx.Exec(ctx, `UPDATE audit_log a SET seq = s.seq, prev_hash = s.prev, hash = s.hash
			FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS s(id, seq, prev, hash) WHERE a.id = s.id`,
			ids, seqs, prevs, hashes)
		n = len(pending)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: seal audit: %w", err)
	}
	return n, nil
}

// chainHead returns the position and hash of the last sealed row, falling
// back to the retention anchor and then to the genesis hash.
func chainHead(ctx context.Context, q querier) (int64, string, error) {
	var seq int64
	var hash string
	err := q.QueryRow(ctx, `SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return anchor(ctx, q)
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: audit chain head: %w", err)
	}
	return seq, hash, nil
}

// RunAuditSealer seals pending rows every interval until ctx ends.
func (db *DB) RunAuditSealer(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := db.SealAudit(ctx); err != nil && ctx.Err() == nil {
				log.Error("audit sealer", slog.Any("error", err))
			}
		}
	}
}

// AuditFilter selects audit rows. Zero fields do not filter.
type AuditFilter struct {
	Action   string
	Target   string
	ActorID  int64
	UnitIDs  []int64 // when non-nil, only rows of these units
	From     time.Time
	To       time.Time
	BeforeID int64 // keyset pagination: rows with id < BeforeID
	Limit    int
}

// ListAudit returns rows matching f, newest first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]tongfa.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_log
		WHERE ($1 = '' OR action = $1) AND ($2 = '' OR target = $2)
		  AND ($3 = 0 OR actor_id = $3) AND ($4::bigint[] IS NULL OR unit_id = ANY($4))
		  AND ($5::timestamptz IS NULL OR at >= $5) AND ($6::timestamptz IS NULL OR at < $6)
		  AND ($7 = 0 OR id < $7)
		ORDER BY id DESC LIMIT $8`,
		f.Action, f.Target, f.ActorID, f.UnitIDs, nullTime(f.From), nullTime(f.To), f.BeforeID, f.Limit)
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

// ErrChainBroken reports the first audit row whose hash does not verify.
type ErrChainBroken struct {
	ID     int64
	Reason string
}

func (e *ErrChainBroken) Error() string {
	return fmt.Sprintf("audit chain broken at row %d: %s", e.ID, e.Reason)
}

// AuditReport is the result of walking the chain.
type AuditReport struct {
	Verified       int64 // sealed rows whose hashes check out
	Unsealed       int64 // committed rows not yet sealed
	OldestUnsealed time.Time
}

// VerifyAudit walks the sealed chain in order and returns what it found,
// or an *ErrChainBroken naming the first bad row.
func (db *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	var rep AuditReport
	seq, prev, err := anchor(ctx, db.Pool)
	if err != nil {
		return rep, err
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq IS NOT NULL ORDER BY seq`)
	if err != nil {
		return rep, fmt.Errorf("store: verify audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return rep, fmt.Errorf("store: verify audit: %w", err)
		}
		seq++
		switch {
		case e.Seq != seq:
			return rep, &ErrChainBroken{ID: e.ID, Reason: fmt.Sprintf("chain position %d follows %d (a row was removed)", e.Seq, seq-1)}
		case e.PrevHash != prev:
			return rep, &ErrChainBroken{ID: e.ID, Reason: "previous hash does not match the row before (a row was removed or inserted)"}
		case e.ComputeHash() != e.Hash:
			return rep, &ErrChainBroken{ID: e.ID, Reason: "content does not match its hash (the row was altered)"}
		}
		prev = e.Hash
		rep.Verified++
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	var oldest *time.Time
	err = db.Pool.QueryRow(ctx, `SELECT count(*), min(at) FROM audit_log WHERE seq IS NULL`).Scan(&rep.Unsealed, &oldest)
	if oldest != nil {
		rep.OldestUnsealed = *oldest
	}
	return rep, err
}

func anchor(ctx context.Context, q querier) (int64, string, error) {
	var seq int64
	var hash string
	err := q.QueryRow(ctx, `SELECT seq, hash FROM audit_anchor WHERE id = 1`).Scan(&seq, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, tongfa.GenesisHash, nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: audit anchor: %w", err)
	}
	return seq, hash, nil
}

// PruneAudit deletes sealed rows older than the retention period (at least
// 180 days, R10) from the start of the chain and records the last deleted
// row as the new anchor.
func (db *DB) PruneAudit(ctx context.Context, keep time.Duration) (int64, error) {
	keep = max(keep, 180*24*time.Hour)
	var n int64
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::int, hashtext(current_schema()))`, sealLockKey); err != nil {
			return err
		}
		var lastSeq int64
		var lastHash string
		err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL AND at < $1 ORDER BY seq DESC LIMIT 1`,
			tx.now.Add(-keep)).Scan(&lastSeq, &lastHash)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM audit_log WHERE seq <= $1`, lastSeq)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `INSERT INTO audit_anchor (id, seq, hash) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET seq = $1, hash = $2`, lastSeq, lastHash)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune audit: %w", err)
	}
	return n, nil
}
