package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// demoRun is one `tongfa demo` running in the test.
type demoRun struct {
	hub, sim string // base URLs it printed
	stop     func() int
}

// startDemo runs `tongfa demo` with args until stop, and waits until it
// says where to open the console and the simulators.
func startDemo(t *testing.T, args ...string) demoRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, Stdio{Out: &out, Err: &out}, append([]string{"demo"}, args...)) }()
	started := regexp.MustCompile(`请打开 (http://\S+)/ 登录[\s\S]*已发布的内容：(http://\S+)/_sim/posts`)
	deadline := time.Now().Add(60 * time.Second)
	for started.FindStringSubmatch(out.String()) == nil {
		select {
		case code := <-done:
			t.Fatalf("tongfa demo exited %d:\n%s", code, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("tongfa demo did not start:\n%s", out.String())
		}
	}
	m := started.FindStringSubmatch(out.String())
	return demoRun{hub: m[1], sim: m[2], stop: func() int { cancel(); return <-done }}
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// deliveredURLs waits until the demo's items reached every platform and
// returns the links to them by platform.
func deliveredURLs(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	urls := map[string]string{}
	for deadline := time.Now().Add(90 * time.Second); len(urls) < len(demoAccounts); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("delivered only to %v", urls)
		}
		rows, _ := db.Pool.Query(context.Background(), `SELECT platform, url FROM deliveries WHERE state = 'delivered' ORDER BY id`)
		for rows.Next() {
			var p, u string
			rows.Scan(&p, &u) //nolint:errcheck
			urls[p] = u
		}
		rows.Close()
	}
	return urls
}

// TestDemoCommand: `make demo` listens where TONGFA_LISTEN and
// TONGFA_SIM_LISTEN say, links Weibo posts to the simulator, and after a
// restart (on another simulator port) every published link still opens.
func TestDemoCommand(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	redistest.New(t, testRedisDB)
	for k, v := range map[string]string{"TONGFA_DATABASE_URL": url, "TONGFA_REDIS_URL": redistest.URL(testRedisDB),
		"TONGFA_SECRET_KEY": queuetest.Key, "TONGFA_LISTEN": "127.0.0.1:0", "TONGFA_SIM_LISTEN": "127.0.0.1:0", "TONGFA_LOG_LEVEL": "error"} {
		t.Setenv(k, v)
	}
	state := filepath.Join(t.TempDir(), "sim.json")
	first := startDemo(t, "--sim-state", state)
	if strings.HasSuffix(first.hub, ":8080") || strings.HasSuffix(first.sim, ":8090") {
		t.Fatalf("the demo ignored TONGFA_LISTEN or TONGFA_SIM_LISTEN: %s, %s", first.hub, first.sim)
	}
	if st := get(t, first.hub+"/login"); st != 200 {
		t.Fatalf("console: %d", st)
	}
	urls := deliveredURLs(t, db)
	if !strings.HasPrefix(urls["weibo"], first.sim+"/weibo/status/") {
		t.Errorf("Weibo link %s does not point at the simulator %s", urls["weibo"], first.sim)
	}
	if code := first.stop(); code != 0 {
		t.Fatalf("demo exited %d", code)
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("simulator state not saved: %v", err)
	}

	second := startDemo(t, "--sim-state", state)
	defer second.stop()
	for platform, u := range deliveredURLs(t, db) {
		if !strings.HasPrefix(u, second.sim+"/") {
			t.Errorf("%s link %s still points at the old simulator address", platform, u)
		} else if st := get(t, u); st != 200 {
			t.Errorf("%s link %s answers %d after the restart", platform, u, st)
		}
	}
}
