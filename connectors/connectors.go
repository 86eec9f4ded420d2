package connectors

import (
	"context"
	"time"

	"github.com/tongfa/tongfa"
)

// Account is what a connector needs to reach one platform account. The
// credentials are already decrypted; connectors never log them.
type Account struct {
	ID          int64
	Platform    tongfa.Platform
	Name        string
	APIBase     string            // empty: the platform's real API
	Credentials map[string]string // e.g. app_id, app_secret, access_token, hmac_secret
	Settings    map[string]string // non-secret: safe_domain, column ids, ...
}

// Post is one rendered item version for one account.
type Post struct {
	DeliveryID int64
	// Key is stable across every attempt of a delivery; platforms that
	// support it deduplicate by it, the others are verified through it.
	Key     string
	Account Account
	Payload Payload
}

// Receipt is the platform's proof that a post exists.
type Receipt struct {
	PlatformPostID string    `json:"platform_post_id"`
	URL            string    `json:"url"`
	DeliveredAt    time.Time `json:"delivered_at"`
}

// Steps holds the checkpoints of one delivery. Save persists a step in
// PostgreSQL before returning, so a retry after a crash sees every step that
// completed and skips it (e.g. an uploaded image is not uploaded again).
type Steps interface {
	Get(key string) (string, bool)
	Save(ctx context.Context, key, value string) error
}

// stepsSaver is Steps that can save several checkpoints in one write.
type stepsSaver interface {
	SaveMany(ctx context.Context, kv map[string]string) error
}

// SaveSteps saves checkpoints that belong together (an id and its URL) in
// one write when s can, one by one otherwise. kv alternates keys and
// values.
func SaveSteps(ctx context.Context, s Steps, kv ...string) error {
	if m, ok := s.(stepsSaver); ok {
		all := make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			all[kv[i]] = kv[i+1]
		}
		return m.SaveMany(ctx, all)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if err := s.Save(ctx, kv[i], kv[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// stepsNoter is Steps that can hold checkpoints until its next Save or
// the end of the attempt.
type stepsNoter interface {
	Note(kv map[string]string)
}

// NoteSteps records checkpoints whose loss after a crash costs only a
// harmless repeat (an upload, a draft) or a look on the platform (a
// receipt, which the attempt's outcome records anyway). Steps that can
// hold them write them with the next Save or the outcome, sparing a
// database write each; others save them now. kv alternates keys and
// values.
func NoteSteps(ctx context.Context, s Steps, kv ...string) error {
	if n, ok := s.(stepsNoter); ok {
		all := make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			all[kv[i]] = kv[i+1]
		}
		n.Note(all)
		return nil
	}
	return SaveSteps(ctx, s, kv...)
}

// Publisher delivers posts to one platform.
//
// Publish must be safe to call again after any failure with the same Post and
// Steps: it resumes from the saved steps. When a request may have reached the
// platform but the outcome is unknown it returns an *Error of class
// Unconfirmed; the caller then calls Verify before any further Publish.
type Publisher interface {
	Publish(ctx context.Context, p *Post, s Steps) (Receipt, error)
	// Verify looks the post up on the platform (by key, saved steps or recent
	// posts). found=false means the platform certainly does not have it.
	Verify(ctx context.Context, p *Post, s Steps) (r Receipt, found bool, err error)
	// Withdraw removes a published post (R11).
	Withdraw(ctx context.Context, p *Post, r Receipt) error
}
