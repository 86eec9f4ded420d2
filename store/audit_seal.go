package store

import (
	"cmp"
	"context"
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

const lockChain = `SELECT pg_advisory_xact_lock($1::int, hashtext(current_schema()))`

// chainPos is a position in the chain: a sealed row, the retention anchor
// or the genesis.
type chainPos struct {
	seq  int64
	hash string
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
		head, err := chainHead(ctx, tx)
		if err != nil {
			return err
		}
		mac, err := db.sealingMAC(head)
		if err != nil {
			return err
		}
		n, _, err = sealPending(ctx, tx, head, mac, limit)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: seal audit: %w", err)
	}
	return n, nil
}

// sealingMAC decides how the rows after head are sealed. A keyed chain
// stays keyed (under the configured suite: a chain sealed under the other
// suite's MAC with the same key goes on under this one), and a new chain starts keyed when a key is configured. An
// unkeyed chain stays unkeyed until an operator runs UpgradeAudit: were
// the sealer to switch on its own, a superuser could rewrite the whole
// chain in the unkeyed format and have the hub seal the forgery under the
// key (nil means the legacy hash).
func (db *DB) sealingMAC(head chainPos) (*tongfa.AuditMAC, error) {
	switch {
	case !tongfa.IsLegacyHash(head.hash):
		if db.AuditMAC == nil {
			return nil, tongfa.ErrNoAuditKey
		}
		if s := tongfa.HashScheme(head.hash); db.AuditMAC.For(s) == nil {
			return nil, fmt.Errorf("%w: the chain is sealed with %s, the configured key is %s (was TONGFA_SECRET_KEY rotated without pinning TONGFA_AUDIT_KEY?)",
				ErrAuditKeyMismatch, s, db.AuditMAC.Name())
		}
		return db.AuditMAC, nil
	case head.seq == 0 && head.hash == tongfa.GenesisHash:
		return db.AuditMAC, nil
	}
	return nil, nil
}

// sealPending seals up to limit pending rows after head (under mac, or
// with the legacy hash when mac is nil) and returns how many it sealed and
// the new head.
func sealPending(ctx context.Context, tx *Tx, head chainPos, mac *tongfa.AuditMAC, limit int) (int, chainPos, error) {
	rows, err := tx.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return 0, head, err
	}
	pending, err := pgx.CollectRows(rows, scanAudit)
	if err != nil || len(pending) == 0 {
		return 0, head, err
	}
	ids, seqs, prevs, hashes := make([]int64, len(pending)), make([]int64, len(pending)), make([]string, len(pending)), make([]string, len(pending))
	for i := range pending {
		e := &pending[i]
		e.Seq, e.PrevHash = head.seq+1, head.hash
		if mac != nil {
			e.Hash = e.KeyedHash(mac)
		} else {
			e.Hash = e.LegacyHash()
		}
		head = chainPos{e.Seq, e.Hash}
		ids[i], seqs[i], prevs[i], hashes[i] = e.ID, e.Seq, e.PrevHash, e.Hash
	}
	_, err = tx.Exec(ctx, `UPDATE audit_log a SET seq = s.seq, prev_hash = s.prev, hash = s.hash
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS s(id, seq, prev, hash) WHERE a.id = s.id`,
		ids, seqs, prevs, hashes)
	return len(pending), head, err
}

// chainHead returns the position and hash of the last sealed row, falling
// back to the retention anchor and then to the genesis hash.
func chainHead(ctx context.Context, q querier) (chainPos, error) {
	var p chainPos
	err := q.QueryRow(ctx, `SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`).Scan(&p.seq, &p.hash)
	if errors.Is(err, pgx.ErrNoRows) {
		a, err := anchor(ctx, q)
		return a.chainPos, err
	}
	if err != nil {
		return p, fmt.Errorf("store: audit chain head: %w", err)
	}
	return p, nil
}

// anchorRow is the retention anchor: the last pruned row, signed when the
// chain is keyed. found is false when nothing was ever pruned.
type anchorRow struct {
	chainPos
	mac   string
	found bool
}

func anchor(ctx context.Context, q querier) (anchorRow, error) {
	a := anchorRow{chainPos: chainPos{0, tongfa.GenesisHash}}
	var mac *string
	err := q.QueryRow(ctx, `SELECT seq, hash, mac FROM audit_anchor WHERE id = 1`).Scan(&a.seq, &a.hash, &mac)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, nil
	}
	if err != nil {
		return a, fmt.Errorf("store: audit anchor: %w", err)
	}
	a.found = true
	if mac != nil {
		a.mac = *mac
	}
	return a, nil
}

// RunAuditSealer seals pending rows every interval until ctx ends. A
// lasting failure (e.g. a keyed chain and no key) is logged when it starts
// and when it changes, not on every tick.
func (db *DB) RunAuditSealer(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if db.AuditMAC == nil {
		log.Warn("audit chain has no key (TONGFA_AUDIT_KEY or TONGFA_SECRET_KEY): a database superuser could rewrite it undetected")
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, err := db.SealAudit(ctx)
			if ctx.Err() != nil {
				return
			}
			if msg := fmt.Sprint(err); msg != last {
				if err != nil {
					log.Error("audit sealer", slog.Any("error", err))
				}
				last = msg
			}
		}
	}
}

// ActionAuditPrune records a retention sweep that deleted rows.
const ActionAuditPrune = "audit.prune"

// MinAuditRetention is the shortest retention of audit rows (R10: logs kept
// at least six months); migration 140 holds the database to it as well.
const MinAuditRetention = 180 * 24 * time.Hour

// PruneAudit deletes sealed rows older than the retention period (at least
// 180 days, R10) from the start of the chain and records the last deleted
// row as the new anchor, signed under the audit key when one is set. A
// keyed chain is not pruned without the key: an unsigned anchor in front
// of keyed rows is what a forged anchor looks like.
func (db *DB) PruneAudit(ctx context.Context, keep time.Duration) (int64, error) {
	keep = max(keep, MinAuditRetention)
	var n int64
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, lockChain, sealLockKey); err != nil {
			return err
		}
		var last chainPos
		err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL AND at < $1 ORDER BY seq DESC LIMIT 1`,
			tx.now.Add(-keep)).Scan(&last.seq, &last.hash)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		var mac *string
		if db.AuditMAC != nil {
			m := db.AuditMAC.AnchorMAC(last.seq, last.hash)
			mac = &m
		} else if head, err := chainHead(ctx, tx); err != nil || !tongfa.IsLegacyHash(head.hash) {
			return cmp.Or(err, error(tongfa.ErrNoAuditKey))
		}
		tag, err := tx.Exec(ctx, `DELETE FROM audit_log WHERE seq <= $1`, last.seq)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		tx.Audit(SystemActor, ActionAuditPrune, "", nil, map[string]any{"rows": n, "to_seq": last.seq, "keep_days": int(keep.Hours() / 24)})
		_, err = tx.Exec(ctx, `INSERT INTO audit_anchor (id, seq, hash, mac) VALUES (1, $1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET seq = $1, hash = $2, mac = $3`, last.seq, last.hash, mac)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune audit: %w", err)
	}
	return n, nil
}
