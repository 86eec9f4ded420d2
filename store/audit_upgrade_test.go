package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestAuditUpgradeFromUnkeyedChain follows an installation sealed with the
// version 1 hash (and pruned) to keyed sealing, and checks that its old
// rows are protected by the first keyed row from then on.
func TestAuditUpgradeFromUnkeyedChain(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	key := f.db.AuditMAC
	f.db.AuditMAC = nil // the old installation
	real := f.db.Now
	f.db.Now = func() time.Time { return real().Add(-200 * 24 * time.Hour) }
	chain(t, f.db, 2)
	f.db.Now = real
	chain(t, f.db, 3)
	if n, err := f.db.PruneAudit(ctx, 0); err != nil || n != 2 {
		t.Fatalf("prune unkeyed: %d %v", n, err)
	}

	f.db.AuditMAC = key // the new binary with a key
	if _, err := f.db.VerifyAudit(ctx); !errors.Is(err, store.ErrAuditNotKeyed) {
		t.Fatalf("before upgrade: %v, want ErrAuditNotKeyed", err)
	}
	if rows := chain(t, f.db, 1); !tongfa.IsLegacyHash(rows[len(rows)-1].Hash) {
		t.Fatal("the sealer switched to the key on its own; only an operator may")
	}
	res, err := f.db.UpgradeAudit(ctx, store.SystemActor)
	if err != nil || res.Already || res.Legacy != 7 || res.Seq != 8 { // 3 + 1 + the prune's own row
		t.Fatalf("upgrade: %+v %v", res, err)
	}
	if again, err := f.db.UpgradeAudit(ctx, store.SystemActor); err != nil || !again.Already {
		t.Fatalf("second upgrade: %+v %v", again, err)
	}
	rows := chain(t, f.db, 2)
	rep, err := f.db.VerifyAudit(ctx, checkpoint(t, f.db))
	if err != nil || rep.Verified != 8 || rep.Legacy != 5 || rows[len(rows)-1].Seq != 10 {
		t.Fatalf("after upgrade: %+v %v", rep, err)
	}
	if rows[5].Action != store.ActionAuditKeyed || tongfa.IsLegacyHash(rows[5].Hash) {
		t.Fatalf("position 8 is %s %s, want the keyed switch row", rows[5].Action, rows[5].Hash)
	}

	// An unkeyed row edited and the unkeyed part recomputed: the first
	// keyed row no longer follows.
	rehash(t, f.db, rows[:5], 1, (*tongfa.AuditEntry).LegacyHash)
	wantBroken(t, f.db, 8, []string{"前一行哈希与实际不符"})
}

// TestAuditDetectsForgedAnchorOverUnkeyedRows: after the upgrade, the
// unkeyed rows at the start cannot be dropped behind a forged anchor.
func TestAuditDetectsForgedAnchorOverUnkeyedRows(t *testing.T) {
	f := setup(t)
	key := f.db.AuditMAC
	f.db.AuditMAC = nil
	rows := chain(t, f.db, 3)
	f.db.AuditMAC = key
	if _, err := f.db.UpgradeAudit(context.Background(), store.SystemActor); err != nil {
		t.Fatal(err)
	}
	storetest.Tamper(t, f.db, `DELETE FROM audit_log WHERE seq <= 2`)
	storetest.Tamper(t, f.db, `INSERT INTO audit_anchor (id, seq, hash) VALUES (1, 2, $1)`, rows[1].Hash)
	wantBroken(t, f.db, 2, []string{"锚点没有签名"})
}

func TestAuditUpgradeRefusesABrokenChain(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	key := f.db.AuditMAC
	f.db.AuditMAC = nil
	rows := chain(t, f.db, 3)
	storetest.Tamper(t, f.db, `UPDATE audit_log SET actor = 'mallory' WHERE id = $1`, rows[1].ID)
	f.db.AuditMAC = key
	var broken *store.ErrChainBroken
	if _, err := f.db.UpgradeAudit(ctx, store.SystemActor); !errors.As(err, &broken) || broken.Seq != 2 {
		t.Fatalf("upgrade of a broken chain: %v", err)
	}
}

// TestUnkeyedSealAfterKeyedIsRefused: an older tongfa still running after
// the upgrade cannot append unkeyed rows behind keyed ones.
func TestUnkeyedSealAfterKeyedIsRefused(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	rows := chain(t, f.db, 1)
	f.db.Audit(ctx, store.SystemActor, "late", "", nil, nil) //nolint:errcheck
	_, err := f.db.Pool.Exec(ctx, `UPDATE audit_log SET seq = 2, prev_hash = $1, hash = repeat('a', 64) WHERE seq IS NULL`, rows[0].Hash)
	if err == nil {
		t.Fatal("an unkeyed seal after a keyed row must be refused")
	}
	f.db.AuditMAC = nil
	if _, err := f.db.SealAudit(ctx); !errors.Is(err, tongfa.ErrNoAuditKey) {
		t.Fatalf("sealing a keyed chain without the key: %v, want ErrNoAuditKey", err)
	}
}

// TestSealingRefusesAnotherKey: a process given another key (say,
// TONGFA_SECRET_KEY rotated without pinning TONGFA_AUDIT_KEY) must not
// seal on, or the chain would verify under neither key.
func TestSealingRefusesAnotherKey(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	chain(t, f.db, 1)
	f.db.AuditMAC = tongfa.NewAuditHMAC([]byte("another-audit-key-of-32-bytes!!!"))
	f.db.Audit(ctx, store.SystemActor, "e", "", nil, nil) //nolint:errcheck
	if _, err := f.db.SealAudit(ctx); !errors.Is(err, store.ErrAuditKeyMismatch) {
		t.Fatalf("sealing under another key: %v, want ErrAuditKeyMismatch", err)
	}
}
