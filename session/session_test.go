package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tongfa/tongfa/redisconn/redistest"
)

const testDB = 4

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func setup(t *testing.T) (*Store, *clock) {
	c := &clock{t: time.Now()}
	s := New(redistest.New(t, testDB), 30*time.Minute, 8*time.Hour)
	s.Now = c.now
	return s, c
}

func TestIdleExpiry(t *testing.T) {
	s, c := setup(t)
	ctx := context.Background()
	tok, _, err := s.Create(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(29 * time.Minute)
	if _, err := s.Get(ctx, tok); err != nil {
		t.Fatalf("active within idle window: %v", err)
	}
	c.t = c.t.Add(29 * time.Minute) // 29 min since last use: still fine
	if _, err := s.Get(ctx, tok); err != nil {
		t.Fatalf("use extends idle window: %v", err)
	}
	c.t = c.t.Add(31 * time.Minute)
	if _, err := s.Get(ctx, tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after 31 idle minutes: %v, want ErrNoSession", err)
	}
}

func TestAbsoluteLimit(t *testing.T) {
	s, c := setup(t)
	ctx := context.Background()
	tok, _, _ := s.Create(ctx, 7)
	for range 17 { // keep it busy every 29 minutes for 8h13m
		c.t = c.t.Add(29 * time.Minute)
		s.Get(ctx, tok)
	}
	if _, err := s.Get(ctx, tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after 8h: %v, want ErrNoSession", err)
	}
}

func TestRevocation(t *testing.T) {
	s, _ := setup(t)
	ctx := context.Background()
	a, _, _ := s.Create(ctx, 1)
	b, _, _ := s.Create(ctx, 1)
	other, _, _ := s.Create(ctx, 2)
	if err := s.Delete(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, a); !errors.Is(err, ErrNoSession) {
		t.Fatal("logged-out session still valid")
	}
	if n, err := s.DeleteUser(ctx, 1); err != nil || n != 1 {
		t.Fatalf("DeleteUser: %d, %v", n, err)
	}
	if _, err := s.Get(ctx, b); !errors.Is(err, ErrNoSession) {
		t.Fatal("revoked user's session still valid")
	}
	if _, err := s.Get(ctx, other); err != nil {
		t.Fatal("another user's session was revoked")
	}
}

func TestStepUp(t *testing.T) {
	s, c := setup(t)
	ctx := context.Background()
	tok, _, _ := s.Create(ctx, 1)
	sess, _ := s.Get(ctx, tok)
	if !sess.StepUpAt.IsZero() {
		t.Fatal("fresh session has step-up")
	}
	s.MarkStepUp(ctx, tok, false)
	sess, _ = s.Get(ctx, tok)
	if sess.StepUpAt.UnixMilli() != c.t.UnixMilli() || !sess.StepUpOTPAt.IsZero() {
		t.Fatalf("step-up at %v (by code %v), want %v by password", sess.StepUpAt, sess.StepUpOTPAt, c.t)
	}
	s.MarkStepUp(ctx, tok, true)
	if sess, _ = s.Get(ctx, tok); sess.StepUpOTPAt.UnixMilli() != c.t.UnixMilli() {
		t.Fatalf("step-up by code at %v, want %v", sess.StepUpOTPAt, c.t)
	}
}
