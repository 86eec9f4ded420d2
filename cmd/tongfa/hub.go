package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/hub"
	"github.com/tongfa/tongfa/queue"
)

// Main is one hub process: what package hub builds, started as the command
// asked (the API and console, the workers, or both). An end-to-end test
// starts it on port :0 and stops it again.
type Main struct {
	Config config.Config
	Logger *slog.Logger
	Serve  bool // run the HTTP API and console
	Work   bool // run the delivery workers

	*hub.Hub

	runner   *queue.Runner
	http     *http.Server
	listener net.Listener
	done     chan error
	stoppers []func()
}

// NewMain returns a process for cfg; set Serve and/or Work before Run.
func NewMain(cfg config.Config, logger *slog.Logger) *Main {
	return &Main{Config: cfg, Logger: logger, done: make(chan error, 4)}
}

// Open builds the hub: connects, migrates (unless told not to) and loads.
func (m *Main) Open(ctx context.Context) error {
	h, err := hub.Open(ctx, m.Config, m.Logger)
	if err != nil {
		return err
	}
	m.Hub = h
	return nil
}

// Run opens the hub (if not yet open) and starts what was asked for; it
// returns once everything is listening.
func (m *Main) Run(ctx context.Context) error {
	if m.Hub == nil {
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
		r, err := m.Hub.Worker(workerID())
		if err == nil {
			err = r.Start()
		}
		if err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		m.runner = r
	}
	m.background(m.Hub.Background)
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
		return failure(err, "%s", listenProblem(m.Config.Listen, err))
	}
	m.listener = ln
	m.http = &http.Server{
		Handler:           m.Hub.Handler(),
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
	return m.startMetrics()
}

// startMetrics serves /metrics on TONGFA_METRICS_LISTEN, when set: an
// address of its own, off the public listener.
func (m *Main) startMetrics() error {
	if m.Config.MetricsListen == "" {
		return nil
	}
	ln, err := net.Listen("tcp", m.Config.MetricsListen)
	if err != nil {
		return failure(err, "%s", listenProblem(m.Config.MetricsListen, err))
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Hub.Metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	m.stoppers = append(m.stoppers, func() { srv.Close() })
	m.Logger.Info("metrics listening", slog.String("addr", ln.Addr().String()))
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
	if m.Hub != nil {
		errs = append(errs, m.Hub.Close())
	}
	return errors.Join(errs...)
}
