package connectors

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Comment is something the public wrote to an account — a comment on a
// post, a message, or (website) an error report — as a platform lists it
// for polling.
type Comment struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"` // comment, message or error_report
	PostID    string    `json:"post_id"`
	User      string    `json:"user"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// Comments lists what arrived after the cursor since ("" from the start),
// oldest first, at most limit, and returns the cursor to ask from next.
// A failed page is asked again in place (a read changes nothing).
func (k *KeyedAPI) Comments(ctx context.Context, acc Account, since string, limit int) ([]Comment, string, error) {
	if since == "" {
		since = "0"
	}
	// sent_at lets the app check the request is fresh (it is signed).
	q := url.Values{"since_id": {since}, "limit": {strconv.Itoa(limit)}, "sent_at": {strconv.FormatInt(k.now().Unix(), 10)}}
	var out struct {
		Comments []Comment `json:"comments"`
		Next     string    `json:"next_since_id"`
	}
	err := Reread(ctx, func() error {
		return k.call(ctx, http.MethodGet, acc, k.commentsPath()+"?"+q.Encode(), "", nil, &out)
	})
	if err != nil {
		return nil, since, err
	}
	if out.Next == "" {
		out.Next = since
	}
	return out.Comments, out.Next, nil
}

func (k *KeyedAPI) commentsPath() string {
	if k.CommentsPath != "" {
		return k.CommentsPath
	}
	return "/comments"
}

// Answer is a reply to one message from the public, as a connector sends
// it.
type Answer struct {
	// Key is stable across every attempt of one answer; platforms that
	// support it deduplicate by it.
	Key    string
	Kind   string // of the message answered: comment, message or error_report
	Target string // the message's platform id
	PostID string // the post commented on, if any
	User   string // the author's platform id (a WeChat openid for messages)
	Text   string
}

// Replier answers the public on one platform.
//
// Reply must be safe to call again after any failure that is not
// Unconfirmed. When a reply may have reached the platform but the outcome
// is unknown it returns an *Error of class Unconfirmed; the caller then
// calls FindReply before any further Reply.
type Replier interface {
	Reply(ctx context.Context, acc Account, a *Answer) (replyID string, err error)
	// FindReply looks for a on the platform. found=false means the
	// platform certainly does not have it, or that a resend is harmless
	// because the platform deduplicates by key. ErrNoLookup means the
	// platform cannot be asked: a person has to check.
	FindReply(ctx context.Context, acc Account, a *Answer) (replyID string, found bool, err error)
}

// ErrNoLookup is FindReply's answer where the platform offers no way to
// see what was sent (WeChat customer-service messages).
var ErrNoLookup = errors.New("connectors: the platform cannot be asked whether the reply arrived")

// Reply posts an answer to an app or website message: the platform
// deduplicates by the idempotency key, so a repeat is harmless.
func (k *KeyedAPI) Reply(ctx context.Context, acc Account, a *Answer) (string, error) {
	body, _ := json.Marshal(map[string]any{"key": a.Key, "text": a.Text, "sent_at": k.now().Unix()})
	var out struct {
		ID string `json:"id"`
	}
	path := k.commentsPath() + "/" + url.PathEscape(a.Target) + "/replies"
	if err := k.call(ctx, http.MethodPost, acc, path, a.Key, body, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		out.ID = a.Key
	}
	return out.ID, nil
}

// FindReply reports nothing found: a resend with the same key is
// answered with the reply that exists.
func (k *KeyedAPI) FindReply(context.Context, Account, *Answer) (string, bool, error) {
	return "", false, nil
}
