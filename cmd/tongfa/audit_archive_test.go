package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// TestAuditExportPruneVerify: the operator's round — export the rows
// older than the retention, prune, verify across the archive — keeps
// `audit verify` green, and no retention setting below 180 days gets
// through the command.
func TestAuditExportPruneVerify(t *testing.T) {
	db, url := auditCLI(t)
	ctx := context.Background()
	real := db.Now
	for _, age := range []int{300, 250, 200, 10} {
		db.Now = func() time.Time { return real().AddDate(0, 0, -age) }
		if err := db.Audit(ctx, store.SystemActor, "login", "user:1", nil, map[string]int{"age": age}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	db.Now = real

	wantExit(t, url, 2, "不得少于 180 天", "audit", "prune", "--audit-retention-days", "30")
	t.Setenv("TONGFA_AUDIT_RETENTION_DAYS", "90")
	wantExit(t, url, 2, "不得少于 180 天", "audit", "prune")
	t.Setenv("TONGFA_AUDIT_RETENTION_DAYS", "")

	file := filepath.Join(t.TempDir(), "audit-2026H1.jsonl")
	cut := time.Now().In(workday.Location()).AddDate(0, 0, -180).Format(time.DateOnly)
	wantExit(t, url, 0, "已把第 1 至 3 行共 3 行", "audit", "export", "--before", cut, "--out", file)
	wantExit(t, url, 2, "无法写入归档文件", "audit", "export", "--before", cut, "--out", file)
	wantExit(t, url, 0, "已删除 3 行", "audit", "prune")
	var left int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'login'`).Scan(&left) //nolint:errcheck
	if left != 1 {
		t.Fatalf("%d login rows left, want the one 10 days old", left)
	}
	wantExit(t, url, 0, "来自归档文件", "audit", "verify", "--archive", file)

	// An archive with a row removed no longer verifies.
	raw, _ := os.ReadFile(file)
	lines := strings.SplitAfter(string(raw), "\n")
	cutShort := filepath.Join(t.TempDir(), "cut.jsonl")
	os.WriteFile(cutShort, []byte(strings.Join(append(lines[:2:2], lines[3:]...), "")), 0o600) //nolint:errcheck
	wantExit(t, url, 1, "校验失败", "audit", "verify", "--archive", cutShort)
}
