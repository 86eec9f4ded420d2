package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/store/storetest"
)

// demoPasswords reads the username → password lines seedDemo prints.
func demoPasswords(out string) map[string]string {
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`用户名 (\S+) +密码 (\S+)  (\S+)`).FindAllStringSubmatch(out, -1) {
		got[m[1]] = m[2]
	}
	return got
}

// TestDemoResetPasswords: a second run leaves the passwords alone unless
// asked; asked, it prints new ones that work, ends the users' sessions
// and audits each reset.
func TestDemoResetPasswords(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	m := NewMain(testConfig(t, url, testRedisDB), quietLogger())
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var first, again, reset bytes.Buffer
	if err := seedDemo(ctx, m, Stdio{Out: &first}, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first.String(), "王编辑（采编），示范市人民政府办公室") || len(demoPasswords(first.String())) != len(demoUsers) {
		t.Fatalf("first run:\n%s", first.String())
	}
	editor, _ := db.UserByUsername(ctx, "editor")
	token, _, err := m.Hub.Sessions.Create(ctx, editor.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, m, Stdio{Out: &again}, false); err != nil || !strings.Contains(again.String(), "RESET_PASSWORDS=1") {
		t.Fatalf("second run: %v\n%s", err, again.String())
	}
	if err := seedDemo(ctx, m, Stdio{Out: &reset}, true); err != nil {
		t.Fatal(err)
	}
	fresh := demoPasswords(reset.String())
	for _, du := range demoUsers {
		c, _ := db.CredentialsByUsername(ctx, du.username)
		if pw := fresh[du.username]; pw == "" || pw == demoPasswords(first.String())[du.username] || !auth.CheckPassword(c.PasswordHash, pw) {
			t.Errorf("%s: new password %q does not work", du.username, pw)
		}
	}
	if _, err := m.Hub.Sessions.Get(ctx, token); err == nil {
		t.Error("the editor's session outlived the reset")
	}
	var audited int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'user.password_reset'`).Scan(&audited)
	if audited != len(demoUsers) {
		t.Errorf("%d resets audited, want %d", audited, len(demoUsers))
	}
}
