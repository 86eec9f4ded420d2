// Package backup checks that the newest PostgreSQL backup in the backup
// directory is recent and can be restored: a pg_dump archive must list with
// pg_restore, a base backup must verify against its manifest with
// pg_verifybackup. Taking and restoring backups is PostgreSQL's own work
// (docs/deployment.md, "Backup and restore").
package backup
