package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/session"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestErrorsShowMessageNotChain: a failure prints the Chinese message of
// the error, never the Go chain behind it, unless TONGFA_DEBUG=1 asks.
func TestErrorsShowMessageNotChain(t *testing.T) {
	_, url := storetest.NewWithURL(t)
	args := []string{"unit", "add", "--name", "乙局", "--parent", "不存在"}
	code, out := cli(t, url, "", args...)
	if code != 1 || out != "tongfa unit add：没有名为「不存在」的上级单位。\n" {
		t.Fatalf("exit %d %q", code, out)
	}
	t.Setenv("TONGFA_DEBUG", "1")
	if _, out := cli(t, url, "", args...); !strings.Contains(out, "详细原因（供开发人员）：") || !strings.Contains(out, "not_found") {
		t.Fatalf("TONGFA_DEBUG=1 shows no chain: %q", out)
	}
}

// TestUserAddNeedsDisplayName: people are shown by their names, so a user
// cannot be made without one; output names them as 王编辑（采编）.
func TestUserAddNeedsDisplayName(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	cliOK(t, url, "", "unit", "add", "--name", "示范市人民政府办公室")
	add := []string{"user", "add", "--username", "wang", "--unit", "示范市人民政府办公室", "--role", "editor", "--password-stdin"}
	if code, out := cli(t, url, "Editor-Passw0rd\n", add...); code != 2 || out != "tongfa user add：缺少必需的参数 --display-name。\n" {
		t.Fatalf("without --display-name: exit %d %q", code, out)
	}
	out := cliOK(t, url, "Editor-Passw0rd\n", append(add, "--display-name", "王编辑", "--role", "reviewer")...)
	if out != "已在示范市人民政府办公室添加用户 王编辑（采编、审核员），用户名 wang。\n" {
		t.Fatalf("output %q", out)
	}
	if u, err := db.UserByUsername(context.Background(), "wang"); err != nil || u.DisplayName != "王编辑" {
		t.Fatalf("user %+v, %v", u, err)
	}
	if code, out := cli(t, url, "Editor-Passw0rd\n", append(add, "--display-name", "王编辑")...); code != 1 || !strings.Contains(out, "用户名「wang」已被使用") {
		t.Fatalf("twice: exit %d %q", code, out)
	}
}

// TestUserPasswd: an administrator resets a forgotten password from the
// command line: strength checked, audited, sessions ended, lockout lifted.
func TestUserPasswd(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	ctx := context.Background()
	rdb := redistest.New(t, testRedisDB)
	cliOK(t, url, "", "unit", "add", "--name", "示范市人民政府办公室")
	cliOK(t, url, "Editor-Passw0rd\n", "user", "add", "--username", "wang", "--display-name", "王编辑",
		"--unit", "示范市人民政府办公室", "--role", "editor", "--password-stdin")
	u, _ := db.UserByUsername(ctx, "wang")
	sessions := session.New(rdb, time.Hour, 8*time.Hour)
	token, _, _ := sessions.Create(ctx, u.ID)
	db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.RecordLoginFailure(ctx, u.ID, time.Hour, 1, time.Hour)
		return err
	}) //nolint:errcheck
	passwd := []string{"user", "passwd", "--username", "wang", "--password-stdin", "--redis-url", redistest.URL(testRedisDB)}
	if code, out := cli(t, url, "weak\n", passwd...); code != 2 || !strings.Contains(out, "密码强度不够") {
		t.Fatalf("weak: exit %d %q", code, out)
	}
	if code, out := cli(t, url, "New-Passw0rd-1\n", "user", "passwd", "--username", "nobody", "--password-stdin",
		"--redis-url", redistest.URL(testRedisDB)); code != 1 || !strings.Contains(out, "没有用户名为「nobody」的用户") {
		t.Fatalf("unknown user: exit %d %q", code, out)
	}
	out := cliOK(t, url, "New-Passw0rd-1\n", passwd...)
	if out != "已重设王编辑（采编）的密码，结束了其 1 个登录会话、吊销了 0 个 API 令牌并解除了锁定。\n" {
		t.Fatalf("output %q", out)
	}
	c, _ := db.CredentialsByUsername(ctx, "wang")
	if !auth.CheckPassword(c.PasswordHash, "New-Passw0rd-1") || c.LockedUntil != nil {
		t.Errorf("password not reset or still locked: %+v", c)
	}
	if _, err := sessions.Get(ctx, token); err == nil {
		t.Error("the session outlived the reset")
	}
	var audited int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'user.password_reset' AND target = $1`, fmt.Sprintf("user:%d", u.ID)).Scan(&audited)
	if audited != 1 {
		t.Errorf("%d resets audited", audited)
	}
}
