package redisconn_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa/redisconn"
	"github.com/tongfa/tongfa/redisconn/redistest"
)

// Ports of the local clusters these tests start (docs/testing.md).
const (
	passwordClusterPort = 7120
	tlsClusterPort      = 7130
)

func TestParseCluster(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.crt")
	writeCerts(t, filepath.Dir(ca))
	for _, c := range []struct {
		name, url string
		addrs     string
		user, pw  string
		tls       bool
		check     func(*redis.ClusterOptions) bool
	}{
		{name: "hosts", url: "redis-cluster://10.0.0.1:7000,10.0.0.2:7001,redis3", addrs: "10.0.0.1:7000 10.0.0.2:7001 redis3:6379"},
		{name: "password", url: "redis-cluster://:s3cret@h1:7000,h2:7000", addrs: "h1:7000 h2:7000", pw: "s3cret"},
		{name: "acl user and options", url: "redis-cluster://tongfa:pw@h1:7000/0?pool_size=50&dial_timeout=2s&max_redirects=5",
			addrs: "h1:7000", user: "tongfa", pw: "pw",
			check: func(o *redis.ClusterOptions) bool {
				return o.PoolSize == 50 && o.DialTimeout == 2*time.Second && o.MaxRedirects == 5
			}},
		{name: "tls", url: "rediss-cluster://:pw@h1:7000,h2:7000", addrs: "h1:7000 h2:7000", pw: "pw", tls: true,
			check: func(o *redis.ClusterOptions) bool { return o.TLSConfig.ServerName == "" && o.TLSConfig.RootCAs == nil }},
		{name: "tls with one name and a ca", url: "rediss-cluster://h1:7000?tls_server_name=redis.gov.cn&tls_ca_file=" + ca,
			addrs: "h1:7000", tls: true,
			check: func(o *redis.ClusterOptions) bool {
				return o.TLSConfig.ServerName == "redis.gov.cn" && o.TLSConfig.RootCAs != nil
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			opt, err := redisconn.Parse(c.url)
			if err != nil {
				t.Fatal(err)
			}
			o := opt.(redisconn.ClusterOpt).Options
			if got := strings.Join(o.Addrs, " "); got != c.addrs {
				t.Errorf("addrs %q, want %q", got, c.addrs)
			}
			if o.Username != c.user || o.Password != c.pw {
				t.Errorf("credentials %q/%q, want %q/%q", o.Username, o.Password, c.user, c.pw)
			}
			if (o.TLSConfig != nil) != c.tls {
				t.Errorf("tls %v, want %v", o.TLSConfig != nil, c.tls)
			}
			if c.check != nil && !c.check(o) {
				t.Errorf("options %+v", o)
			}
		})
	}
}

func TestParseClusterRefuses(t *testing.T) {
	for name, url := range map[string]string{
		"database":       "redis-cluster://h1:7000/3",
		"unknown option": "redis-cluster://h1:7000?poolsize=5",
		"tls option":     "redis-cluster://h1:7000?tls_server_name=x",
		"empty host":     "redis-cluster://h1:7000,,h2:7000",
		"missing ca":     "rediss-cluster://h1:7000?tls_ca_file=/nonexistent/ca.pem",
	} {
		if _, err := redisconn.Parse(url); err == nil {
			t.Errorf("%s: %s was accepted", name, url)
		}
	}
}

// TestClusterWithPassword runs keys of every master and the queue through
// one URL with a password.
func TestClusterWithPassword(t *testing.T) {
	l := redistest.Cluster(t, passwordClusterPort, "REDIS_PASSWORD=s3cret-pw")
	if !strings.HasPrefix(l.URL, "redis-cluster://:s3cret-pw@") {
		t.Fatalf("url %s", l.URL)
	}
	exercise(t, l.URL)
}

// TestClusterOverTLS does the same over TLS, the nodes' certificate
// checked against a private CA, for the address each node is dialled by.
func TestClusterOverTLS(t *testing.T) {
	dir := t.TempDir()
	writeCerts(t, dir)
	l := redistest.Cluster(t, tlsClusterPort, "TLS_DIR="+dir, "REDIS_PASSWORD=pw")
	if _, err := redisconn.Parse(strings.Replace(l.URL, "rediss-cluster://:pw@", "redis-cluster://:pw@", 1) + "?tls_ca_file=x"); err == nil {
		t.Fatal("tls options accepted without TLS")
	}
	exercise(t, l.URL+"?tls_ca_file="+filepath.Join(dir, "ca.crt"))
}

// exercise writes keys that land on every master and queues a task
// through the asynq option Open returns.
func exercise(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	rdb, opt, err := redisconn.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	for i := range 30 {
		k := fmt.Sprintf("tongfa:test:%d", i)
		if err := rdb.Set(ctx, k, i, time.Minute).Err(); err != nil {
			t.Fatalf("set %s: %v", k, err)
		}
	}
	if n, err := rdb.DBSize(ctx).Result(); err != nil || n < 30 {
		t.Fatalf("dbsize %d, %v", n, err)
	}
	c := asynq.NewClient(opt)
	defer c.Close()
	if _, err := c.Enqueue(asynq.NewTask("test:ping", nil), asynq.TaskID("one")); err != nil {
		t.Fatal(err)
	}
	in := asynq.NewInspector(opt)
	defer in.Close()
	if info, err := in.GetTaskInfo("default", "one"); err != nil || info.State != asynq.TaskStatePending {
		t.Fatalf("task: %+v, %v", info, err)
	}
}
