// Package connectortest is the suite every connector must pass, run against
// the connector's simulator over real HTTP.
package connectortest

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"unicode"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
)

// Harness is one connector wired to a simulator.
type Harness struct {
	Publisher connectors.Publisher
	Sim       *sim.Server
	Server    *httptest.Server
	Platform  string // "wechat", "weibo", "app", "website" or "douyin"
	// Post returns a post for the account; keys and texts differ between
	// calls.
	Post func(title string) *connectors.Post
	// Steps are the simulator endpoints a publish calls, in order; each is
	// failed in turn to check that a retry resumes after it.
	Steps []string
	// Repeats are endpoints a publish may call more than once (polling).
	Repeats map[string]bool
	// CreateEndpoint is the step that makes the post visible.
	CreateEndpoint string
	// Rejected returns a post the platform refuses for good.
	Rejected func() *connectors.Post
	// Tokens: the platform's access tokens expire.
	Tokens bool
	// KeyDedup: the platform deduplicates by Post.Key, so a publish with
	// fresh steps still makes no second post.
	KeyDedup bool
}

// Steps is an in-memory connectors.Steps.
type Steps struct {
	mu sync.Mutex
	m  map[string]string
}

// NewSteps returns empty steps.
func NewSteps() *Steps { return &Steps{m: map[string]string{}} }

// Get implements connectors.Steps.
func (s *Steps) Get(k string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok
}

// Save implements connectors.Steps.
func (s *Steps) Save(_ context.Context, k, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
	return nil
}

// Len is the number of saved steps.
func (s *Steps) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// SetFaults sets faults on the harness's platform only.
func (h *Harness) SetFaults(f sim.PlatformFaults) {
	var all sim.Faults
	switch h.Platform {
	case "wechat":
		all.WeChat = f
	case "weibo":
		all.Weibo = f
	case "app":
		all.App = f
	case "douyin":
		all.Douyin = f
	default:
		all.Website = f
	}
	h.Sim.SetFaults(all)
}

// EndpointFault sets f on one endpoint of the platform.
func (h *Harness) EndpointFault(endpoint string, f sim.Fault) {
	h.SetFaults(sim.PlatformFaults{Endpoints: map[string]sim.Fault{endpoint: f}})
}

// posts counts live posts on the platform and their duplicates.
func (h *Harness) posts() (n, dup int) {
	for _, p := range h.Sim.Posts() {
		if p.Platform == h.Platform && !p.Deleted {
			n++
			dup += p.Duplicates
		}
	}
	return n, dup
}

// WantPosts fails unless the platform has n live posts and no duplicate.
func (h *Harness) WantPosts(t *testing.T, n int) {
	t.Helper()
	if got, dup := h.posts(); got != n || dup != 0 {
		t.Fatalf("simulator has %d posts (%d duplicates), want %d and none", got, dup, n)
	}
}

// Deliver drives a post the way the worker does after an attempt that
// ended with err: Publish, but after an Unconfirmed outcome Verify before
// publishing again; retryable outcomes are retried at once.
func (h *Harness) Deliver(ctx context.Context, t *testing.T, p *connectors.Post, s connectors.Steps, err error) connectors.Receipt {
	t.Helper()
	verify := connectors.ClassOf(err) == connectors.Unconfirmed
	for range 20 {
		if verify {
			r, found, err := h.Publisher.Verify(ctx, p, s)
			switch {
			case err == nil && found:
				return r
			case err == nil:
				verify = false
			case !transient(err):
				t.Fatalf("verify: %v", err)
			}
			continue
		}
		r, err := h.Publisher.Publish(ctx, p, s)
		switch {
		case err == nil:
			return r
		case connectors.ClassOf(err) == connectors.Unconfirmed:
			verify = true
		case !transient(err):
			t.Fatalf("publish: %v", err)
		}
	}
	t.Fatal("not delivered after 20 rounds")
	return connectors.Receipt{}
}

func transient(err error) bool {
	switch connectors.ClassOf(err) {
	case connectors.Retryable, connectors.RateLimited, connectors.Token:
		return true
	}
	return false
}

// WantClass fails unless err is a connectors.Error of class want with an
// operator message in Chinese.
func WantClass(t *testing.T, err error, want connectors.Class) *connectors.Error {
	t.Helper()
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Class != want {
		t.Fatalf("error %v (class %v), want class %v", err, connectors.ClassOf(err), want)
	}
	if !hasHan(ce.Message) {
		t.Fatalf("error without a Chinese operator message: %v", err)
	}
	return ce
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// Exercise runs the suite; newHarness is called once per case.
func Exercise(t *testing.T, newHarness func(t *testing.T) *Harness) {
	ctx := context.Background()
	n := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			c.run(ctx, t, h, func() *connectors.Post {
				n++
				return h.Post(fmt.Sprintf("关于第%d批政务公开事项的公告", n))
			})
		})
	}
}

// Keyed builds the harness of a platform that deduplicates by key (the app
// and the website): the connector under test, the simulator path it talks
// to, the create endpoint, and credentials that work and that the platform
// refuses.
func Keyed(t *testing.T, pub connectors.Publisher, platform tongfa.Platform, path, endpoint string, good, bad map[string]string) *Harness {
	s := sim.New(1)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	acc := connectors.Account{ID: 1, Platform: platform, APIBase: ts.URL + path, Credentials: good}
	n := 0
	post := func(a connectors.Account, title string) *connectors.Post {
		n++
		return &connectors.Post{DeliveryID: int64(n), Key: fmt.Sprintf("tongfa-d%d", n), Account: a,
			Payload: connectors.Payload{Title: title, HTML: "<p>正文</p>", Column: "news", DeepLink: "tongfa://item/1"}}
	}
	return &Harness{Publisher: pub, Sim: s, Server: ts, Platform: string(platform), CreateEndpoint: endpoint,
		Steps: []string{endpoint}, KeyDedup: true,
		Post: func(title string) *connectors.Post { return post(acc, title) },
		Rejected: func() *connectors.Post {
			wrong := acc
			wrong.Credentials = bad
			return post(wrong, "凭据错误的稿件")
		}}
}
