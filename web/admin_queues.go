package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"

	"github.com/gorilla/mux"
	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"

	"github.com/tongfa/tongfa"
)

// MountQueues serves asynqmon at /admin/queues for administrators.
func MountQueues(opt asynq.RedisConnOpt) func(s *Server, r *mux.Router) {
	return func(s *Server, r *mux.Router) {
		mon := asynqmon.New(asynqmon.Options{RootPath: "/admin/queues", RedisConnOpt: opt, ReadOnly: false})
		r.PathPrefix("/admin/queues").Handler(s.sysAdminOnly(offline(mon)))
	}
}

// sysAdminOnly lets system administrators through: the queues hold every
// unit's work. asynqmon's own page cannot send the CSRF header, so unsafe
// requests must instead come from exactly this origin (the SameSite=Strict
// session cookie already keeps other sites out).
func (s *Server) sysAdminOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if unsafeMethod(r.Method) && !sameOrigin(r) {
			s.writeError(w, r, &tongfa.Error{Code: tongfa.ECSRF, Message: "跨站请求被拒绝"})
			return
		}
		safe := r.Clone(r.Context())
		safe.Method = http.MethodGet // authenticate without the CSRF header check
		p, err := s.authenticate(safe)
		if err == nil && !p.Tree.IsSysAdmin(p.User) {
			err = &tongfa.Error{Code: tongfa.EForbidden, Message: "只有系统管理员可以查看任务队列"}
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether an unsafe request comes from a page of this
// host: the Origin header (else the Referer) must name exactly this
// scheme and host, not merely begin with them (http://host.evil.example).
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host != r.Host || u.User != nil {
		return false
	}
	want := "http"
	if r.TLS != nil {
		want = "https"
	}
	return u.Scheme == want || (u.Scheme == "https" && r.Header.Get("X-Forwarded-Proto") == "https")
}

var externalLink = regexp.MustCompile(`<link[^>]+href="https?://[^"]*"[^>]*>`)

// offline removes links to internet assets (asynqmon's page asks Google
// for fonts) from HTML answers: offices run on closed intranets.
func offline(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			body = externalLink.ReplaceAll(body, nil)
			rec.Header().Del("Content-Length")
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(bytes.Clone(body)) //nolint:errcheck
	})
}
