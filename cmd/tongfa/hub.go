package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/redisconn"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/web"
)

// Main is the whole hub in one value, so an end-to-end test can start it
// on port :0 and stop it again.
type Main struct {
	Config config.Config
	Logger *slog.Logger
	Serve  bool // run the HTTP API and console
	Work   bool // run the delivery workers

	DB       *store.DB
	Redis    redis.UniversalClient
	Server   *web.Server
	Checker  *sensitive.Checker
	Enqueuer *queue.Enqueuer

	redisOpt  asynq.RedisConnOpt
	runner    *queue.Runner
	platforms *all.Registry
	http      *http.Server
	listener  net.Listener
	done      chan error
	closers   []func(context.Context) error
	stoppers  []func()
}

// NewMain returns a hub for cfg; set Serve and/or Work before Run.
func NewMain(cfg config.Config, logger *slog.Logger) *Main {
	return &Main{Config: cfg, Logger: logger, done: make(chan error, 4)}
}

// Open connects to PostgreSQL and Redis and migrates unless told not to.
func (m *Main) Open(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	db, err := store.Open(ctx, m.Config.DatabaseURL)
	if err != nil {
		return err
	}
	m.DB = db
	db.AuditMAC = auditMAC(m.Config)
	m.closers = append(m.closers, func(context.Context) error { db.Close(); return nil })
	if !m.Config.NoMigrate {
		applied, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			m.Logger.Info("migrated", slog.Any("applied", applied))
		}
	}
	rdb, opt, err := redisconn.Open(m.Config.RedisURL)
	if err != nil {
		return err
	}
	m.Redis, m.redisOpt = rdb, opt
	m.closers = append(m.closers, func(context.Context) error { return rdb.Close() })
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: ping: %w", err)
	}
	base, err := baseDictionaries(m.Config.DictDir)
	if err != nil {
		return err
	}
	checker, err := sensitive.New(sensitive.DefaultNormalization, base...)
	if err != nil {
		return err
	}
	m.Checker = checker
	m.Server = web.New(m.Config, db, rdb, checker, m.Logger)
	m.Server.Dictionaries.Base = base
	if _, err := m.Server.Dictionaries.Reload(ctx); err != nil {
		return fmt.Errorf("dictionaries: %w", err)
	}
	m.Enqueuer = &queue.Enqueuer{Client: asynq.NewClientFromRedisClient(rdb), DB: db}
	m.Server.Review.Relay = m.Enqueuer.EnqueueIDs
	m.Server.Clocks.Schedule = m.scheduleCheck
	m.Server.Review.Replace = m.Enqueuer.EnqueueWithdraw
	m.Server.RunPatrol = m.enqueuePatrol
	if err := m.Server.Calendar.Load(ctx); err != nil {
		return err
	}
	m.Server.Queue = m.Enqueuer
	m.Server.Inbox.Enqueue = func(ctx context.Context, id int64) error { return m.Enqueuer.EnqueueRecord(ctx, inbox.TypeAnswer, id) }
	m.Server.Mounts = append(m.Server.Mounts, web.MountQueues(opt))
	return nil
}

// Run opens the hub (if not yet open) and starts what was asked for; it
// returns once everything is listening.
func (m *Main) Run(ctx context.Context) error {
	if m.DB == nil {
		if err := m.Open(ctx); err != nil {
			return err
		}
	}
	if m.Serve {
		if err := m.startHTTP(); err != nil {
			return err
		}
	}
	if m.Work {
		if err := m.startWorker(); err != nil {
			return err
		}
	}
	m.background(func(ctx context.Context) { m.DB.RunAuditSealer(ctx, 200*time.Millisecond, m.Logger) })
	m.background(func(ctx context.Context) { m.Server.Dictionaries.Watch(ctx, 10*time.Second) })
	return nil
}

// background runs fn until Close, which waits for it to return.
func (m *Main) background(fn func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		fn(ctx)
	}()
	m.stoppers = append(m.stoppers, func() { cancel(); <-stopped })
}

func (m *Main) startHTTP() error {
	ln, err := net.Listen("tcp", m.Config.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", m.Config.Listen, err)
	}
	m.listener = ln
	m.http = &http.Server{
		Handler:           m.Server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := m.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.done <- err
		}
	}()
	m.Logger.Info("listening", slog.String("addr", ln.Addr().String()))
	return nil
}

// URL is the base URL the HTTP server listens on.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return "http://" + m.listener.Addr().String()
}

// Done reports a fatal error of a background part (e.g. the listener died).
func (m *Main) Done() <-chan error { return m.done }

// Close stops everything gracefully, within 10 seconds.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	if m.http != nil {
		errs = append(errs, m.http.Shutdown(ctx))
	}
	if m.runner != nil {
		m.runner.Shutdown()
	}
	for i := len(m.stoppers) - 1; i >= 0; i-- {
		m.stoppers[i]()
	}
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i](ctx))
	}
	return errors.Join(errs...)
}

// baseDictionaries are the shipped dictionaries and every .tsv file in dir
// (TONGFA_DICT_DIR), if set; administrators add more through the console.
func baseDictionaries(dir string) ([]*sensitive.Dictionary, error) {
	ds := []*sensitive.Dictionary{sensitive.DefaultDictionary()}
	if dir == "" {
		return ds, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		d, err := readDictionary(f)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, nil
}
