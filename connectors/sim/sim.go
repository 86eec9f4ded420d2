// Package sim simulates the platforms Tongfa publishes to — WeChat Official
// Accounts, Weibo, Douyin, a mobile app's backend and a government website CMS —
// over real HTTP and in their wire formats, so the real client libraries run
// unmodified. It records every post, counts duplicates, and injects faults
// on demand: errors, latency, rate limits, token expiry, and "stored but the
// response was lost".
package sim

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a simulator. The zero value is usable.
type Options struct {
	// Seed makes fault injection repeatable.
	Seed uint64
	// SafeDomains are the hosts (with their subdomains) Weibo accepts links
	// to, besides the simulator's own host, where its website publishes.
	SafeDomains []string
	// TokenGrace is how long a WeChat access token keeps working after a
	// newer one was fetched. WeChat documents 5 minutes, the default.
	TokenGrace time.Duration
	// PublishPolls is how many freepublish/get calls answer "publishing"
	// before the outcome. Default 1.
	PublishPolls int
	// Now replaces the clock.
	Now func() time.Time
	// MassConfirmWithin is how long a WeChat mass send under 群发保护
	// waits for the administrator's confirmation. WeChat: 30 minutes.
	MassConfirmWithin time.Duration
	// MassRetryTooFast: a mass send repeating a clientmsgid within this
	// long of the first is answered 45066 instead of 45065. Default 0: never.
	MassRetryTooFast time.Duration
	// Douyin configures the Douyin simulator (douyin.go).
	Douyin DouyinOptions
	// DataReady is how long after a China day ends its statistics are
	// computed (WeChat's datacube, Douyin's data, the app's and website's
	// "complete"); until then they are missing or partial. Default 8 hours.
	DataReady time.Duration
}

// Server is the simulator. It is an http.Handler; every method is safe for
// concurrent use.
type Server struct {
	mu     sync.Mutex
	opts   Options
	rng    *rand.Rand
	faults Faults
	posts  []*Post
	byFP   map[string]*Post // platform + account + content fingerprint → first post
	seq    int64
	calls  map[string]int // "platform endpoint" → requests

	wechat  *wechatState
	weibo   *weiboState
	app     *keyedState
	website *keyedState
	douyin  *douyinState
	inbox   *inboxState
	mux     *http.ServeMux
}

// Post is one piece of content a platform accepted.
type Post struct {
	Platform   string    `json:"platform"`
	Account    string    `json:"account"`
	ID         string    `json:"id"`
	Key        string    `json:"key,omitempty"`
	Title      string    `json:"title"`
	Text       string    `json:"text,omitempty"`
	URL        string    `json:"url"`
	At         time.Time `json:"at"`
	Received   int       `json:"received"`   // times it was created as a new post
	Duplicates int       `json:"duplicates"` // Received - 1: what an exactly-once sender keeps at 0
	Deleted    bool      `json:"deleted"`
	// Kind is "publish" (an article or status published), "mass" (a WeChat
	// mass send that reached followers) or "preview" (sent to one user).
	Kind string `json:"kind"`
	// Notified is how many followers the post was pushed to: 0 for a
	// published article nobody was told about.
	Notified int `json:"notified"`
	// Articles are a mass send's or preview's articles, the headline first.
	Articles []PostArticle `json:"articles,omitempty"`
	content  string
}

// New returns a simulator whose faults are drawn from seed.
func New(seed uint64) *Server { return NewWith(Options{Seed: seed}) }

