package redistest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa/redisconn"
)

// RequireEnv makes a test that needs a local cluster or Sentinel fail
// instead of skipping when redis-server is missing (.ci/run sets it).
const RequireEnv = "TONGFA_REQUIRE_REDIS_CLUSTER"

// Local is a Redis topology of several processes started for one test by
// one of the repository's scripts (scripts/redis-cluster.sh,
// scripts/redis-sentinel.sh) and stopped when the test ends.
type Local struct {
	URL  string // TONGFA_REDIS_URL for it
	Port int    // the first port
	cmd  *exec.Cmd
	log  string // the script's stderr
}

// Cluster starts three masters and three replicas on ports port…port+5
// (and their bus ports port+10000…). env adds to the script's environment
// (REDIS_PASSWORD, TLS_DIR, NODE_TIMEOUT).
func Cluster(t testing.TB, port int, env ...string) *Local {
	t.Helper()
	return start(t, "redis-cluster.sh", port, env)
}

// Sentinel starts a primary on port, its replica on port+1 and three
// sentinels on port+2…port+4.
func Sentinel(t testing.TB, port int, env ...string) *Local {
	t.Helper()
	return start(t, "redis-sentinel.sh", port, env)
}

func start(t testing.TB, script string, port int, env []string) *Local {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("redistest: redis-server is missing and %s=1", RequireEnv)
		}
		t.Skip("redis-server is not installed: no local cluster or Sentinel")
	}
	dir := t.TempDir()
	l := &Local{Port: port, log: filepath.Join(dir, "script.log")}
	errs, err := os.Create(l.log)
	if err != nil {
		t.Fatal(err)
	}
	defer errs.Close()
	l.cmd = exec.Command(filepath.Join(repoRoot(t), "scripts", script), "run", strconv.Itoa(port), filepath.Join(dir, "redis"))
	l.cmd.Env = append(os.Environ(), env...)
	l.cmd.Stderr = errs
	// Its own process group, so Close can kill every node at once; and a
	// SIGTERM if the test binary dies without running its cleanups.
	l.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	out, err := l.cmd.StdoutPipe()
	if err == nil {
		err = l.cmd.Start()
	}
	if err != nil {
		t.Fatalf("redistest: %s: %v", script, err)
	}
	t.Cleanup(l.close)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "TONGFA_REDIS_URL="); ok {
				ready <- u
			}
		}
		close(ready)
	}()
	select {
	case u, ok := <-ready:
		if !ok {
			t.Fatalf("redistest: %s failed:\n%s", script, l.stderr())
		}
		l.URL = u
	case <-time.After(60 * time.Second):
		t.Fatalf("redistest: %s not ready after 60 s:\n%s", script, l.stderr())
	}
	return l
}

func (l *Local) stderr() string {
	b, _ := os.ReadFile(l.log)
	return string(b)
}

// close stops the script, which stops its nodes; whatever is left of its
// process group after 10 seconds is killed.
func (l *Local) close() {
	l.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck
	done := make(chan struct{})
	go func() { l.cmd.Wait(); close(done) }() //nolint:errcheck // stopped on purpose
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	syscall.Kill(-l.cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck
}

// Client returns a client for the topology, closed when the test ends.
func (l *Local) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	c, _, err := redisconn.Open(l.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// repoRoot is the directory of go.mod above the test's package.
func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("redistest: no go.mod above the test's directory")
		}
		dir = parent
	}
}

// killNode SIGKILLs the redis-server answering at addr.
func killNode(ctx context.Context, addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	info, err := c.Info(ctx, "server").Result()
	if err != nil {
		return fmt.Errorf("redistest: info of %s: %w", addr, err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "process_id:"); ok {
			pid, err := strconv.Atoi(v)
			if err != nil {
				return err
			}
			return syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return fmt.Errorf("redistest: %s did not tell its process id", addr)
}

// FlushAll empties every master of c (one server, a Sentinel primary or
// each master of a cluster).
func FlushAll(ctx context.Context, c redis.UniversalClient) error {
	if cc, ok := c.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.FlushAll(ctx).Err() })
	}
	return c.FlushAll(ctx).Err()
}
