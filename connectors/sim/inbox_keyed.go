package sim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// raiseKeyed records an app or website comment, message or (website)
// error report, and pushes it to the signed webhook if one is set.
func (s *Server) raiseKeyed(in *Inbound) (func(context.Context) (int, error), error) {
	st, cb := s.app, s.inbox.callbacks.App
	if in.Platform == "website" {
		st, cb = s.website, s.inbox.callbacks.Website
	}
	switch {
	case in.Kind == "error_report" && in.Platform != "website":
		return nil, errors.New("error reports come from the website")
	case in.Kind != "comment" && in.Kind != "message" && in.Kind != "error_report":
		return nil, errors.New("kind is comment, message or error_report")
	case in.PostID != "" && st.byID[in.PostID] == nil:
		return nil, errors.New("no such post")
	}
	in.Account = in.Platform
	if cb == nil {
		return nil, nil
	}
	body, _ := json.Marshal(inboundJSON(*in, time.Now()))
	sig := map[string]string{"X-Tongfa-Signature": hmacHex(cb.Secret, body)}
	return func(ctx context.Context) (int, error) { return pushTo(ctx, cb.URL, "application/json", body, sig) }, nil
}

func inboundJSON(in Inbound, sentAt time.Time) map[string]any {
	return map[string]any{"id": strconv.FormatInt(in.ID, 10), "platform": in.Platform, "kind": in.Kind, "post_id": in.PostID,
		"user": in.User, "text": in.Text, "created_at": in.At, "sent_at": sentAt.Unix()}
}

func hmacHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// keyedInbox serves the polling list and the replies of the app and the
// website:
//
//	GET  …/comments?since_id=N&limit=L  → {"comments":[…], "next_since_id"}
//	POST …/comments/{id}/replies         {key, text, sent_at} + Idempotency-Key
func (s *Server) keyedInbox(w http.ResponseWriter, r *http.Request, platform, path string, body []byte, key string) {
	s.serve(w, r, keyedDialect(platform), path, func() answer {
		rest := strings.TrimPrefix(strings.TrimPrefix(path, "api/"), "comments")
		id, isReply := strings.CutSuffix(strings.TrimPrefix(rest, "/"), "/replies")
		switch {
		case r.Method == http.MethodGet && rest == "":
			return s.keyedComments(r, platform)
		case r.Method == http.MethodPost && isReply:
			return s.keyedReply(platform, id, body, key)
		}
		return answer{404, map[string]any{"code": "not_found", "message": "不存在"}}
	})
}

func (s *Server) keyedComments(r *http.Request, platform string) answer {
	since, _ := strconv.ParseInt(r.URL.Query().Get("since_id"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	limit = min(max(limit, 1), 200)
	out, next := []map[string]any{}, since
	for _, in := range s.inbox.items {
		if in.Platform == platform && in.ID > since && len(out) < limit {
			out = append(out, inboundJSON(*in, s.now()))
			next = in.ID
		}
	}
	return answer{200, map[string]any{"comments": out, "next_since_id": strconv.FormatInt(next, 10)}}
}

// keyedReply records an answer once per idempotency key.
func (s *Server) keyedReply(platform, id string, body []byte, key string) answer {
	var req struct {
		Key  string `json:"key"`
		Text string `json:"text"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	n, _ := strconv.ParseInt(id, 10, 64)
	switch {
	case s.findInbound(platform, n) == nil:
		return answer{404, map[string]any{"code": "not_found", "message": "留言不存在"}}
	case req.Text == "" || key == "" || req.Key != key:
		return answer{400, map[string]any{"code": "invalid", "message": "缺少回复内容或幂等键"}}
	}
	if rp, ok := s.inbox.byKey[platform+"\x00"+key]; ok {
		return answer{200, rp}
	}
	rp := s.reply(platform, platform, id, req.Text)
	s.inbox.byKey[platform+"\x00"+key] = rp
	return answer{201, rp}
}
