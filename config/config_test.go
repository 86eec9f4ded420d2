package config

import (
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsMatchDesign(t *testing.T) {
	c, _, err := Load("t", env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://127.0.0.1:5432/tongfa" || c.RedisURL != "redis://127.0.0.1:6379/0" || c.Listen != "127.0.0.1:8080" {
		t.Fatalf("defaults %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	c, rest, err := Load("t", env(map[string]string{"TONGFA_LISTEN": "0.0.0.0:1", "TONGFA_SESSION_IDLE": "5m"}),
		[]string{"--listen", "127.0.0.1:2", "extra"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:2" || c.SessionIdle != 5*time.Minute || len(rest) != 1 {
		t.Fatalf("got %+v rest %v", c, rest)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.DatabaseURL = "mysql://x"
	c.RedisURL = "http://x"
	c.Listen = "nope"
	c.SecretKey = "short"
	c.LogLevel = "loud"
	err := c.Validate()
	for _, want := range []string{"TONGFA_DATABASE_URL", "TONGFA_REDIS_URL", "TONGFA_LISTEN", "TONGFA_SECRET_KEY", "TONGFA_LOG_LEVEL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
}

func TestBadEnvValue(t *testing.T) {
	_, _, err := Load("t", env(map[string]string{"TONGFA_SESSION_IDLE": "forever"}), nil)
	if err == nil || err.Error() != "环境变量 TONGFA_SESSION_IDLE 的值「forever」无效，应为时长（如 30s、15m、8h）" {
		t.Fatalf("bad duration: %v", err)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	c := Default()
	c.SecretKey = strings.Repeat("ab", 32)
	c.DatabaseURL = "postgres://u:hunter2@db/x"
	for _, kv := range c.Redacted() {
		if strings.Contains(kv[1], "hunter2") || strings.Contains(kv[1], "abab") {
			t.Fatalf("%s leaks a secret: %s", kv[0], kv[1])
		}
	}
	if _, err := c.Key(); err != nil {
		t.Fatal(err)
	}
}

func TestMediaHosts(t *testing.T) {
	c, _, err := Load("t", env(map[string]string{"TONGFA_MEDIA_HOSTS": " img.office.gov.cn, 10.0.0.8:8080 ,,[fd00::1]:443"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.MediaHosts, "|"); got != "img.office.gov.cn|10.0.0.8:8080|[fd00::1]:443" {
		t.Fatalf("media hosts %q", got)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c, _, _ = Load("t", env(map[string]string{"TONGFA_MEDIA_HOSTS": "a.example"}), []string{"--media-hosts", "b.example,::1"})
	if got := strings.Join(c.MediaHosts, "|"); got != "b.example|::1" {
		t.Fatalf("the flag must replace the environment: %q", got)
	}
	for _, kv := range c.Redacted() {
		if kv[0] == "TONGFA_MEDIA_HOSTS" && kv[1] != "b.example,::1" {
			t.Fatalf("tongfa config prints %q", kv[1])
		}
	}
	for _, bad := range []string{"http://img.example", "img.example/path", "*.gov.cn", "img.example:http", "img.example:70000", "图片.政府.cn", "."} {
		c := Default()
		c.MediaHosts = []string{bad}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TONGFA_MEDIA_HOSTS") {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}

func TestAuditMACKey(t *testing.T) {
	c := Default()
	if _, err := c.AuditMACKey(); err != tongfa.ErrNoAuditKey {
		t.Fatalf("no keys: %v, want ErrNoAuditKey", err)
	}
	c.SecretKey = strings.Repeat("ab", 32)
	derived, err := c.AuditMACKey()
	secret, _ := c.Key()
	if err != nil || len(derived) != 32 || string(derived) == string(secret) {
		t.Fatalf("derived key %x, %v: must be 32 bytes and not the secret key itself", derived, err)
	}
	c.AuditKey = strings.Repeat("cd", 32)
	own, err := c.AuditMACKey()
	if err != nil || string(own) != strings.Repeat("\xcd", 32) {
		t.Fatalf("TONGFA_AUDIT_KEY not used: %x, %v", own, err)
	}
	c.AuditKey = "short"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TONGFA_AUDIT_KEY") {
		t.Fatalf("bad audit key: %v", err)
	}
	for _, kv := range c.Redacted() {
		if strings.Contains(kv[1], "short") {
			t.Fatalf("%s leaks the audit key", kv[0])
		}
	}
}

func TestRedisClusterURL(t *testing.T) {
	c := Default()
	for _, u := range []string{"redis-cluster://:s3cret@h1:7000,h2", "rediss-cluster://tongfa:s3cret@h1:7000,h2:7000?pool_size=20"} {
		c.RedisURL = u
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", u, err)
		}
		if r := redactURL(u); strings.Contains(r, "s3cret") || !strings.Contains(r, "h1:7000,h2") {
			t.Errorf("redacted %s as %s", u, r)
		}
	}
	for _, u := range []string{"u:s3cret@h1:7000,h2", "redis-cluster://:s3cret@h1,h2?client_name=a@b"} {
		if r := redactURL(u); strings.Contains(r, "s3cret") {
			t.Errorf("redacted %s as %s", u, r)
		}
	}
}

// TestAuditRetentionHasAFloor: no setting keeps audit rows for less than
// 180 days (R10, logs kept at least six months).
func TestAuditRetentionHasAFloor(t *testing.T) {
	c, _, err := Load("t", env(map[string]string{"TONGFA_AUDIT_RETENTION_DAYS": "30"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "不得少于 180 天") {
		t.Fatalf("30 days validated: %v", err)
	}
	if c.AuditRetention() != 180*24*time.Hour {
		t.Fatalf("retention %s below the floor", c.AuditRetention())
	}
	c.AuditRetentionDays = 400
	if err := c.Validate(); err != nil || c.AuditRetention() != 400*24*time.Hour {
		t.Fatalf("400 days: %v %s", err, c.AuditRetention())
	}
}

func TestCryptoSuite(t *testing.T) {
	c := Default()
	c.Crypto = "des"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TONGFA_CRYPTO") {
		t.Fatalf("crypto des: %v", err)
	}
	c, _, _ = Load("t", env(map[string]string{"TONGFA_CRYPTO": "sm"}), nil)
	if c.Crypto != CryptoSM || c.Validate() != nil {
		t.Fatalf("crypto sm: %+v", c.Crypto)
	}
}

func TestDatabaseReplicaURL(t *testing.T) {
	c, _, err := Load("t", env(map[string]string{"TONGFA_DATABASE_REPLICA_URL": "postgres://report:s3cret@replica:5432/tongfa"}), nil)
	if err != nil || c.Validate() != nil {
		t.Fatalf("load %v, validate %v", err, c.Validate())
	}
	var line string
	for _, kv := range c.Redacted() {
		if kv[0] == "TONGFA_DATABASE_REPLICA_URL" {
			line = kv[1]
		}
	}
	if line != "postgres://report:xxxxx@replica:5432/tongfa" {
		t.Fatalf("tongfa config prints %q", line)
	}
	c, _, _ = Load("t", env(map[string]string{"TONGFA_DATABASE_REPLICA_URL": "postgres://a/b"}), []string{"--database-replica-url", "mysql://r/x"})
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "TONGFA_DATABASE_REPLICA_URL") {
		t.Fatalf("the flag must win and a bad scheme be refused: %v", err)
	}
	for _, kv := range Default().Redacted() {
		if kv[0] == "TONGFA_DATABASE_REPLICA_URL" && kv[1] != "（未设置）" {
			t.Fatalf("unset replica printed as %q", kv[1])
		}
	}
}
