// Package store is Tongfa's PostgreSQL store of record (pgx v5): embedded
// numbered migrations, and the one place where every state change of an
// item, a delivery or a reply is written, guarded by `WHERE state = $from`.
package store
