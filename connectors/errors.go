package connectors

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Class tells the queue what to do with a failed platform call.
type Class int

const (
	// Retryable: network errors, 5xx, busy codes. Retry with backoff.
	Retryable Class = iota + 1
	// RateLimited: the platform asked us to slow down. Retry after
	// RetryAfter without counting it as a failure.
	RateLimited
	// Token: the access token expired or was revoked. Refresh, retry at once.
	Token
	// Permanent: the platform rejected the content or request; never retry.
	Permanent
	// Unconfirmed: the request may have been applied. Verify, never resend
	// blindly.
	Unconfirmed
)

func (c Class) String() string {
	switch c {
	case Retryable:
		return "retryable"
	case RateLimited:
		return "rate_limited"
	case Token:
		return "token"
	case Permanent:
		return "permanent"
	case Unconfirmed:
		return "unconfirmed"
	}
	return "unknown"
}

// Error is a classified platform failure. Message is in Chinese and safe to
// show an operator; Code is the platform's own code (e.g. "45009").
type Error struct {
	Class      Class
	Platform   string
	Code       string
	Message    string
	RetryAfter time.Duration
	Err        error
	bare       bool // an HTTP status without the platform's own error body
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s error %s: %s", e.Platform, e.Class, e.Code, e.Message)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ClassOf returns the class of err; unclassified errors are Retryable.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return Retryable
}

// rereads is how often Reread asks a read before it gives the error back
// to the queue.
const rereads = 4

// Reread runs a read-only platform call up to rereads times while it
// fails transiently. Reads are safe to repeat, and a verification that
// walks many pages would otherwise rarely finish on a flaky platform. A
// rate limit pauses for at most a second: a few extra reads cost less than
// sending the whole verification back to the queue.
func Reread(ctx context.Context, read func() error) error {
	var err error
	for range rereads {
		if err = read(); err == nil {
			return nil
		}
		var ce *Error
		switch c := ClassOf(err); {
		case c == RateLimited && errors.As(err, &ce):
			if !sleep(ctx, min(ce.RetryAfter, time.Second)) {
				return err
			}
		case c != Retryable && c != Unconfirmed && c != Token:
			return err
		}
	}
	return err
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}
