package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer a test can read while a command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startSim runs `tongfa sim` with args until stop, and returns its URL.
func startSim(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, Stdio{Out: &out, Err: &out}, append([]string{"sim"}, args...)) }()
	addr := regexp.MustCompile(`http://[0-9.]+:[0-9]+`)
	deadline := time.Now().Add(5 * time.Second)
	for addr.FindString(out.String()) == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("tongfa sim did not stop when cancelled")
			return -1
		}
	}
	return addr.FindString(out.String()), stop
}

func simPosts(t *testing.T, base string) (posts struct {
	Count, Duplicates int
	Posts             []struct{ URL string }
}) {
	t.Helper()
	resp, err := http.Get(base + "/_sim/posts")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(raw, &posts); err != nil {
		t.Fatalf("posts: %s", raw)
	}
	return posts
}

// TestSimCommand: `tongfa sim` serves the simulators until cancelled.
func TestSimCommand(t *testing.T) {
	base, stop := startSim(t, "--listen", "127.0.0.1:0", "--seed", "3")
	resp, err := http.Post(base+"/_sim/faults", "application/json", strings.NewReader(`{"app":{"error_rate":0.5}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if posts := simPosts(t, base); posts.Count != 0 {
		t.Fatalf("posts: %+v", posts)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestSimCommandKeepsState: with --state the posts, and the pages their
// links open, survive a restart; TONGFA_SIM_LISTEN sets the address.
func TestSimCommandKeepsState(t *testing.T) {
	t.Setenv("TONGFA_SIM_LISTEN", "127.0.0.1:0")
	state := filepath.Join(t.TempDir(), "state", "sim.json")
	base, stop := startSim(t, "--state", state)
	form := url.Values{"access_token": {"tok"}, "status": {"【保存】" + base + "/website/articles/1.html"}}
	resp, err := http.PostForm(base+"/weibo/2/statuses/share.json", form)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("share: %v %v", resp, err)
	}
	resp.Body.Close()
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	again, stop := startSim(t, "--state", state)
	defer stop()
	posts := simPosts(t, again)
	if posts.Count != 1 {
		t.Fatalf("after a restart: %+v", posts)
	}
	page := strings.Replace(posts.Posts[0].URL, base, again, 1)
	resp, err = http.Get(page)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s after a restart: %v %v", page, resp, err)
	}
	resp.Body.Close()
}
