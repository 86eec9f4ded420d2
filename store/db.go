package store

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tongfa/tongfa"
)

// DB is the PostgreSQL store. Now is the clock every timestamp comes from,
// replaceable in tests. AuditMAC seals and verifies the audit chain; its
// key lives outside the database, so the composition root sets it from the
// configuration (nil: no key, only an unkeyed chain can be sealed).
type DB struct {
	Pool     *pgxpool.Pool
	Now      func() time.Time
	AuditMAC *tongfa.AuditMAC
	// ContentHash hashes new versions (tongfa.ContentHashFor the
	// installation's suite); nil is SHA-256.
	ContentHash func() hash.Hash
}

// VersionHash is the hash a new version of content c is stored with.
func (db *DB) VersionHash(c tongfa.Content) string {
	if db.ContentHash == nil {
		return c.Hash()
	}
	return c.HashWith(db.ContentHash)
}

// DefaultMaxConns is the connection pool size of a process unless the
// database URL sets pool_max_conns. Mind PostgreSQL's max_connections
// (100 by default) when running many processes.
const DefaultMaxConns = 16

// Open connects to PostgreSQL and checks the connection.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: parse database url: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default (the CPU count, at least 4) starves a worker whose
		// deliveries mostly wait on platforms; the URL may set its own.
		cfg.MaxConns = DefaultMaxConns
	}
	return OpenConfig(ctx, cfg)
}

// OpenConfig connects with an already parsed pool configuration.
func OpenConfig(ctx context.Context, cfg *pgxpool.Config) (*DB, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: ping: %w", err)
	}
	return &DB{Pool: pool, Now: time.Now}, nil
}

// Close releases every connection.
func (db *DB) Close() { db.Pool.Close() }

// Ping reports whether PostgreSQL answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

// now returns the store clock truncated to PostgreSQL's microseconds, so a
// value read back equals the value written (audit hashes depend on it).
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// querier is satisfied by the pool and by a transaction, so read helpers
// serve both.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Tx is a store transaction. Audit entries queued with Audit are appended
// to the chain as the last statement before commit, so the chain lock is
// held as briefly as possible and the rows commit with the change they
// record, or not at all.
type Tx struct {
	pgx.Tx
	db    *DB
	now   time.Time
	audit []tongfa.AuditEntry
}

// Now is the transaction's timestamp: every row a transaction writes carries
// the same instant.
func (tx *Tx) Now() time.Time { return tx.now }

// InTx runs fn in a transaction and commits if it returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	ptx, err := db.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{Tx: ptx, db: db, now: db.now()}
	defer ptx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.flushAudit(ctx); err != nil {
		return err
	}
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("store: commit: %w", translate(err))
	}
	return nil
}

// translate maps PostgreSQL errors onto domain errors.
func translate(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &tongfa.Error{Code: tongfa.EConflict, Message: "记录已存在", Err: err}
		case "23503":
			return &tongfa.Error{Code: tongfa.EInvalid, Message: "引用的记录不存在", Err: err}
		case "40001", "40P01":
			return &tongfa.Error{Code: tongfa.EConflict, Message: "并发冲突，请重试", Err: err}
		}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w", tongfa.ErrNotFound)
	}
	return err
}

// notFound wraps ErrNotFound with what was missing.
func notFound(what string, id any) error {
	return fmt.Errorf("store: %s %v: %w", what, id, tongfa.ErrNotFound)
}

// ErrLeaseLost means a worker's lease on a delivery or an answer has
// passed to another worker (it was presumed dead): nothing of its attempt
// is recorded, and its successor verifies on the platform before sending.
var ErrLeaseLost = &tongfa.Error{Code: tongfa.EConflict, Message: "已被其他进程接管，本次尝试的结果未记录"}