// NewWith returns a simulator configured by o.
func NewWith(o Options) *Server {
	if o.TokenGrace == 0 {
		o.TokenGrace = 5 * time.Minute
	}
	o.PublishPolls = max(o.PublishPolls, 1)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MassConfirmWithin == 0 {
		o.MassConfirmWithin = 30 * time.Minute
	}
	if o.DataReady == 0 {
		o.DataReady = 8 * time.Hour
	}
	s := &Server{opts: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))}
	s.reset()
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/wechat/", s.handleWechat)
	s.mux.HandleFunc("/weibo/", s.handleWeibo)
	s.mux.HandleFunc("/app/", s.handleApp)
	s.mux.HandleFunc("/website/", s.handleWebsite)
	s.mux.HandleFunc("/douyin/", s.handleDouyin)
	s.mux.HandleFunc("GET /_sim/posts", s.handlePosts)
	s.mux.HandleFunc("GET /_sim/faults", s.handleGetFaults)
	s.mux.HandleFunc("POST /_sim/faults", s.handleSetFaults)
	s.mux.HandleFunc("DELETE /_sim/faults", s.handleClearFaults)
	s.mux.HandleFunc("POST /_sim/inbound", s.handleRaise)
	s.mux.HandleFunc("GET /_sim/inbound", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.Inbox()) })
	s.mux.HandleFunc("GET /_sim/replies", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.Replies()) })
	s.mux.HandleFunc("POST /_sim/callbacks", s.handleCallbacks)
	s.mux.HandleFunc("/_sim/wechat/", s.handleWechatSim)
	s.mux.HandleFunc("GET /_sim/calls", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.AllCalls()) })
	s.mux.HandleFunc("POST /_sim/reset", func(w http.ResponseWriter, r *http.Request) { s.Reset(); w.WriteHeader(204) })
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) now() time.Time { return s.opts.Now() }

// record stores a new post (holding s.mu), counting it as a duplicate when
// the same account already received the same content.
func (s *Server) record(p *Post) *Post {
	p.At = s.now()
	if p.Kind == "" {
		p.Kind = "publish"
	}
	key := p.Platform + "\x00" + p.Account + "\x00" + p.content
	if first, ok := s.byFP[key]; ok {
		first.Received++
		first.Duplicates = first.Received - 1
	} else {
		p.Received = 1
		s.byFP[key] = p
	}
	s.posts = append(s.posts, p)
	return p
}

func (s *Server) nextID() int64 {
	s.seq++
	return 1_000_000 + s.seq
}

// Posts returns a copy of every distinct post received (duplicates counted
// on the first), oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Post{}
	for _, p := range s.posts {
		if s.byFP[p.Platform+"\x00"+p.Account+"\x00"+p.content] == p {
			out = append(out, *p)
		}
	}
	return out
}

// Duplicates is the total number of duplicate posts across platforms.
func (s *Server) Duplicates() int {
	n := 0
	for _, p := range s.Posts() {
		n += p.Duplicates
	}
	return n
}

// Calls is how many requests reached endpoint (e.g. "cgi-bin/draft/add")
// of platform, faulted ones included.
func (s *Server) Calls(platform, endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[platform+" "+endpoint]
}

// AllCalls returns the request counts keyed "platform endpoint".
func (s *Server) AllCalls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// Reset forgets every post, token, inbound item, reply, callback, call
// count and fault.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset()
}

func (s *Server) reset() {
	s.posts, s.byFP, s.faults, s.calls = nil, map[string]*Post{}, Faults{}, map[string]int{}
	s.wechat, s.weibo, s.app, s.website = newWechatState(), newWeiboState(), newKeyedState(), newKeyedState()
	s.douyin = newDouyinState(s.opts.Douyin)
	s.inbox = newInboxState()
}

func (s *Server) handlePosts(w http.ResponseWriter, r *http.Request) {
	platform := r.URL.Query().Get("platform")
	out, dup := []Post{}, 0
	for _, p := range s.Posts() {
		if platform == "" || p.Platform == platform {
			out = append(out, p)
			dup += p.Duplicates
		}
	}
	writeJSON(w, 200, map[string]any{"posts": out, "count": len(out), "duplicates": dup})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) //nolint:errcheck
}

// base is the simulator's own URL as the client reached it, for the
// public URLs of posts.
func base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func fingerprint(parts ...string) string { return strings.Join(parts, "\x1f") }
