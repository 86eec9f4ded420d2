package auth

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/tongfa/tongfa"
)

// ErrPasswordWait means a caller gave up (its context ended) while waiting
// for a turn to check a password. It is not a wrong password: nothing was
// checked, and it must not count toward a lockout.
var ErrPasswordWait = &tongfa.Error{Code: tongfa.EUnavailable, Message: "登录请求过多，请稍后再试"}

// Hasher bounds how many password hashes run at once. Each argon2id run
// with DefaultParams holds 64 MiB, so unbounded parallel logins (anonymous
// requests) grow the heap without limit: 32 at once took a hub from 172 MiB
// to 2.1 GiB. Waiting callers queue for a slot and may give up through
// their context.
type Hasher struct {
	slots chan struct{}
}

// NewHasher returns a hasher running at most n hashes at once (at least 1).
func NewHasher(n int) *Hasher {
	return &Hasher{slots: make(chan struct{}, max(1, n))}
}

// Slots is how many hashes h runs at once.
func (h *Hasher) Slots() int { return cap(h.slots) }

// defaultBudget is the memory hashing may hold when no GOMEMLIMIT says
// how much the process may use.
const defaultBudget = 1 << 30

// DefaultSlots sizes the shared hasher to the machine: no more hashes than
// CPUs (more would only queue inside the scheduler while holding memory),
// and no more than fit in the memory budget — half of GOMEMLIMIT when it is
// set, 1 GiB otherwise.
func DefaultSlots() int {
	budget := int64(defaultBudget)
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		budget = limit / 2
	}
	perHash := int64(DefaultParams.Memory) << 10
	return max(1, min(runtime.GOMAXPROCS(0), int(budget/perHash)))
}

// defaultHasher is shared by every caller in the process, so the bound
// holds across the login and step-up paths together.
var defaultHasher = sync.OnceValue(func() *Hasher { return NewHasher(DefaultSlots()) })

// CheckPasswordContext is CheckPassword under the process-wide bound. It
// returns an error wrapping ErrPasswordWait and the context's cause when
// ctx ends before a slot frees up.
func CheckPasswordContext(ctx context.Context, hash, pw string) (bool, error) {
	return defaultHasher().Check(ctx, hash, pw)
}

// BurnPasswordCheckContext spends one password check's time and memory
// under the process-wide bound, like a check for a user who exists.
func BurnPasswordCheckContext(ctx context.Context, pw string) error {
	_, err := defaultHasher().Check(ctx, dummyHash(), pw)
	return err
}

// Check reports whether pw matches hash once a slot is free.
func (h *Hasher) Check(ctx context.Context, hash, pw string) (bool, error) {
	var ok bool
	err := h.do(ctx, func() { ok = CheckPassword(hash, pw) })
	return ok, err
}

// do runs fn in a slot. A context that has already ended wins over a free
// slot, so a caller that gave up never starts a hash.
func (h *Hasher) do(ctx context.Context, fn func()) error {
	if ctx.Err() == nil {
		select {
		case h.slots <- struct{}{}:
			defer func() { <-h.slots }()
			fn()
			// argon2id allocated its 64 MiB and dropped it. Left to GOGC,
			// the heap grows to twice what the hashes in flight hold before
			// a collection (a 64-login storm took the hub to 475 MB);
			// collecting now lets the next hash reuse the same memory. A
			// cycle over the hub's small live heap costs a few
			// milliseconds, against about a hundred for the hash.
			runtime.GC()
			return nil
		case <-ctx.Done():
		}
	}
	return fmt.Errorf("auth: waiting to check a password: %w: %w", ErrPasswordWait, context.Cause(ctx))
}
