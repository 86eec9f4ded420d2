package connectortest

import (
	"context"
	"testing"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
)

type testCase struct {
	name string
	run  func(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post)
}

var cases = []testCase{
	{"publishes exactly once", publishOnce},
	{"same key with fresh steps makes no second post", sameKeyFreshSteps},
	{"resumes after each step", resumeEachStep},
	{"lost response (reset) is verified, not resent", lostResponse("reset")},
	{"lost response (timeout) is verified, not resent", lostResponse("timeout")},
	{"lost response (502) is verified, not resent", lostResponse("502")},
	{"verify finds nothing that was never sent", verifyNothing},
	{"server errors are retryable", serverErrors},
	{"rate limits say when to come back", rateLimits},
	{"expired tokens are refreshed", expiredTokens},
	{"permanent rejections say why in Chinese", permanent},
	{"withdraw removes the post", withdraw},
}

func publishOnce(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	p, s := newPost(), NewSteps()
	r, err := h.Publisher.Publish(ctx, p, s)
	if err != nil || r.PlatformPostID == "" || r.URL == "" {
		t.Fatalf("publish: %+v %v", r, err)
	}
	again, err := h.Publisher.Publish(ctx, p, s)
	if err != nil || again.PlatformPostID != r.PlatformPostID {
		t.Fatalf("second publish with the same steps: %+v %v", again, err)
	}
	v, found, err := h.Publisher.Verify(ctx, p, s)
	if err != nil || !found || v.PlatformPostID != r.PlatformPostID {
		t.Fatalf("verify of a published post: %+v %v %v", v, found, err)
	}
	h.WantPosts(t, 1)
}

func sameKeyFreshSteps(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	if !h.KeyDedup {
		t.Skip("the platform has no idempotency key; steps carry the state")
	}
	p := newPost()
	a, err1 := h.Publisher.Publish(ctx, p, NewSteps())
	b, err2 := h.Publisher.Publish(ctx, p, NewSteps())
	if err1 != nil || err2 != nil || a.PlatformPostID != b.PlatformPostID {
		t.Fatalf("%+v %v / %+v %v", a, err1, b, err2)
	}
	h.WantPosts(t, 1)
}

// resumeEachStep fails each step once: the retry must not redo the steps
// before it, and must end with exactly one more post.
func resumeEachStep(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	for i, step := range h.Steps {
		calls := h.Sim.AllCalls()
		p, s := newPost(), NewSteps()
		h.EndpointFault(step, sim.Fault{ErrorRate: 1})
		_, err := h.Publisher.Publish(ctx, p, s)
		if c := connectors.ClassOf(err); err == nil || (c != connectors.Retryable && c != connectors.Unconfirmed) {
			t.Fatalf("step %s failing: %v (class %v)", step, err, c)
		}
		before := s.Len()
		h.Sim.SetFaults(sim.Faults{})
		h.Deliver(ctx, t, p, s, err)
		if s.Len() < before {
			t.Fatalf("checkpoints lost: %d → %d", before, s.Len())
		}
		for _, done := range h.Steps[:i] {
			if n := h.Sim.Calls(h.Platform, done) - calls[h.Platform+" "+done]; n != 1 && !h.Repeats[done] {
				t.Errorf("after %s failed, %s was called %d times; want it resumed, not redone", step, done, n)
			}
		}
		h.WantPosts(t, i+1)
	}
}

func lostResponse(mode string) func(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	return func(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
		p, s := newPost(), NewSteps()
		h.EndpointFault(h.CreateEndpoint, sim.Fault{LostRate: 1, LostMode: mode})
		_, err := h.Publisher.Publish(ctx, p, s)
		if !(h.KeyDedup && mode == "502") { // a key makes a gateway error safe to retry
			WantClass(t, err, connectors.Unconfirmed)
		} else if err == nil {
			t.Fatal("a lost answer came back as success")
		}
		h.WantPosts(t, 1) // it was stored
		h.Sim.SetFaults(sim.Faults{})
		if r := h.Deliver(ctx, t, p, s, err); r.PlatformPostID == "" {
			t.Fatalf("receipt without an id: %+v", r)
		}
		h.WantPosts(t, 1)
	}
}

func verifyNothing(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	if _, found, err := h.Publisher.Verify(ctx, newPost(), NewSteps()); err != nil || found {
		t.Fatalf("found=%v err=%v", found, err)
	}
}

func serverErrors(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	h.SetFaults(sim.PlatformFaults{Fault: sim.Fault{Down: true}})
	_, err := h.Publisher.Publish(ctx, newPost(), NewSteps())
	WantClass(t, err, connectors.Retryable)
	h.WantPosts(t, 0)
}

func rateLimits(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	h.EndpointFault(h.CreateEndpoint, sim.Fault{RateLimitRate: 1})
	p, s := newPost(), NewSteps()
	_, err := h.Publisher.Publish(ctx, p, s)
	if ce := WantClass(t, err, connectors.RateLimited); ce.RetryAfter <= 0 {
		t.Fatalf("no RetryAfter: %+v", ce)
	}
	h.WantPosts(t, 0)
	h.Sim.SetFaults(sim.Faults{})
	h.Deliver(ctx, t, p, s, err)
	h.WantPosts(t, 1)
}

func expiredTokens(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	if !h.Tokens {
		t.Skip("the platform has no expiring tokens")
	}
	if _, err := h.Publisher.Publish(ctx, newPost(), NewSteps()); err != nil {
		t.Fatal(err)
	}
	h.SetFaults(sim.PlatformFaults{ExpireTokens: true})
	if _, err := h.Publisher.Publish(ctx, newPost(), NewSteps()); err != nil {
		t.Fatalf("after token expiry: %v", err)
	}
	h.WantPosts(t, 2)
}

func permanent(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	_, err := h.Publisher.Publish(ctx, h.Rejected(), NewSteps())
	WantClass(t, err, connectors.Permanent)
	h.WantPosts(t, 0)
}

func withdraw(ctx context.Context, t *testing.T, h *Harness, newPost func() *connectors.Post) {
	p := newPost()
	r, err := h.Publisher.Publish(ctx, p, NewSteps())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Publisher.Withdraw(ctx, p, r); err != nil {
		t.Fatalf("withdraw: %v", err)
	}
	h.WantPosts(t, 0)
	if err := h.Publisher.Withdraw(ctx, p, r); err != nil {
		t.Fatalf("withdrawing twice: %v", err)
	}
}
