package douyin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/sim"
)

// The kill test's video: killParts parts of killChunk bytes.
const (
	killChunk = 8 << 10
	killParts = 24
	maxKills  = 4
	// uploaderEnv, set to "<simulator URL>|<steps file>", makes the test
	// binary an uploader process instead of running tests.
	uploaderEnv = "TONGFA_DOUYIN_UPLOADER"
)

// TestMain lets the test binary stand in for a worker uploading one
// video: the kill test starts it as a separate process and kills it with
// SIGKILL.
func TestMain(m *testing.M) {
	if spec := os.Getenv(uploaderEnv); spec != "" {
		os.Exit(uploader(spec))
	}
	os.Exit(m.Run())
}

// fileSteps are steps kept in a file, rewritten whole on each Save: a
// killed process loses nothing it saved.
type fileSteps struct {
	path string
	m    map[string]string
}

func openFileSteps(path string) (*fileSteps, error) {
	s := &fileSteps{path: path, m: map[string]string{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	return s, json.Unmarshal(b, &s.m)
}

func (s *fileSteps) Get(k string) (string, bool) {
	v, ok := s.m[k]
	return v, ok
}

func (s *fileSteps) Save(_ context.Context, k, v string) error {
	s.m[k] = v
	b, _ := json.Marshal(s.m)
	if err := os.WriteFile(s.path+".tmp", b, 0o600); err != nil {
		return err
	}
	return os.Rename(s.path+".tmp", s.path)
}

// killPost is the one post every uploader process delivers.
func killPost(base string) *connectors.Post {
	acc := connectors.Account{ID: 1, Platform: tongfa.PlatformDouyin, APIBase: base + "/douyin",
		Credentials: map[string]string{"access_token": "act.ou-kill", "refresh_token": "rft.ou-kill", "open_id": "ou-kill", "client_key": "awk"}}
	return &connectors.Post{DeliveryID: 1, Key: "tongfa-d1", Account: acc,
		Payload: connectors.Payload{Title: "断点续传", Text: "【断点续传】进程被杀后从最后确认的分片继续", Video: "kill-video"}}
}

// uploader delivers killPost as a worker does, taking over from the
// steps a killed predecessor saved: with "sent" saved, it verifies first.
func uploader(spec string) int {
	base, path, _ := strings.Cut(spec, "|")
	s, err := openFileSteps(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	src := douyin.Bytes{"kill-video": video(3, killParts*killChunk)}
	c := douyin.New(connectors.NewHTTPClient(5*time.Second), nil, src, nil, douyin.Options{ChunkAbove: killChunk, ChunkSize: killChunk})
	ctx, p := context.Background(), killPost(base)
	_, verify := s.Get(douyin.StepSent)
	for range 50 {
		if verify {
			r, found, err := c.Verify(ctx, p, s)
			if err == nil && found {
				fmt.Println(r.PlatformPostID)
				return 0
			}
			verify = err != nil
			continue
		}
		r, err := c.Publish(ctx, p, s)
		if err == nil {
			fmt.Println(r.PlatformPostID)
			return 0
		}
		verify = connectors.ClassOf(err) == connectors.Unconfirmed
		time.Sleep(10 * time.Millisecond)
	}
	return 1
}

// received counts the parts the simulator received, repeats included.
func received(s *sim.Server) int {
	n := 0
	for _, u := range s.DouyinUploads() {
		for _, c := range u.Received {
			n += c
		}
	}
	return n
}

// TestKilledUploadResumes: an upload whose process is SIGKILLed at random
// parts completes, each part sent at most once more than needed, as
// exactly one post.
func TestKilledUploadResumes(t *testing.T) {
	s := sim.NewWith(sim.Options{Seed: 1, Douyin: sim.DouyinOptions{PartMin: killChunk, PartMax: killChunk}})
	// Slow parts, so a kill lands mid-upload: before, during or after a
	// part is applied.
	s.SetFaults(sim.Faults{Douyin: sim.PlatformFaults{Endpoints: map[string]sim.Fault{"upload_video_part/": {LatencyMS: 15}}}})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	spec := uploaderEnv + "=" + ts.URL + "|" + filepath.Join(t.TempDir(), "steps.json")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 0
	for {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		var out bytes.Buffer
		cmd.Env, cmd.Stdout, cmd.Stderr = append(os.Environ(), spec), &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if kills < maxKills {
			target := min(received(s)+1+rng.IntN(killParts/maxKills), killParts)
			if killAt(s, cmd, target, time.Duration(rng.IntN(20))*time.Millisecond, done) {
				kills++
				continue
			}
		}
		if err := <-done; err != nil {
			t.Fatalf("uploader after %d kills: %v\n%s", kills, err, out.String())
		}
		break
	}
	checkKilledUpload(t, s, kills)
}

// killAt SIGKILLs cmd once the simulator has received target parts (after
// a further pause), unless it exits first; it reports whether it killed.
func killAt(s *sim.Server, cmd *exec.Cmd, target int, pause time.Duration, done chan error) bool {
	deadline := time.After(30 * time.Second)
	for received(s) < target {
		select {
		case err := <-done:
			done <- err // the caller reads the outcome
			return false
		case <-deadline:
			return false
		case <-time.After(time.Millisecond):
		}
	}
	time.Sleep(pause)
	cmd.Process.Signal(syscall.SIGKILL) //nolint:errcheck // it may have exited meanwhile
	<-done
	return true
}

func checkKilledUpload(t *testing.T, s *sim.Server, kills int) {
	t.Helper()
	if kills == 0 {
		t.Fatal("the uploader was never killed")
	}
	if posts := s.Posts(); len(posts) != 1 || posts[0].Duplicates != 0 {
		t.Fatalf("after %d kills: posts %+v", kills, posts)
	}
	ups := s.DouyinUploads()
	if len(ups) != 1 || !ups[0].Completed || len(ups[0].Received) != killParts {
		t.Fatalf("uploads %+v", ups)
	}
	extra := 0
	for n, c := range ups[0].Received {
		if c > 2 {
			t.Errorf("part %d sent %d times", n, c)
		}
		extra += c - 1
	}
	if extra > kills {
		t.Errorf("%d parts sent again after %d kills", extra, kills)
	}
	t.Logf("%d kills, %d parts sent again", kills, extra)
}
