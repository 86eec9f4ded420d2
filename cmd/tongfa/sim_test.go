package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
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

// TestSimCommand: `tongfa sim` serves the simulators until cancelled.
func TestSimCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, Stdio{Out: &out, Err: &out}, []string{"sim", "--listen", "127.0.0.1:0", "--seed", "3"})
	}()
	addr := regexp.MustCompile(`http://[0-9.]+:[0-9]+`)
	deadline := time.Now().Add(5 * time.Second)
	for addr.FindString(out.String()) == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	base := addr.FindString(out.String())
	resp, err := http.Post(base+"/_sim/faults", "application/json", strings.NewReader(`{"app":{"error_rate":0.5}}`))
	if err != nil {
		t.Fatalf("%v (output %q)", err, out.String())
	}
	resp.Body.Close()
	resp, err = http.Get(base + "/_sim/posts")
	if err != nil {
		t.Fatal(err)
	}
	var posts struct{ Count, Duplicates int }
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if json.Unmarshal(raw, &posts) != nil || posts.Count != 0 {
		t.Fatalf("posts: %s", raw)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("tongfa sim did not stop when cancelled")
	}
}
