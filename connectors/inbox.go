package connectors

import (
	"context"
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
	q := url.Values{"since_id": {since}, "limit": {strconv.Itoa(limit)}, "sent_at": {strconv.FormatInt(time.Now().Unix(), 10)}}
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
