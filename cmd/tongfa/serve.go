package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/tongfa/tongfa/config"
)

func init() {
	register(command{name: "serve", summary: "run the HTTP API and console", run: func(ctx context.Context, st Stdio, args []string) error {
		return runHub(ctx, st, "serve", args, true, false)
	}})
	register(command{name: "all", summary: "run the API, console and delivery workers in one process", run: func(ctx context.Context, st Stdio, args []string) error {
		return runHub(ctx, st, "all", args, true, true)
	}})
	register(command{name: "config", summary: "print the effective configuration, secrets redacted", run: runConfig})
}

// loadConfig reads TONGFA_* variables and flags.
func loadConfig(name string, args []string, extra ...func(*flag.FlagSet)) (config.Config, []string, error) {
	cfg, rest, err := config.Load(name, os.Getenv, args, extra...)
	if err != nil {
		return cfg, nil, usageErrorf("%v", err)
	}
	return cfg, rest, nil
}

func runHub(ctx context.Context, st Stdio, name string, args []string, serve, work bool) error {
	cfg, _, err := loadConfig(name, args)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageErrorf("invalid configuration:\n%v", err)
	}
	m := NewMain(cfg, cfg.Logger())
	m.Serve, m.Work = serve, work
	return runMain(ctx, m)
}

// runMain starts m and waits for a signal or a fatal error, then stops it.
func runMain(ctx context.Context, m *Main) error {
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	var err error
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
	case err = <-m.Done():
		m.Logger.Error("fatal", slog.Any("error", err))
	}
	if cerr := m.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

func runConfig(ctx context.Context, st Stdio, args []string) error {
	cfg, _, err := loadConfig("config", args)
	if err != nil {
		return err
	}
	for _, kv := range cfg.Redacted() {
		fmt.Fprintf(st.Out, "%s=%s\n", kv[0], kv[1])
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(st.Err, "\ninvalid:\n%v\n", err)
		return exitCode(1)
	}
	return nil
}
