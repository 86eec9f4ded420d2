package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/tongfa/tongfa"
)

// ActionAuditKeyed is the audit row that starts the keyed part of a chain
// sealed without a key until then.
const ActionAuditKeyed = "audit.key_enabled"

// UpgradeResult says what UpgradeAudit did.
type UpgradeResult struct {
	Already bool  // the chain was keyed before
	Legacy  int64 // rows sealed without the key, now committed to by the first keyed row
	Seq     int64 // position of the first keyed row
}

// UpgradeAudit switches a chain sealed with the unkeyed hash to keyed
// sealing, once, at an operator's command (`tongfa audit upgrade`). It
// refuses a chain that does not verify, then appends a row recording the
// switch, sealed under the key: its MAC covers the last unkeyed row's hash,
// so the unkeyed rows before it can no longer be altered, removed or
// replaced without the key either. A retention anchor is signed too.
func (db *DB) UpgradeAudit(ctx context.Context, a Actor) (UpgradeResult, error) {
	var res UpgradeResult
	if db.AuditMAC == nil {
		return res, tongfa.ErrNoAuditKey
	}
	if _, err := db.SealAudit(ctx); err != nil {
		return res, err
	}
	if _, err := db.VerifyAudit(ctx); err != nil && !errors.Is(err, ErrAuditNotKeyed) {
		return res, err
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, lockChain, sealLockKey); err != nil {
			return err
		}
		head, err := chainHead(ctx, tx)
		if err != nil || !tongfa.IsLegacyHash(head.hash) {
			res.Already = err == nil
			return err
		}
		res.Legacy = head.seq
		return db.sealKeyedFrom(ctx, tx, head, a, &res)
	})
	if err != nil {
		return res, fmt.Errorf("store: upgrade audit: %w", err)
	}
	return res, nil
}

// sealKeyedFrom appends the switch row and seals it, and every row still
// pending, under the key after head.
func (db *DB) sealKeyedFrom(ctx context.Context, tx *Tx, head chainPos, a Actor, res *UpgradeResult) error {
	tx.Audit(a, ActionAuditKeyed, "", nil, map[string]any{"mac": db.AuditMAC.Name(), "unkeyed_rows_before": head.seq})
	if err := tx.flushAudit(ctx); err != nil {
		return err
	}
	res.Seq = head.seq + 1
	for {
		n, next, err := sealPending(ctx, tx, head, db.AuditMAC, 1000)
		if err != nil {
			return err
		}
		if head = next; n < 1000 {
			break
		}
	}
	anc, err := anchor(ctx, tx)
	if err != nil || !anc.found {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE audit_anchor SET mac = $1 WHERE id = 1`, db.AuditMAC.AnchorMAC(anc.seq, anc.hash))
	return err
}

// AuditCheckpoint seals what is pending and returns the chain's head,
// signed under the audit key, for keeping outside the database.
func (db *DB) AuditCheckpoint(ctx context.Context) (tongfa.AuditCheckpoint, error) {
	var c tongfa.AuditCheckpoint
	if db.AuditMAC == nil {
		return c, tongfa.ErrNoAuditKey
	}
	if _, err := db.SealAudit(ctx); err != nil {
		return c, err
	}
	head, err := chainHead(ctx, db.Pool)
	if err != nil {
		return c, err
	}
	c = tongfa.AuditCheckpoint{Seq: head.seq, Hash: head.hash, At: db.now()}
	c.Sign(db.AuditMAC)
	return c, nil
}
