package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// drillTables are summed before the backup and after the restore: the
// records a restore must bring back whole.
var drillTables = []string{"units", "users", "items", "item_versions", "submissions", "signoffs", "deliveries",
	"messages", "media_blobs", "media_chunks", "media_objects", "audit_log", "audit_anchor"}

// TestRestoreDrill follows docs/deployment.md, "Backup and restore": a
// seeded hub is dumped with pg_dump, the dump passes `tongfa backup
// check`, the database is dropped and restored with pg_restore, and then
// every record sums as before and `tongfa audit verify` still reaches the
// checkpoint taken before the backup.
func TestRestoreDrill(t *testing.T) {
	dbURL := drillDatabase(t)
	db := openDrill(t, dbURL, true)
	seedDrill(t, db)
	before := tableSums(t, db)
	db.Close()

	t.Setenv("TONGFA_AUDIT_KEY", hex.EncodeToString(storetest.AuditKey))
	cps := filepath.Join(t.TempDir(), "checkpoints.jsonl")
	t.Setenv("TONGFA_AUDIT_CHECKPOINT_FILE", cps)
	cliOK(t, dbURL, "", "audit", "checkpoint")

	dir := t.TempDir()
	dump := filepath.Join(dir, "tongfa-20261205T0200.dump")
	shell(t, "pg_dump", "--format=custom", "--file", dump, "--dbname", dbURL)
	t.Setenv("TONGFA_BACKUP_DIR", dir)
	if out := cliOK(t, dbURL, "", "backup", "check"); !strings.Contains(out, "备份检查通过") || !strings.Contains(out, "audit_log") {
		t.Fatalf("backup check: %s", out)
	}

	// Disaster: the database is gone; an empty one of the same name is
	// made and the dump restored into it.
	recreateDatabase(t, dbURL)
	shell(t, "pg_restore", "--exit-on-error", "--no-owner", "--dbname", dbURL, dump)

	after := tableSums(t, openDrill(t, dbURL, false))
	for _, table := range drillTables {
		if before[table] != after[table] {
			t.Errorf("%s: sum %s before the backup, %s after the restore", table, before[table], after[table])
		}
	}
	out := cliOK(t, dbURL, "", "audit", "verify", "--checkpoint", cps)
	if !strings.Contains(out, "校验通过") || !strings.Contains(out, "与 1 个校验点一致") {
		t.Fatalf("audit verify after the restore: %s", out)
	}
}

// drillDatabase creates a database of its own for the drill (pg_dump and
// pg_restore work on databases, not on a test's schema) and drops it when
// the test ends.
func drillDatabase(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(storetest.URL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/tongfa_ops_drill_" + strings.ToLower(rand.Text()[:10])
	dbURL := u.String()
	recreateDatabase(t, dbURL)
	t.Cleanup(func() { dropDatabase(t, dbURL) })
	return dbURL
}

func adminExec(t *testing.T, sql string) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), storetest.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func dbName(t *testing.T, dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || !strings.HasPrefix(u.Path, "/tongfa_ops_") {
		t.Fatalf("refusing to touch %s", dbURL)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func dropDatabase(t *testing.T, dbURL string) {
	adminExec(t, `DROP DATABASE IF EXISTS `+dbName(t, dbURL)+` WITH (FORCE)`)
}

func recreateDatabase(t *testing.T, dbURL string) {
	dropDatabase(t, dbURL)
	adminExec(t, `CREATE DATABASE `+dbName(t, dbURL))
}

func openDrill(t *testing.T, dbURL string, migrate bool) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	db.AuditMAC = storetest.AuditMAC()
	if migrate {
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// seedDrill writes a known quarter (items, versions, sign-offs,
// deliveries, messages), a media blob of several chunks and audit rows,
// sealed.
func seedDrill(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	q := reportstest.SeedQuarter(t, db, nil)
	data := make([]byte, 3*store.ChunkSize/2)
	rand.Read(data) //nolint:errcheck
	b, err := db.PutBlob(ctx, tongfa.Blob{Hash: sha256.Sum256(data), Type: tongfa.MediaTXT, Size: int64(len(data))}, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddObject(ctx, &tongfa.MediaObject{Blob: b, UnitID: q.Edu, Name: "通知附件.txt"}); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"unit.create", "user.create", "login", "item.create", "signoff.approve", "audit.export"} {
		if err := db.Audit(ctx, store.SystemActor, action, "drill", nil, map[string]string{"by": "drill"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// tableSums returns, per table, its row count and an MD5 over its rows in
// text form, sorted.
func tableSums(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for _, table := range drillTables {
		var n int64
		var sum string
		err := db.Pool.QueryRow(context.Background(), `SELECT count(*), md5(coalesce(string_agg(r, E'\n' ORDER BY r), ''))
			FROM (SELECT t::text AS r FROM `+table+` t) s`).Scan(&n, &sum)
		if err != nil {
			t.Fatalf("sum %s: %v", table, err)
		}
		sums[table] = fmt.Sprintf("%d rows, md5 %s", n, sum)
		if n == 0 && table != "audit_anchor" {
			t.Fatalf("the drill seeded no %s", table)
		}
	}
	return sums
}

// shell runs a PostgreSQL client program as an operator would.
func shell(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
