package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/session"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
)

// Server holds what the handlers need. Fields are set by New and by the
// command that wires the hub; handlers never reach for globals.
type Server struct {
	Config   config.Config
	DB       *store.DB
	Redis    redis.UniversalClient
	Sessions *session.Store
	Items    *items.Service
	Registry *registry.Service
	Review   *review.Service
	Queue    *queue.Enqueuer
	Clocks   *clocks.Service
	// Inbox keeps what the public writes back; Intake answers the
	// platforms' pushes of it.
	Inbox  *inbox.Service
	Intake *inbox.Intake
	// Dictionaries and Patrol keep the checker and published content in
	// step with dictionary changes; RunPatrol hands a run to the queue.
	Dictionaries *registry.Dictionaries
	Patrol       *registry.Patrol
	RunPatrol    func(ctx context.Context, runID int64) error
	Calendar     *clocks.Calendars
	Checker      *sensitive.Checker
	Box          *secret.Box // nil without TONGFA_SECRET_KEY
	Validate     *validate.Validator
	Logger       *slog.Logger
	Metrics      *Metrics
	// Ready adds checks to /readyz beyond PostgreSQL and Redis.
	Ready []ReadyCheck
	// Mounts lets other packages add routes (e.g. /admin/queues) with the
	// server's authentication.
	Mounts []func(s *Server, r *mux.Router)

	units   *unitCache
	touched touchThrottle
}

// ReadyCheck reports a problem (err) or a warning that does not make the
// service unready (warn).
type ReadyCheck func(ctx context.Context) (name string, warn string, err error)

// New builds a server over the store, Redis and the content checker.
func New(cfg config.Config, db *store.DB, rdb redis.UniversalClient, checker *sensitive.Checker, logger *slog.Logger) *Server {
	v := validate.New()
	var box *secret.Box
	if key, err := cfg.Key(); err == nil {
		box, _ = secret.New(key)
	}
	s := &Server{
		Config: cfg, DB: db, Redis: rdb, Logger: logger, Validate: v, Box: box, Checker: checker,
		Sessions: session.New(rdb, cfg.SessionIdle, cfg.SessionMax),
		Items:    items.New(db, v, checker),
		Registry: &registry.Service{DB: db, Box: box, Validate: v},
		Metrics:  NewMetrics(),
		units:    &unitCache{db: db, ttl: 5 * time.Second},
	}
	s.Review = &review.Service{DB: db, Check: items.ReviewChecker{C: checker}, Log: logger,
		Notify: &notify.Notifier{DB: db, Robots: notify.NewSender(), Box: box, Log: logger}}
	s.Items.Revised = s.Review.Revised
	s.Calendar = &clocks.Calendars{DB: db}
	s.Registry.Calendar, s.Registry.Sessions = s.Calendar.Current, s.Sessions
	s.Dictionaries = &registry.Dictionaries{DB: db, Checker: checker, Base: []*sensitive.Dictionary{sensitive.DefaultDictionary()}, Log: logger}
	s.Patrol = &registry.Patrol{DB: db, Checker: checker, Notify: s.Review.Notify, Log: logger, Batch: 500}
	s.Clocks = &clocks.Service{DB: db, Calendar: s.Calendar.Current, Notify: s.Review.Notify, Log: logger}
	s.Inbox = &inbox.Service{DB: db, Calendar: s.Calendar.Current, Checker: checker, Log: logger, Notify: s.Review.Notify,
		AnswerPolicy: func(ctx context.Context, unitID int64) (bool, tongfa.Tier, error) {
			pol, err := s.Review.PolicyFor(ctx, unitID)
			if err != nil {
				return true, tongfa.TierRoutine, err
			}
			return pol.Answers.Signoff, pol.Answers.Tier, nil
		}}
	s.Intake = &inbox.Intake{Inbox: s.Inbox, Box: box, Redis: rdb, Log: logger}
	s.Review.Working = func(a, b time.Time) time.Duration { return s.Calendar.Current().WorkingTimeBetween(a, b) }
	s.Items.Saved = func(ctx context.Context, it *tongfa.Item) {
		if it.Version.Content.Urgency == tongfa.UrgencyUrgent {
			if err := s.Clocks.ScheduleItem(ctx, it.ID, db.Now()); err != nil {
				logger.Warn("schedule urgent clock checks; the sweep covers it", slog.Any("error", err))
			}
		}
	}
	s.Ready = append(s.Ready, s.calendarReady)
	return s
}

// InvalidateUnits drops the cached unit tree (after a unit change).
func (s *Server) InvalidateUnits() { s.units.invalidate() }

// Handler returns the whole HTTP surface.
func (s *Server) Handler() http.Handler {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNoRoute)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNoMethod)
	})
	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet)
	r.Handle("/metrics", promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{})).Methods(http.MethodGet)
	s.routes(r.PathPrefix("/api/v1").Subrouter())
	s.callbackRoutes(r)
	s.mountConsole(r)
	for _, m := range s.Mounts {
		m(s, r)
	}
	r.Use(s.observe)
	return withRequestID(secureHeaders(r))
}
