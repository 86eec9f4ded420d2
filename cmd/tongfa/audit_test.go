package main

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// auditCLI sets up a test schema whose audit key the commands share and
// returns its store and URL.
func auditCLI(t *testing.T) (*store.DB, string) {
	t.Helper()
	db, url := storetest.NewWithURL(t)
	t.Setenv("TONGFA_AUDIT_KEY", hex.EncodeToString(storetest.AuditKey))
	t.Setenv("TONGFA_AUDIT_CHECKPOINT_FILE", filepath.Join(t.TempDir(), "checkpoints.jsonl"))
	return db, url
}

func wantExit(t *testing.T, url string, code int, want string, args ...string) string {
	t.Helper()
	got, out := cli(t, url, "", args...)
	if got != code || !strings.Contains(out, want) {
		t.Fatalf("tongfa %v: exit %d, want %d with %q:\n%s", args, got, code, want, out)
	}
	return out
}

// TestAuditVerifyWithCheckpoints: a checkpoint taken by `audit checkpoint`
// lands in the configured file and on standard output; `audit verify
// --checkpoint` then catches what the chain alone cannot (its last rows
// deleted) and a forged checkpoint, each with exit status 1.
func TestAuditVerifyWithCheckpoints(t *testing.T) {
	db, url := auditCLI(t)
	for _, name := range []string{"甲市", "乙市", "丙市"} {
		cliOK(t, url, "", "unit", "add", "--name", name)
	}
	line := cliOK(t, url, "", "audit", "checkpoint")
	file := os.Getenv("TONGFA_AUDIT_CHECKPOINT_FILE")
	if kept, _ := os.ReadFile(file); string(kept) != line || !strings.Contains(line, `"seq":3`) {
		t.Fatalf("checkpoint printed %q, kept %q", line, kept)
	}
	wantExit(t, url, 0, "校验通过：审计链 3 行均无误，与 1 个校验点一致。", "audit", "verify", "--checkpoint", file)

	storetest.Tamper(t, db, `DELETE FROM audit_log WHERE seq = 3`)
	wantExit(t, url, 0, "未比对校验点", "audit", "verify")
	wantExit(t, url, 1, "校验失败：审计链比", "audit", "verify", "--checkpoint", file)

	forged := filepath.Join(t.TempDir(), "forged.jsonl")
	os.WriteFile(forged, []byte(strings.Replace(line, `"seq":3`, `"seq":2`, 1)), 0o600) //nolint:errcheck
	wantExit(t, url, 1, "校验点文件第 1 行的签名无效", "audit", "verify", "--checkpoint", forged)

	if out := cliOK(t, url, "", "audit", "key"); !strings.HasPrefix(out, hex.EncodeToString(storetest.AuditKey)) {
		t.Fatalf("audit key printed %q", out)
	}
}

// TestAuditUpgradeCommand: a chain sealed before the key is refused by
// verify until `audit upgrade` switches it, once.
func TestAuditUpgradeCommand(t *testing.T) {
	db, url := auditCLI(t)
	cliOK(t, url, "", "unit", "add", "--name", "甲市")
	db.AuditMAC = nil
	if _, err := db.SealAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantExit(t, url, 1, "尚未启用密钥封存", "audit", "verify")
	wantExit(t, url, 0, "已启用密钥封存：此前未用密钥封存的 1 行由第 2 行起", "audit", "upgrade")
	wantExit(t, url, 0, "无需升级", "audit", "upgrade")
	wantExit(t, url, 0, "（其中 1 行封存于启用密钥之前）", "audit", "verify")
	rows, _ := db.ListAudit(context.Background(), store.AuditFilter{Action: store.ActionAuditKeyed})
	if len(rows) != 1 || rows[0].Actor != "cli" || tongfa.IsLegacyHash(rows[0].Hash) {
		t.Fatalf("switch row %+v", rows)
	}
}

func TestAuditCommandsNeedTheKey(t *testing.T) {
	_, url := storetest.NewWithURL(t)
	t.Setenv("TONGFA_SECRET_KEY", "")
	t.Setenv("TONGFA_AUDIT_KEY", "")
	wantExit(t, url, 2, "未配置审计密钥", "audit", "verify")
	t.Setenv("TONGFA_AUDIT_KEY", "short")
	wantExit(t, url, 2, "审计密钥无效", "audit", "verify")
}
