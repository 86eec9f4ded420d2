package main

import (
	"context"
	"strings"
	"testing"

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
