package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/tongfa/tongfa/config"
)

func init() {
	register(command{name: "serve", summary: "运行接口和控制台（不含投递任务）。", run: func(ctx context.Context, st Stdio, args []string) error {
		return runHub(ctx, st, "serve", args, true, false)
	}})
	register(command{name: "all", summary: "在一个进程中运行接口、控制台和投递任务。", run: func(ctx context.Context, st Stdio, args []string) error {
		return runHub(ctx, st, "all", args, true, true)
	}})
	register(command{name: "config", summary: "显示生效的配置（密钥不显示）并检查其是否有效。", run: runConfig})
}

// loadConfig reads TONGFA_* variables and flags; extra defines the
// command's own flags on the same set. Help and mistakes come back as the
// errors run reports (helpRequested, errUsage).
func loadConfig(name string, args []string, extra ...func(*flag.FlagSet)) (config.Config, []string, error) {
	var fs *flag.FlagSet
	capture := func(f *flag.FlagSet) { fs = f; quiet(f) }
	cfg, rest, err := config.Load(name, os.Getenv, args, append(extra, capture)...)
	switch {
	case err != nil && fs == nil: // the environment, read before any flag
		return cfg, nil, usageErrorf("%v", err)
	case err != nil:
		return cfg, nil, flagProblem(fs, err)
	}
	return cfg, rest, nil
}

// validConfig is the usage error of an invalid configuration, one line
// per problem.
func validConfig(cfg config.Config) error {
	if err := cfg.Validate(); err != nil {
		return usageErrorf("配置有误：\n  %s", strings.ReplaceAll(err.Error(), "\n", "。\n  "))
	}
	return nil
}

func runHub(ctx context.Context, st Stdio, name string, args []string, serve, work bool) error {
	cfg, _, err := loadConfig(name, args)
	if err != nil {
		return err
	}
	if err := validConfig(cfg); err != nil {
		return err
	}
	m := NewMain(cfg, cfg.Logger())
	m.Serve, m.Work = serve, work
	logRedis(m.Logger)
	return runMain(ctx, m)
}

// runMain starts m and waits for a signal or a fatal error, then stops it.
func runMain(ctx context.Context, m *Main) error {
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	return waitMain(ctx, m)
}

// waitMain waits for a signal or a fatal error of a running m, then stops it.
func waitMain(ctx context.Context, m *Main) error {
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
		fmt.Fprintf(st.Err, "\n配置有误：\n%v\n", err)
		return exitCode(1)
	}
	return nil
}
