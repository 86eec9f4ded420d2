package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
)

func TestHasherBoundsConcurrentHashes(t *testing.T) {
	const slots, callers = 3, 64
	h := NewHasher(slots)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			err := h.do(context.Background(), func() {
				n := running.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				time.Sleep(2 * time.Millisecond)
				running.Add(-1)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != slots {
		t.Fatalf("peak %d hashes at once, want exactly %d", p, slots)
	}
}

func TestHasherChecksPasswordsUnderLoad(t *testing.T) {
	hash, _ := HashPassword("Correct-Horse-9", TestParams)
	h := NewHasher(2)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			pw := "Correct-Horse-9"
			if i%2 == 1 {
				pw = "wrong"
			}
			ok, err := h.Check(context.Background(), hash, pw)
			if err != nil || ok != (i%2 == 0) {
				t.Errorf("caller %d: ok=%v err=%v", i, ok, err)
			}
		})
	}
	wg.Wait()
}

func TestCancelledWaiterReturnsPromptly(t *testing.T) {
	h := NewHasher(1)
	release := make(chan struct{})
	started := make(chan struct{})
	go h.do(context.Background(), func() { close(started); <-release }) //nolint:errcheck
	<-started
	defer close(release)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	begin := time.Now()
	ok, err := h.Check(ctx, "unused", "pw")
	if ok || !errors.Is(err, ErrPasswordWait) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ok=%v err=%v, want ErrPasswordWait wrapping the deadline", ok, err)
	}
	if tongfa.ErrorCode(err) != tongfa.EUnavailable {
		t.Fatalf("code %q, want %q", tongfa.ErrorCode(err), tongfa.EUnavailable)
	}
	if d := time.Since(begin); d > 500*time.Millisecond {
		t.Fatalf("gave up after %s", d)
	}
}

func TestEndedContextStartsNoHash(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := NewHasher(4).do(ctx, func() { ran = true }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("err=%v ran=%v", err, ran)
	}
}

func TestDefaultSlotsFitTheMachine(t *testing.T) {
	if n := DefaultSlots(); n < 1 || n > 16 {
		t.Fatalf("DefaultSlots() = %d", n)
	}
}

func TestDummyHashIsLazyAndStable(t *testing.T) {
	a, b := dummyHash(), dummyHash()
	if a != b || CheckPassword(a, "tongfa-dummy-password") {
		t.Fatal("dummy hash must be made once and match no password")
	}
}
