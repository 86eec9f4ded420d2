package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// Inbound is a comment or message from the public, raised on a platform
// for Tongfa to take in: pushed to the configured callback when there is
// one, and listed by the platform's polling API.
type Inbound struct {
	ID       int64  `json:"id"`
	Platform string `json:"platform"`
	// Kind is "comment" (on a post), "message" (WeChat: a message to the
	// account) or "error_report" (website: 我为政府网站找错).
	Kind string `json:"kind"`
	// Account is the WeChat app id for messages; for comments it follows
	// from the post.
	Account string `json:"account,omitempty"`
	// PostID is the post commented on: WeChat msg_data_id (the
	// publish_id), Weibo status id, Douyin item_id, app or website post id.
	PostID string    `json:"post_id,omitempty"`
	User   string    `json:"user"` // WeChat openid, Weibo screen name, Douyin nickname, app user id
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
	// Pushed is the HTTP status the callback answered (0: no callback);
	// PushError says why a push failed.
	Pushed    int    `json:"pushed,omitempty"`
	PushError string `json:"push_error,omitempty"`
	replied   bool
}

// Reply is an answer the platform received, counted like posts: a
// duplicate is the same answer to the same comment or user again.
type Reply struct {
	Platform   string    `json:"platform"`
	Account    string    `json:"account"`
	Target     string    `json:"target"` // comment id, or the openid of a customer-service message
	Text       string    `json:"text"`
	At         time.Time `json:"at"`
	Received   int       `json:"received"`
	Duplicates int       `json:"duplicates"`
}

// Callbacks are where the simulator pushes inbound items.
type Callbacks struct {
	WeChat  map[string]WeChatCallback `json:"wechat,omitempty"` // by app id
	App     *WebhookCallback          `json:"app,omitempty"`
	Website *WebhookCallback          `json:"website,omitempty"`
}

// WeChatCallback is an account's message-push (服务器配置) settings; with
// an AESKey (43 characters) messages go in safe mode.
type WeChatCallback struct {
	URL    string `json:"url"`
	Token  string `json:"token"`
	AESKey string `json:"aes_key,omitempty"`
}

// WebhookCallback is a signed JSON webhook of the app or website.
type WebhookCallback struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

type inboxState struct {
	items     []*Inbound
	replies   []*Reply
	byReply   map[string]*Reply // platform + account + target + text → first
	byKey     map[string]*Reply // app and website: idempotency key → reply
	callbacks Callbacks
}

func newInboxState() *inboxState {
	return &inboxState{byReply: map[string]*Reply{}, byKey: map[string]*Reply{}}
}

// SetCallbacks replaces the push targets.
func (s *Server) SetCallbacks(c Callbacks) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inbox.callbacks = c
}

// Raise creates an inbound item on its platform and pushes it to the
// platform's callback, if one is configured.
func (s *Server) Raise(ctx context.Context, in Inbound) (Inbound, error) {
	s.mu.Lock()
	item, push, err := s.raise(in)
	if err == nil {
		in = *item
	}
	s.mu.Unlock()
	if err != nil || push == nil {
		return in, err
	}
	status, err := push(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	item.Pushed = status
	if err != nil {
		item.PushError = err.Error()
	}
	return *item, nil
}

// raise records the item (holding s.mu) and returns how to push it.
func (s *Server) raise(in Inbound) (*Inbound, func(context.Context) (int, error), error) {
	in.ID, in.At = s.nextID(), s.now()
	var push func(context.Context) (int, error)
	var err error
	switch in.Platform {
	case "wechat":
		push, err = s.raiseWechat(&in)
	case "weibo":
		err = s.raiseWeibo(&in)
	case "douyin":
		err = s.raiseDouyin(&in)
	case "app", "website":
		push, err = s.raiseKeyed(&in)
	default:
		err = errors.New("unknown platform")
	}
	if err != nil {
		return nil, nil, err
	}
	item := &in
	s.inbox.items = append(s.inbox.items, item)
	return item, push, nil
}

// Inbox returns every inbound item raised so far, oldest first.
func (s *Server) Inbox() []Inbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Inbound, 0, len(s.inbox.items))
	for _, in := range s.inbox.items {
		out = append(out, *in)
	}
	return out
}

// Replies returns every distinct answer received, duplicates counted.
func (s *Server) Replies() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Reply{}
	for _, r := range s.inbox.replies {
		out = append(out, *r)
	}
	return out
}

// reply records an answer (holding s.mu).
func (s *Server) reply(platform, account, target, text string) *Reply {
	fp := fingerprint(platform, account, target, text)
	if first, ok := s.inbox.byReply[fp]; ok {
		first.Received++
		first.Duplicates = first.Received - 1
		return first
	}
	r := &Reply{Platform: platform, Account: account, Target: target, Text: text, At: s.now(), Received: 1}
	s.inbox.byReply[fp] = r
	s.inbox.replies = append(s.inbox.replies, r)
	return r
}

// findInbound finds an item by id on platform (holding s.mu).
func (s *Server) findInbound(platform string, id int64) *Inbound {
	for _, in := range s.inbox.items {
		if in.ID == id && in.Platform == platform {
			return in
		}
	}
	return nil
}

func (s *Server) handleRaise(w http.ResponseWriter, r *http.Request) {
	var in Inbound
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	out, err := s.Raise(r.Context(), in)
	if err != nil {
		writeJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, 201, out)
}

func (s *Server) handleCallbacks(w http.ResponseWriter, r *http.Request) {
	var c Callbacks
	if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
		writeJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	s.SetCallbacks(c)
	w.WriteHeader(http.StatusNoContent)
}

// pushTo posts body to url with headers, bounded by ctx and 5 seconds.
func pushTo(ctx context.Context, url, contentType string, body []byte, header map[string]string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
