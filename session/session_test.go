package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa/redisconn/redistest"
)

const testDB = 4

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// clusterPort is the first port of the Redis Cluster TestOnCluster starts
// (docs/testing.md).
const clusterPort = 7140

func setup(t *testing.T) (*Store, *clock) { return setupOn(redistest.New(t, testDB)) }

func setupOn(rdb redis.UniversalClient) (*Store, *clock) {
	c := &clock{t: time.Now()}
	s := New(rdb, 30*time.Minute, 8*time.Hour)
	s.Now = c.now
	return s, c
}

// scenarios run on one Redis server and on a cluster, where a session
// and its user's set must share a slot for Create and DeleteUser.
var scenarios = map[string]func(*testing.T, *Store, *clock){
	"idle expiry": idleExpiry, "absolute limit": absoluteLimit, "revocation": revocation, "step-up": stepUp,
	"foreign token": foreignToken,
}

func TestIdleExpiry(t *testing.T)    { s, c := setup(t); idleExpiry(t, s, c) }
func TestAbsoluteLimit(t *testing.T) { s, c := setup(t); absoluteLimit(t, s, c) }
func TestRevocation(t *testing.T)    { s, c := setup(t); revocation(t, s, c) }
func TestStepUp(t *testing.T)        { s, c := setup(t); stepUp(t, s, c) }
func TestForeignToken(t *testing.T)  { s, c := setup(t); foreignToken(t, s, c) }

func TestOnCluster(t *testing.T) {
	rdb := redistest.Cluster(t, clusterPort).Client(t)
	for name, scenario := range scenarios {
		t.Run(name, func(t *testing.T) {
			if err := redistest.FlushAll(context.Background(), rdb); err != nil {
				t.Fatal(err)
			}
			s, c := setupOn(rdb)
			scenario(t, s, c)
		})
	}
}

// foreignToken: a token that names no user (or one from before sessions
// were keyed by user) is no session, and ending it is no error.
func foreignToken(t *testing.T, s *Store, _ *clock) {
	ctx := context.Background()
	for _, tok := range []string{"", "abc", ".x", "x.y"} {
		if _, err := s.Get(ctx, tok); !errors.Is(err, ErrNoSession) {
			t.Errorf("Get(%q): %v", tok, err)
		}
		if err := s.Delete(ctx, tok); err != nil {
			t.Errorf("Delete(%q): %v", tok, err)
		}
	}
}

func idleExpiry(t *testing.T, s *Store, c *clock) {
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

func absoluteLimit(t *testing.T, s *Store, c *clock) {
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

func revocation(t *testing.T, s *Store, _ *clock) {
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

func stepUp(t *testing.T, s *Store, c *clock) {
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
