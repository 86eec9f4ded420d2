package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/tongfa/tongfa/audit"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/deliveries"
	"github.com/tongfa/tongfa/editions"
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/manual"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/repost"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/session"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/validate"
)

// Services are what the handlers call. The composition root (package hub)
// builds them; web only translates HTTP to their methods and back.
type Services struct {
	Identity *identity.Service
	Audit    *audit.Service
	Reports  *reports.Service
	Notify   *notify.Notifier
	// Deliveries are what people do with approved items' deliveries.
	Deliveries *deliveries.Service
	// Now is the hub's clock (the store's, which tests move).
	Now func() time.Time
	// Metrics are the process's collectors (served at /metrics, or on
	// TONGFA_METRICS_LISTEN).
	Metrics  *Metrics
	Sessions *session.Store
	Items    *items.Service
	Editions *editions.Service
	Registry *registry.Service
	Review   *review.Service
	Queue    *queue.Enqueuer
	Clocks   *clocks.Service
	// Inbox keeps what the public writes back; Intake answers the
	// platforms' pushes of it.
	Inbox  *inbox.Service
	Intake *inbox.Intake
	// Dictionaries and Patrol keep the checker and published content in
	// step with dictionary changes.
	Dictionaries *registry.Dictionaries
	Patrol       *registry.Patrol
	Calendar     *clocks.Calendars
	Checker      *sensitive.Checker
	Box          *secret.Box // nil without TONGFA_SECRET_KEY
	Validate     *validate.Validator
	// Stats serves what posts achieved on the platforms.
	Stats *stats.Service
	// Reposts are the supervising units' repost tasks.
	Reposts *repost.Service
	// Media is the library of pictures and attachments.
	Media *media.Service
	// Manual runs the publishing tasks of channels without an API.
	Manual *manual.Service
}

// Server is the HTTP surface over the services.
type Server struct {
	Services
	Config  config.Config
	Logger  *slog.Logger
	Metrics *Metrics
	// Ready adds checks to /readyz (PostgreSQL and Redis, from the
	// composition root; the calendar's own warning is added here).
	Ready []ReadyCheck
	// Mounts lets other packages add routes (e.g. /admin/queues) with the
	// server's authentication.
	Mounts []func(s *Server, r *mux.Router)
}

// ReadyCheck reports a problem (err) or a warning that does not make the
// service unready (warn).
type ReadyCheck func(ctx context.Context) (name string, warn string, err error)

// New returns the HTTP surface over ready services.
func New(cfg config.Config, svc Services, logger *slog.Logger, ready ...ReadyCheck) *Server {
	s := &Server{Services: svc, Config: cfg, Logger: logger, Metrics: svc.Metrics}
	if s.Metrics == nil {
		s.Metrics = NewMetrics()
	}
	s.Ready = append(ready, s.calendarReady)
	return s
}

// InvalidateUnits drops the cached unit tree (after a unit change).
func (s *Server) InvalidateUnits() { s.Identity.Units.Invalidate() }

// Handler returns the whole HTTP surface.
func (s *Server) Handler() http.Handler {
	return withRequestID(secureHeaders(s.Routes(), strings.HasPrefix(s.Config.BaseURL(), "https://")))
}

// Routes is the router behind Handler: every route the hub serves, for
// the tests that walk them (the authorization matrix, the OpenAPI
// comparison).
func (s *Server) Routes() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNoRoute)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNoMethod)
	})
	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet)
	if s.Config.MetricsListen == "" {
		r.Handle("/metrics", s.metricsGuard(s.Metrics.Handler())).Methods(http.MethodGet)
	}
	s.routes(r.PathPrefix("/api/v1").Subrouter())
	r.HandleFunc("/media/{hash}", s.handleServeMedia).Methods(http.MethodGet)
	s.callbackRoutes(r)
	s.mountConsole(r)
	for _, m := range s.Mounts {
		m(s, r)
	}
	r.Use(s.observe, s.validInput)
	return r
}
