package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Credentials the app and website simulators accept. Demo and test
// accounts are configured with them.
const (
	AppSecret  = "sim-app-hmac-secret"
	WebsiteKey = "sim-website-api-key"
)

// keyedState is a platform that deduplicates by idempotency key: the
// app's content API and the website CMS.
type keyedState struct {
	byKey map[string]*keyedPost
	byID  map[string]*keyedPost
	// files are the pictures and attachments uploaded, by key and by id.
	files     map[string]*keyedFile
	filesByID map[string]*keyedFile
}

type keyedPost struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Column    string    `json:"column,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Deleted   bool      `json:"deleted"`
	html      string
	post      *Post
}

func newKeyedState() *keyedState {
	return &keyedState{byKey: map[string]*keyedPost{}, byID: map[string]*keyedPost{},
		files: map[string]*keyedFile{}, filesByID: map[string]*keyedFile{}}
}

// articleIn is what both the app and the website accept.
type articleIn struct {
	Key    string `json:"key"`
	Title  string `json:"title"`
	HTML   string `json:"html"`
	Column string `json:"column"`
	ID     string `json:"id"` // DELETE bodies
	SentAt int64  `json:"sent_at"`
}

func keyedDialect(name string) dialect {
	return dialect{
		name: name,
		fail: func(w http.ResponseWriter, r *http.Request, code int) {
			writeJSON(w, max(code, 503), map[string]any{"code": "unavailable", "message": "服务暂不可用"})
		},
		limit: func(w http.ResponseWriter, r *http.Request, code int) {
			if w.Header().Get("Retry-After") == "" {
				w.Header().Set("Retry-After", "2")
			}
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": "rate_limited", "message": "请求过于频繁"})
		},
	}
}

// handleApp serves the app backend's content webhook:
//
//	POST   /app/posts          JSON body with key and sent_at; Idempotency-Key
//	GET    /app/posts?key=K&sent_at=T
//	DELETE /app/posts/{id}     JSON body {"id", "sent_at"}
//	GET    /app/p/{id}         the post's share page
//	POST   /app/files          JSON {key, name, type, data (base64), sent_at}: a picture or attachment → {id, url}
//	GET    /app/f/{id}         an uploaded file
//
// Every API request carries X-Tongfa-Signature: sha256=<hex HMAC-SHA256 of
// the body (for GET: of the raw query) with the account's secret>; sent_at
// must be within 5 minutes, so a captured request cannot be replayed later.
func (s *Server) handleApp(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/app/")
	if strings.HasPrefix(path, "p/") {
		s.keyedPage(w, s.app, strings.TrimPrefix(path, "p/"))
		return
	}
	if strings.HasPrefix(path, "f/") {
		s.keyedFileServe(w, s.app, strings.TrimPrefix(path, "f/"))
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if msg := s.appAuth(r, body); msg != "" {
		writeJSON(w, 401, map[string]any{"code": "bad_signature", "message": msg})
		return
	}
	if strings.HasPrefix(path, "comments") {
		s.keyedInbox(w, r, "app", path, body, r.Header.Get("Idempotency-Key"))
		return
	}
	if path == "stats" {
		s.keyedStats(w, r, "app", path, s.app)
		return
	}
	if isFiles(path) {
		s.keyedFiles(w, r, keyedDialect("app"), s.app, path, body)
		return
	}
	s.keyed(w, r, keyedDialect("app"), s.app, path, body, r.Header.Get("Idempotency-Key"))
}

// appAuth checks the signature and freshness of a request; "" means good.
func (s *Server) appAuth(r *http.Request, body []byte) string {
	signed, at := body, int64(0)
	if r.Method == http.MethodGet {
		signed = []byte(r.URL.RawQuery)
		at, _ = strconv.ParseInt(r.URL.Query().Get("sent_at"), 10, 64)
	} else {
		var in articleIn
		json.Unmarshal(body, &in) //nolint:errcheck
		at = in.SentAt
	}
	m := hmac.New(sha256.New, []byte(AppSecret))
	m.Write(signed)
	if !hmac.Equal([]byte(r.Header.Get("X-Tongfa-Signature")), []byte("sha256="+hex.EncodeToString(m.Sum(nil)))) {
		return "签名无效"
	}
	if s.now().Sub(time.Unix(at, 0)).Abs() > 5*time.Minute {
		return "请求已过期（sent_at）"
	}
	return ""
}

// handleWebsite serves the CMS API (Bearer key) and the public pages.
//
//	POST   /website/api/articles         {key, column, title, html, …} → {id, url}
//	GET    /website/api/articles?key=K
//	DELETE /website/api/articles/{id}
//	GET    /website/articles/{id}.html   the published page
//	POST   /website/api/files            {key, name, type, data (base64), sent_at} → {id, url}
//	GET    /website/f/{id}               an uploaded file
func (s *Server) handleWebsite(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/website/")
	if strings.HasPrefix(path, "articles/") {
		s.keyedPage(w, s.website, strings.TrimSuffix(strings.TrimPrefix(path, "articles/"), ".html"))
		return
	}
	if strings.HasPrefix(path, "f/") {
		s.keyedFileServe(w, s.website, strings.TrimPrefix(path, "f/"))
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+WebsiteKey {
		writeJSON(w, 401, map[string]any{"code": "unauthorized", "message": "API key 无效"})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	var in articleIn
	json.Unmarshal(body, &in) //nolint:errcheck
	if strings.HasPrefix(path, "api/comments") {
		s.keyedInbox(w, r, "website", path, body, r.Header.Get("Idempotency-Key"))
		return
	}
	if path == "api/stats" {
		s.keyedStats(w, r, "website", path, s.website)
		return
	}
	if isFiles(path) {
		s.keyedFiles(w, r, keyedDialect("website"), s.website, path, body)
		return
	}
	s.keyed(w, r, keyedDialect("website"), s.website, path, body, in.Key)
}

func (s *Server) keyedPage(w http.ResponseWriter, st *keyedState, id string) {
	s.mu.Lock()
	p, ok := st.byID[id]
	s.mu.Unlock()
	if !ok || p.Deleted {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>%s</title><h1>%s</h1>%s", html.EscapeString(p.Title), html.EscapeString(p.Title), p.html)
}

// keyed runs one API call on the app ("posts…") or website
// ("api/articles…") simulator.
func (s *Server) keyed(w http.ResponseWriter, r *http.Request, d dialect, st *keyedState, path string, body []byte, key string) {
	s.serve(w, r, d, path, func() answer {
		_, id, _ := strings.Cut(strings.TrimPrefix(path, "api/"), "/")
		switch {
		case r.Method == http.MethodPost && id == "":
			return s.keyedCreate(r, d.name, st, body, key)
		case r.Method == http.MethodGet && id == "":
			if p, ok := st.byKey[r.URL.Query().Get("key")]; ok {
				return answer{200, p}
			}
		case r.Method == http.MethodDelete && id != "":
			return keyedDelete(st, id, body)
		}
		return answer{404, map[string]any{"code": "not_found", "message": "不存在"}}
	})
}

func keyedDelete(st *keyedState, id string, body []byte) answer {
	var in articleIn
	json.Unmarshal(body, &in) //nolint:errcheck
	if in.ID != "" && in.ID != id {
		return answer{400, map[string]any{"code": "invalid", "message": "请求体与地址中的编号不一致"}}
	}
	p, ok := st.byID[id]
	if !ok || p.Deleted {
		return answer{404, map[string]any{"code": "not_found", "message": "不存在"}}
	}
	p.Deleted, p.post.Deleted = true, true
	return answer{200, p}
}

func (s *Server) keyedCreate(r *http.Request, platform string, st *keyedState, body []byte, key string) answer {
	var in articleIn
	if err := json.Unmarshal(body, &in); err != nil || in.Title == "" || in.HTML == "" || key == "" || in.Key != key {
		return answer{400, map[string]any{"code": "invalid", "message": "缺少标题、正文或幂等键"}}
	}
	if p, ok := st.byKey[key]; ok {
		return answer{200, p} // the same key again: the existing post, not a new one
	}
	id := fmt.Sprintf("%s-%d", platform, s.nextID())
	url := base(r) + "/app/p/" + id
	if platform == "website" {
		url = base(r) + "/website/articles/" + id + ".html"
	}
	p := &keyedPost{ID: id, Key: key, URL: url, Title: in.Title, Column: in.Column, CreatedAt: s.now(), html: in.HTML}
	p.post = s.record(&Post{Platform: platform, Account: platform, ID: id, Key: key, Title: in.Title, URL: url,
		content: fingerprint(in.Title, in.HTML)})
	st.byKey[key], st.byID[id] = p, p
	return answer{201, p}
}
