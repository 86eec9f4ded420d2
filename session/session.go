// Package session keeps console sessions in Redis: 30-minute idle timeout,
// 8-hour absolute limit, no "remember me" (R10), revocable per user.
package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa/auth"
)

// ErrNoSession means the token is unknown, expired or revoked.
var ErrNoSession = errors.New("session: no such session")

// Session is a logged-in browser.
type Session struct {
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	LastSeen  time.Time
	StepUpAt  time.Time // last confirmation (password or code), for sign-off step-up
	// StepUpOTPAt is the last confirmation by a TOTP code: what a unit
	// requiring a second factor accepts.
	StepUpOTPAt time.Time
}

// Store keeps sessions under keys derived from a hash of the token, so a
// Redis dump does not hand out live sessions.
type Store struct {
	rdb  redis.UniversalClient
	Idle time.Duration
	Max  time.Duration
	Now  func() time.Time
}

// New returns a store with the given limits.
func New(rdb redis.UniversalClient, idle, max time.Duration) *Store {
	return &Store{rdb: rdb, Idle: idle, Max: max, Now: time.Now}
}

// A session's key and its user's set of sessions share the hash tag
// {user id}, so in a Redis Cluster they live in one slot and Create and
// DeleteUser touch one node. The token starts with the user id for that
// ("42.…"); the rest is secret, and only a hash of the whole is stored.
func key(token string) (string, bool) {
	uid, _, ok := strings.Cut(token, ".")
	if _, err := strconv.ParseInt(uid, 10, 64); !ok || err != nil {
		return "", false
	}
	sum := sha256.Sum256([]byte(token))
	return "tongfa:sess:{" + uid + "}:" + hex.EncodeToString(sum[:]), true
}

func userKey(id int64) string { return "tongfa:sess:user:{" + strconv.FormatInt(id, 10) + "}" }

// Create starts a session and returns its secret token.
func (s *Store) Create(ctx context.Context, userID int64) (string, *Session, error) {
	token := strconv.FormatInt(userID, 10) + "." + auth.RandomString(32)
	now := s.Now()
	sess := &Session{UserID: userID, CSRF: auth.RandomString(24), CreatedAt: now, LastSeen: now}
	k, _ := key(token)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k, "user", userID, "csrf", sess.CSRF, "created", now.UnixMilli(), "seen", now.UnixMilli(), "stepup", 0)
		p.Expire(ctx, k, s.Idle)
		p.SAdd(ctx, userKey(userID), k)
		p.Expire(ctx, userKey(userID), s.Max)
		return nil
	})
	if err != nil {
		return "", nil, fmt.Errorf("session: create: %w", err)
	}
	return token, sess, nil
}

// Get returns a live session and extends its idle deadline (never past the
// absolute limit).
func (s *Store) Get(ctx context.Context, token string) (*Session, error) {
	k, ok := key(token)
	if !ok {
		return nil, ErrNoSession
	}
	m, err := s.rdb.HGetAll(ctx, k).Result()
	if err != nil {
		return nil, fmt.Errorf("session: get: %w", err)
	}
	sess, ok := decode(m)
	if !ok {
		return nil, ErrNoSession
	}
	now := s.Now()
	if now.Sub(sess.LastSeen) > s.Idle || now.Sub(sess.CreatedAt) > s.Max {
		s.rdb.Del(ctx, k)
		return nil, ErrNoSession
	}
	ttl := min(s.Idle, sess.CreatedAt.Add(s.Max).Sub(now))
	sess.LastSeen = now
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k, "seen", now.UnixMilli())
		p.Expire(ctx, k, ttl)
		return nil
	})
	return sess, err
}

func decode(m map[string]string) (*Session, bool) {
	uid, err := strconv.ParseInt(m["user"], 10, 64)
	if err != nil || m["csrf"] == "" {
		return nil, false
	}
	ms := func(f string) time.Time {
		v, _ := strconv.ParseInt(m[f], 10, 64)
		if v == 0 {
			return time.Time{}
		}
		return time.UnixMilli(v)
	}
	return &Session{UserID: uid, CSRF: m["csrf"], CreatedAt: ms("created"), LastSeen: ms("seen"), StepUpAt: ms("stepup"),
		StepUpOTPAt: ms("stepup_otp")}, true
}

// MarkStepUp records that the user just confirmed their identity again:
// with their password, or with a TOTP code (otp).
func (s *Store) MarkStepUp(ctx context.Context, token string, otp bool) error {
	k, ok := key(token)
	if !ok {
		return ErrNoSession
	}
	now := s.Now().UnixMilli()
	if otp {
		return s.rdb.HSet(ctx, k, "stepup", now, "stepup_otp", now).Err()
	}
	return s.rdb.HSet(ctx, k, "stepup", now).Err()
}

// Delete ends one session (logout).
func (s *Store) Delete(ctx context.Context, token string) error {
	k, ok := key(token)
	if !ok {
		return nil // no such session to end
	}
	return s.rdb.Del(ctx, k).Err()
}

// DeleteUser ends every session of a user (disable, password change, R10).
func (s *Store) DeleteUser(ctx context.Context, userID int64) (int, error) {
	keys, err := s.rdb.SMembers(ctx, userKey(userID)).Result()
	if err != nil {
		return 0, fmt.Errorf("session: list sessions of user %d: %w", userID, err)
	}
	keys = append(keys, userKey(userID))
	n, err := s.rdb.Del(ctx, keys...).Result()
	if err != nil {
		return 0, fmt.Errorf("session: revoke sessions of user %d: %w", userID, err)
	}
	return int(n) - 1, nil
}
