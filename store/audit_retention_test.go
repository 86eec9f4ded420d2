package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// aged appends n sealed rows written age ago.
func aged(t *testing.T, db *store.DB, n int, age time.Duration) {
	t.Helper()
	real := db.Now
	db.Now = func() time.Time { return real().Add(-age) }
	defer func() { db.Now = real }()
	chain(t, db, n)
}

func refused(t *testing.T, what string, err error) {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23001" { // restrict_violation
		t.Fatalf("%s: %v, want the database to refuse it", what, err)
	}
}

// TestAuditRowsAreKept180Days: no application path deletes or alters an
// audit row younger than 180 days: the retention sweep, whatever it is
// asked to keep, leaves them, and the database refuses DELETE, UPDATE and
// TRUNCATE from the application's connection.
func TestAuditRowsAreKept180Days(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	aged(t, f.db, 2, 179*24*time.Hour)
	aged(t, f.db, 2, 24*time.Hour)
	for _, keep := range []time.Duration{0, time.Hour, 30 * 24 * time.Hour, 179 * 24 * time.Hour} {
		if n, err := f.db.PruneAudit(ctx, keep); err != nil || n != 0 {
			t.Fatalf("prune keeping %s deleted %d rows (%v)", keep, n, err)
		}
	}
	_, err := f.db.Pool.Exec(ctx, `DELETE FROM audit_log WHERE at > now() - interval '180 days'`)
	refused(t, "DELETE", err)
	_, err = f.db.Pool.Exec(ctx, `UPDATE audit_log SET details = '{}'`)
	refused(t, "UPDATE", err)
	_, err = f.db.Pool.Exec(ctx, `TRUNCATE audit_log`)
	refused(t, "TRUNCATE", err)
	_, err = f.db.Pool.Exec(ctx, `DELETE FROM audit_anchor`)
	if err != nil {
		t.Fatalf("deleting no anchor: %v", err)
	}
	if rep, err := f.db.VerifyAudit(ctx); err != nil || rep.Verified != 4 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

// TestAuditSuperuserOverride: the documented way around the guard
// (docs/deployment.md, "Retention") works for a superuser only, and the
// chain then shows the hole.
func TestAuditSuperuserOverride(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	aged(t, f.db, 3, 24*time.Hour)
	err := pgx.BeginFunc(ctx, f.db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL tongfa.audit_override = 'on'`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM audit_log WHERE seq = 2`)
		return err
	})
	if err != nil {
		t.Fatalf("superuser override: %v", err)
	}
	wantBroken(t, f.db, 2, []string{"缺少第 2 至 2 行"})
}

// TestExportAndPruneKeepVerifying: rows exported before retention prunes
// them keep the chain verifiable across the archive; a second export
// continues the first; a gap, an altered row or a cut-short file is found.
func TestExportAndPruneKeepVerifying(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	day := 24 * time.Hour
	aged(t, f.db, 3, 300*day)
	aged(t, f.db, 2, 200*day)
	aged(t, f.db, 2, 100*day)
	aged(t, f.db, 1, 0)
	early := checkpoint(t, f.db)

	first, err := f.db.ExportAudit(ctx, f.db.Now().Add(-250*day), store.SystemActor)
	if err != nil || first.Header.FromSeq != 1 || first.Header.ToSeq != 3 || !first.Header.Valid(f.db.AuditMAC) {
		t.Fatalf("first export: %+v %v", first.Header, err)
	}
	if n, err := f.db.PruneAudit(ctx, 0); err != nil || n != 5 {
		t.Fatalf("pruned %d (%v), want the 5 rows older than 180 days", n, err)
	}
	// Rows 4 and 5 were pruned without an archive.
	wantBrokenWith(t, f.db, []store.AuditArchive{first}, 4, "缺少第 4 至 5 行的归档", early)

	// An export taken before the prune would have covered them: replay it
	// by exporting again from the first archive's rows onward is no longer
	// possible, so start over with a fresh chain.
	g := setup(t)
	aged(t, g.db, 3, 300*day)
	aged(t, g.db, 2, 200*day)
	aged(t, g.db, 2, 100*day)
	cp := checkpoint(t, g.db)
	a1, err := g.db.ExportAudit(ctx, g.db.Now().Add(-250*day), store.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := g.db.ExportAudit(ctx, g.db.Now().Add(-180*day), store.SystemActor)
	if err != nil || a2.Header.FromSeq != 1 || a2.Header.ToSeq != 5 {
		t.Fatalf("second export: %+v %v", a2.Header, err)
	}
	if n, err := g.db.PruneAudit(ctx, 0); err != nil || n != 5 {
		t.Fatalf("pruned %d (%v)", n, err)
	}
	rep, err := g.db.VerifyAuditWith(ctx, []store.AuditArchive{a2, a1}, cp)
	if err != nil || rep.Archived != 5 || rep.Checkpoints != 1 || rep.Verified < 7 {
		t.Fatalf("verify across the archives: %+v %v", rep, err)
	}
	if _, err := g.db.VerifyAudit(ctx, cp); err != nil {
		t.Fatalf("verify from the anchor alone: %v", err)
	}
	// A later export starts at the anchor and is verified from its signature.
	aged(t, g.db, 1, 0)
	a3, err := g.db.ExportAudit(ctx, g.db.Now().Add(time.Hour), store.SystemActor)
	if err != nil || a3.Header.FromSeq != 6 || a3.Header.AnchorMAC == "" {
		t.Fatalf("export after the prune: %+v %v", a3.Header, err)
	}
	if _, err := g.db.VerifyAuditWith(ctx, []store.AuditArchive{a3}); err != nil {
		t.Fatalf("verify from the anchored archive: %v", err)
	}

	altered := clone(a2)
	altered.Rows[1].Actor = "mallory"
	wantBrokenWith(t, g.db, []store.AuditArchive{altered}, 2, "密钥签名不符")
	cut := clone(a2)
	cut.Rows = cut.Rows[:4]
	wantBrokenWith(t, g.db, []store.AuditArchive{cut}, 1, "文件被截短")
	cut.Header.Rows, cut.Header.ToSeq, cut.Header.LastHash = 4, 4, cut.Rows[3].Hash
	wantBrokenWith(t, g.db, []store.AuditArchive{cut}, 1, "签名无效")
}

func clone(a store.AuditArchive) store.AuditArchive {
	a.Rows = append(a.Rows[:0:0], a.Rows...)
	return a
}

func wantBrokenWith(t *testing.T, db *store.DB, as []store.AuditArchive, seq int64, want string, cps ...tongfa.AuditCheckpoint) {
	t.Helper()
	_, err := db.VerifyAuditWith(context.Background(), as, cps...)
	var broken *store.ErrChainBroken
	if !errors.As(err, &broken) || broken.Seq != seq || !strings.Contains(broken.Reason, want) {
		t.Fatalf("verify: %v; want broken at %d saying %q", err, seq, want)
	}
}
