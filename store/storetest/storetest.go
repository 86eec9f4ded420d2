// Package storetest gives each test its own migrated PostgreSQL schema on
// the real server (TEST_DATABASE_URL, default the local `test` database),
// dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// AuditKey is the audit chain key of every test store, as if derived from
// TONGFA_SECRET_KEY; tests of the unkeyed format set db.AuditMAC to nil.
var AuditKey = []byte("tongfa-test-audit-key-32-bytes!!")

// AuditMAC is the audit MAC of test stores: HMAC-SHA256 under AuditKey,
// or HMAC-SM3 when the run sets TONGFA_CRYPTO=sm.
func AuditMAC() *tongfa.AuditMAC {
	return tongfa.NewAuditMACSuite(os.Getenv("TONGFA_CRYPTO"), AuditKey)
}

// DefaultURL is used when TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://127.0.0.1:5432/test?sslmode=disable"

// URL returns the database URL tests use.
func URL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// New returns a store on a fresh, migrated schema.
func New(t testing.TB) *store.DB {
	t.Helper()
	db, _ := NewWithURL(t)
	return db
}

// NewWithURL is New that also returns a URL selecting the same schema, for
// tests that start other processes against it.
func NewWithURL(t testing.TB) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	schema := "t_" + randomHex(8)
	admin, err := pgxpool.New(ctx, URL())
	if err != nil {
		t.Fatalf("storetest: connect %s: %v", URL(), err)
	}
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`) //nolint:errcheck
		admin.Close()
	})
	url := WithSchema(URL(), schema)
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(db.Close)
	db.AuditMAC = AuditMAC()
	db.ContentHash = tongfa.ContentHashFor(os.Getenv("TONGFA_CRYPTO"))
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
	return db, url
}

// WithSchema adds a search_path to a PostgreSQL URL.
func WithSchema(url, schema string) string {
	sep := "?"
	for _, c := range url {
		if c == '?' {
			sep = "&"
		}
	}
	return url + sep + "search_path=" + schema
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Tamper runs sql on db as an intruder with database superuser rights
// could: with the audit tables' guard triggers disabled.
func Tamper(t testing.TB, db *store.DB, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	const tables = `ALTER TABLE audit_log %s TRIGGER audit_log_append_only; ALTER TABLE audit_anchor %[1]s TRIGGER audit_anchor_signed`
	if _, err := tx.Exec(ctx, fmt.Sprintf(tables, "DISABLE")); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf(tables, "ENABLE")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
