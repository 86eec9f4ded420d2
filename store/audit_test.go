package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// The attacks below are those of a database superuser who does not hold
// the audit key (security finding 7 of issue 16). Each sets up a sealed
// chain, takes a checkpoint as the worker would, tampers with the chain
// through storetest.Tamper and expects verification
// to say what was done and where.

// chain appends n rows, seals them and returns them in chain order.
func chain(t *testing.T, db *store.DB, n int) []tongfa.AuditEntry {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		if err := db.Audit(ctx, store.SystemActor, "test.event", "item:1", nil, map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := db.ListAudit(ctx, store.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

func checkpoint(t *testing.T, db *store.DB) tongfa.AuditCheckpoint {
	t.Helper()
	c, err := db.AuditCheckpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantBroken verifies with cps and expects an *ErrChainBroken at seq whose
// reason contains every word of want.
func wantBroken(t *testing.T, db *store.DB, seq int64, want []string, cps ...tongfa.AuditCheckpoint) {
	t.Helper()
	_, err := db.VerifyAudit(context.Background(), cps...)
	var broken *store.ErrChainBroken
	if !errors.As(err, &broken) || broken.Seq != seq {
		t.Fatalf("verify: %v; want broken at position %d", err, seq)
	}
	for _, w := range want {
		if !strings.Contains(broken.Reason, w) {
			t.Errorf("reason %q does not say %q", broken.Reason, w)
		}
	}
}

func TestAuditRowsAreSealedUnderTheKey(t *testing.T) {
	f := setup(t)
	rows := chain(t, f.db, 3)
	for _, r := range rows {
		if !strings.HasPrefix(r.Hash, f.db.AuditMAC.Scheme+"/") {
			t.Fatalf("row %d sealed as %q, want an HMAC", r.Seq, r.Hash)
		}
	}
	rep, err := f.db.VerifyAudit(context.Background(), checkpoint(t, f.db))
	if err != nil || rep.Verified != 3 || rep.Legacy != 0 || rep.Checkpoints != 1 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	f.db.AuditMAC = tongfa.NewAuditHMAC(bytes.Repeat([]byte{9}, 32))
	wantBroken(t, f.db, 1, []string{"配置了错误的密钥"})
}

func TestAuditDetectsTruncation(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	chain(t, f.db, 5)
	cp := checkpoint(t, f.db)
	storetest.Tamper(t, f.db, `DELETE FROM audit_log WHERE seq > 3`)
	if _, err := f.db.VerifyAudit(ctx); err != nil {
		t.Fatalf("without a checkpoint a shortened chain still verifies (%v); the checkpoint is what catches it", err)
	}
	wantBroken(t, f.db, 4, []string{"短", "第 5 行", "只到第 3 行", "末尾的行被删除"}, cp)

	// The hub keeps sealing onto the shortened chain: it grows past the
	// checkpoint again, but position 5 is no longer the row it pinned.
	chain(t, f.db, 3)
	wantBroken(t, f.db, 5, []string{"校验点不符", cp.Hash}, cp)
}

func TestAuditDetectsDeletedRowInTheMiddle(t *testing.T) {
	f := setup(t)
	rows := chain(t, f.db, 5)
	cp := checkpoint(t, f.db)
	storetest.Tamper(t, f.db, `DELETE FROM audit_log WHERE id = $1`, rows[2].ID)
	wantBroken(t, f.db, 3, []string{"缺少第 3 至 3 行"}, cp)
}

func TestAuditDetectsEditedRow(t *testing.T) {
	f := setup(t)
	rows := chain(t, f.db, 5)
	cp := checkpoint(t, f.db)
	storetest.Tamper(t, f.db, `UPDATE audit_log SET actor = 'mallory' WHERE id = $1`, rows[1].ID)
	wantBroken(t, f.db, 2, []string{"第 2 行", "密钥签名不符"}, cp)
}

// TestAuditDetectsRehashedChain: the superuser edits a row and recomputes
// every hash after it — with the old unkeyed SHA-256, or under a key of
// their own — as they could against the plain SHA-256 chain.
func TestAuditDetectsRehashedChain(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	rows := chain(t, f.db, 5)
	cp := checkpoint(t, f.db)
	mallory := tongfa.NewAuditHMAC(bytes.Repeat([]byte{7}, 32))
	for _, c := range []struct {
		name   string
		from   int // first row rewritten; each case rewrites what the one before left
		rehash func(e *tongfa.AuditEntry) string
		at     int64
		say    string
	}{
		{"unkeyed from the edit", 2, (*tongfa.AuditEntry).LegacyHash, 3, "没有用密钥封存"},
		{"under another key, named as ours", 0, func(e *tongfa.AuditEntry) string {
			_, mac, _ := strings.Cut(e.KeyedHash(mallory), ":")
			return f.db.AuditMAC.Name() + ":" + mac
		}, 1, "密钥签名不符"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rehash(t, f.db, rows, c.from, c.rehash)
			wantBroken(t, f.db, c.at, []string{c.say})
		})
	}
	// Rewriting every row in the unkeyed format leaves no row to fail:
	// the chain as a whole is refused, and the checkpoint names the row.
	rehash(t, f.db, rows, 0, (*tongfa.AuditEntry).LegacyHash)
	if _, err := f.db.VerifyAudit(ctx); !errors.Is(err, store.ErrAuditNotKeyed) {
		t.Fatalf("whole chain rewritten unkeyed: %v, want ErrAuditNotKeyed", err)
	}
	wantBroken(t, f.db, 5, []string{"校验点不符"}, cp)
	chain(t, f.db, 1) // and the sealer does not adopt the forgery
	if _, err := f.db.VerifyAudit(ctx); !errors.Is(err, store.ErrAuditNotKeyed) {
		t.Fatalf("after sealing onto the forgery: %v, want ErrAuditNotKeyed", err)
	}
}

// rehash rewrites rows[from:] with hash (an edit of rows[from] included),
// chaining each to the one before, as an intruder recomputing the chain.
func rehash(t *testing.T, db *store.DB, rows []tongfa.AuditEntry, from int, hash func(*tongfa.AuditEntry) string) {
	t.Helper()
	prev := tongfa.GenesisHash
	if from > 0 {
		prev = rows[from-1].Hash
	}
	for i := from; i < len(rows); i++ {
		e := rows[i]
		if i == from {
			e.Details = `{"n":99}`
		}
		e.PrevHash = prev
		e.Hash = hash(&e)
		storetest.Tamper(t, db, `UPDATE audit_log SET details = $2, prev_hash = $3, hash = $4 WHERE id = $1`, e.ID, e.Details, e.PrevHash, e.Hash)
		prev = e.Hash
	}
}

func TestAuditDetectsForgedAnchor(t *testing.T) {
	f := setup(t)
	rows := chain(t, f.db, 6)
	cp := checkpoint(t, f.db)
	// Drop the first three rows and pretend retention did it.
	storetest.Tamper(t, f.db, `DELETE FROM audit_log WHERE seq <= 3`)
	storetest.Tamper(t, f.db, `INSERT INTO audit_anchor (id, seq, hash) VALUES (1, 3, $1)`, rows[2].Hash)
	wantBroken(t, f.db, 3, []string{"锚点没有签名", "伪造"}, cp)
	storetest.Tamper(t, f.db, `UPDATE audit_anchor SET mac = $1`, f.db.AuditMAC.AnchorMAC(2, rows[1].Hash))
	wantBroken(t, f.db, 3, []string{"锚点的签名无效"}, cp)
}

func TestAuditAnchorOfRetentionIsSignedAndHoldsCheckpoints(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	real := f.db.Now
	f.db.Now = func() time.Time { return real().Add(-200 * 24 * time.Hour) }
	chain(t, f.db, 3)
	early := checkpoint(t, f.db)
	f.db.Now = real
	chain(t, f.db, 2)
	late := checkpoint(t, f.db)
	if n, err := f.db.PruneAudit(ctx, 0); err != nil || n != 3 {
		t.Fatalf("pruned %d, %v", n, err)
	}
	rep, err := f.db.VerifyAudit(ctx, early, late)
	if err != nil || rep.Verified != 2 || rep.Checkpoints != 2 || rep.Pruned != 0 {
		t.Fatalf("verify after prune: %+v %v", rep, err) // early pins seq 3 = the anchor
	}
	// Moving the signed anchor forward over a row deleted by hand.
	var row4 string
	if err := f.db.Pool.QueryRow(ctx, `SELECT hash FROM audit_log WHERE seq = 4`).Scan(&row4); err != nil {
		t.Fatal(err)
	}
	storetest.Tamper(t, f.db, `DELETE FROM audit_log WHERE seq = 4`)
	if _, err := f.db.Pool.Exec(ctx, `UPDATE audit_anchor SET seq = 4, hash = $1`, row4); err == nil {
		t.Fatal("moving a signed anchor without re-signing it must be refused")
	}
	storetest.Tamper(t, f.db, `UPDATE audit_anchor SET seq = 4, hash = $1`, row4)
	wantBroken(t, f.db, 4, []string{"锚点的签名无效"})
}
