package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

const testRedisDB = 6

// cli runs one tongfa command against the test schema and returns its exit
// code and output.
func cli(t *testing.T, dbURL, stdin string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append(append([]string{}, args...), "--database-url", dbURL)
	code := run(context.Background(), Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errOut}, full)
	return code, out.String() + errOut.String()
}

// cliOK is cli for a command that must succeed; it returns the output.
func cliOK(t *testing.T, dbURL, stdin string, args ...string) string {
	t.Helper()
	code, out := cli(t, dbURL, stdin, args...)
	if code != 0 {
		t.Fatalf("tongfa %v: exit %d: %s", args, code, out)
	}
	return out
}

// startHub runs the whole hub on a free port against the test schema.
func startHub(t *testing.T, dbURL string) *Main {
	t.Helper()
	return startHubOn(t, dbURL, testRedisDB)
}

// startHubOn is startHub on Redis database rdb.
func startHubOn(t *testing.T, dbURL string, rdb int) *Main {
	t.Helper()
	return runTestHub(t, dbURL, rdb, false)
}

// startWorkingHub runs the API and the workers, on the test Redis
// database, until the test ends.
func startWorkingHub(t *testing.T, dbURL string) *Main {
	t.Helper()
	return runTestHub(t, dbURL, testRedisDB, true)
}

// testConfig is an in-process hub's configuration: the test schema at
// dbURL, a flushed Redis database rdb, a free port and the test key.
func testConfig(t *testing.T, dbURL string, rdb int) config.Config {
	t.Helper()
	redistest.New(t, rdb)
	cfg := config.Default()
	cfg.DatabaseURL, cfg.RedisURL, cfg.Listen, cfg.SecretKey = dbURL, redistest.URL(rdb), "127.0.0.1:0", queuetest.Key
	cfg.Crypto = cmp.Or(os.Getenv("TONGFA_CRYPTO"), cfg.Crypto)
	return cfg
}

func runTestHub(t *testing.T, dbURL string, rdb int, work bool) *Main {
	t.Helper()
	return runProcess(t, testConfig(t, dbURL, rdb), quietLogger(), true, work)
}

// runProcess runs one hub process in this one until the test ends.
func runProcess(t *testing.T, cfg config.Config, log *slog.Logger, serve, work bool) *Main {
	t.Helper()
	m := NewMain(cfg, log)
	m.Serve, m.Work = serve, work
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m
}

// staff creates a user of unit for each role, named prefix+role, with
// password, and returns their API tokens by role.
func staff(t *testing.T, db *store.DB, unit int64, prefix, password string, roles ...tongfa.Role) map[string]string {
	t.Helper()
	ctx := context.Background()
	hash, _ := auth.HashPassword(password, auth.TestParams)
	tokens := map[string]string{}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range roles {
			u, err := tx.CreateUser(ctx, store.NewUser{Username: prefix + string(r), UnitID: unit, PasswordHash: hash})
			if err != nil {
				return err
			}
			if err := tx.Grant(ctx, u.ID, unit, r); err != nil {
				return err
			}
			tok, th := auth.NewToken()
			if err := tx.CreateToken(ctx, &store.Token{UserID: u.ID, Name: "t", ExpiresAt: time.Now().AddDate(1, 0, 0)}, th); err != nil {
				return err
			}
			tokens[string(r)] = tok
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

func request(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestAdministrationAndAPI walks the Foundation's promise end to end: set
// up a unit and an editor with the CLI, start the hub, create, version and
// list items with a token, verify the audit chain, then tamper with it.
func TestAdministrationAndAPI(t *testing.T) {
	_, url := storetest.NewWithURL(t)
	mustCLI := func(stdin string, args ...string) string { t.Helper(); return cliOK(t, url, stdin, args...) }
	mustCLI("", "unit", "add", "--name", "示范市人民政府")
	mustCLI("", "unit", "add", "--name", "示范市人民政府办公室", "--parent", "示范市人民政府")
	mustCLI("Editor-Passw0rd\n", "user", "add", "--username", "wang", "--display-name", "王编辑", "--unit", "示范市人民政府办公室", "--role", "editor", "--password-stdin")
	if code, out := cli(t, url, "weak\n", "user", "add", "--username", "li", "--display-name", "李编辑", "--unit", "示范市人民政府办公室", "--role", "editor", "--password-stdin"); code != 2 || !strings.Contains(out, "密码强度不够") {
		t.Fatalf("weak password: exit %d %s", code, out)
	}
	token := strings.TrimSpace(mustCLI("", "token", "create", "--user", "wang"))
	if !strings.HasPrefix(token, "tfa_") {
		t.Fatalf("token %q", token)
	}
	m := startHub(t, url)
	if st, body := request(t, "GET", m.URL()+"/readyz", "", nil); st != 200 || body["status"] != "ready" {
		t.Fatalf("readyz: %d %v", st, body)
	}
	item := map[string]any{"title": "关于开展安全生产大检查的通知", "body": "<p>各单位：</p>", "category": "notice", "kind": "original", "importance": "routine"}
	st, created := request(t, "POST", m.URL()+"/api/v1/items", token, item)
	if st != 201 {
		t.Fatalf("create: %d %v", st, created)
	}
	id := int64(created["id"].(float64))
	item["title"] = "关于开展安全生产大检查的通知（第二版）"
	if st, _ := request(t, "PUT", m.URL()+"/api/v1/items/"+strconv.FormatInt(id, 10), token, item); st != 200 {
		t.Fatalf("update: %d", st)
	}
	if st, list := request(t, "GET", m.URL()+"/api/v1/items", token, nil); st != 200 || list["total"].(float64) != 1 {
		t.Fatalf("list: %d %v", st, list)
	}
	t.Setenv("TONGFA_SECRET_KEY", queuetest.Key) // the hub's key, which the audit key derives from
	if out := mustCLI("", "audit", "verify"); !strings.HasPrefix(out, "校验通过") {
		t.Fatalf("audit verify: %s", out)
	}
	tamperRow(t, m, "item.version")
	code, out := cli(t, url, "", "audit", "verify")
	if code != 1 || !regexp.MustCompile(`校验失败：第 \d+ 行（记录 \d+）的内容与密钥签名不符`).MatchString(out) {
		t.Fatalf("verify after tamper: exit %d %s", code, out)
	}
	if out := mustCLI("", "migrate"); !strings.Contains(out, "数据库结构已是最新") {
		t.Fatalf("second migrate: %s", out)
	}
}

func tamperRow(t *testing.T, m *Main, action string) {
	t.Helper()
	storetest.Tamper(t, m.DB, `UPDATE audit_log SET details = '{"version":2,"hash":"forged"}' WHERE action = $1`, action)
}

func TestConfigRedacts(t *testing.T) {
	t.Setenv("TONGFA_SECRET_KEY", strings.Repeat("0f", 32))
	var out bytes.Buffer
	code := run(context.Background(), Stdio{Out: &out, Err: &out}, []string{"config", "--database-url", "postgres://u:s3cret@db/x"})
	if code != 0 || strings.Contains(out.String(), "s3cret") || strings.Contains(out.String(), "0f0f") {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "TONGFA_SECRET_KEY=（已设置，不显示）") {
		t.Fatalf("secret key line missing:\n%s", out.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), Stdio{Out: &out, Err: &out}, []string{"frobnicate"}); code != 2 || !strings.Contains(out.String(), "没有命令「frobnicate」") || !strings.Contains(out.String(), "用法：tongfa 命令") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
