package web

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestID adopts a sane incoming X-Request-ID or makes one, and echoes it.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !saneRequestID.MatchString(id) {
			id = auth.RandomString(12)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyRequestID, id)))
	})
}

// statusWriter remembers the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Metrics are the server's Prometheus collectors, on a registry of its own
// so several servers can run in one test process.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the HTTP collectors and the Go runtime ones.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tongfa_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tongfa_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method"}),
	}
	m.Registry.MustRegister(m.requests, m.latency,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Handler serves the collectors in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// metricsGuard lets a scraper with TONGFA_METRICS_TOKEN, or a system
// administrator, read /metrics on the public listener: request rates,
// routes and runtime figures are the installation's, not everyone's.
func (s *Server) metricsGuard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.Config.MetricsToken != "" &&
			subtle.ConstantTimeCompare([]byte(tok), []byte(s.Config.MetricsToken)) == 1 {
			h.ServeHTTP(w, r)
			return
		}
		p, err := s.authenticate(r)
		if err == nil && !p.Tree.IsSysAdmin(p.User) {
			err = &tongfa.Error{Code: tongfa.EForbidden, Message: "只有系统管理员可以查看运行指标"}
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// observe logs and measures each request under its route template, so
// /items/1 and /items/2 are one series.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.Logger.ErrorContext(r.Context(), "panic", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if sw.status == 0 {
					s.writeError(sw, r, tongfa.Errorf(tongfa.EInternal, "服务器内部错误"))
				}
			}
			route := "unmatched"
			if cr := mux.CurrentRoute(r); cr != nil {
				route, _ = cr.GetPathTemplate()
			}
			d := time.Since(start)
			s.Metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
			s.Metrics.latency.WithLabelValues(route, r.Method).Observe(d.Seconds())
			s.Logger.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("request_id", requestID(r.Context())),
				slog.String("method", r.Method), slog.String("route", route), slog.Int("status", sw.status),
				slog.Float64("duration_ms", float64(d.Microseconds())/1000))
		}()
		next.ServeHTTP(sw, r)
	})
}

// secureHeaders sets what every response should carry; hsts is whether
// the hub is reached over https (TONGFA_PUBLIC_URL).
func secureHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func varsOf(r *http.Request) map[string]string { return mux.Vars(r) }
