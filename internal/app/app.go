// Package app wires VectorOS together: it reads the configuration, opens
// the store, and builds the servers and the monitor for each subcommand.
// It is the only package that knows every other one.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/store"
)

// Env is the process's outside world, injectable for tests.
type Env struct {
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time
	// Ready, when set, is called with the HTTP address once serve listens.
	Ready func(addr string)
}

// OSEnv is the real environment, with a .env file in the working directory
// filling in variables the environment lacks (outside production).
func OSEnv() Env {
	return Env{Getenv: withDotEnv(os.Getenv, ".env"), Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now}
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	cmd := newRootCmd(env)
	cmd.SetArgs(args)
	cmd.SetOut(env.Stdout)
	cmd.SetErr(env.Stderr)
	if err := cmd.ExecuteContext(ctx); err != nil {
		var p config.Problems
		if errors.As(err, &p) {
			fmt.Fprintln(env.Stderr, p.Error())
			return 2
		}
		fmt.Fprintln(env.Stderr, "error:", err)
		return 1
	}
	return 0
}

// loadConfig reads the configuration and builds the logger.
func loadConfig(env Env) (config.Config, *slog.Logger, error) {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return cfg, nil, err
	}
	return cfg, newLogger(cfg, env.Stderr), nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.IsProduction() {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(observe.Redact(h, secretValues(cfg))) // no configured secret in any line
}

// openStore connects to the database, retrying for up to wait so a process
// that starts before its database (containers, managed restarts) survives.
func openStore(ctx context.Context, cfg config.Config, env Env, log *slog.Logger, wait time.Duration) (*store.Store, error) {
	s, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DirectURL: cfg.DatabaseDirectURL, Now: env.Now, Logger: log})
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for attempt := 1; ; attempt++ {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = s.Ping(pctx)
		cancel()
		if err == nil {
			return s, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.Close()
			return nil, fmt.Errorf("database not reachable after %s: %w", wait, err)
		}
		log.Warn("database not reachable yet, retrying", "attempt", attempt, "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(min(time.Duration(attempt)*time.Second, 5*time.Second)):
		}
	}
}

// withDotEnv returns a getenv that falls back to KEY=VALUE lines of a file.
// The real environment always wins, and production never reads the file.
func withDotEnv(getenv func(string) string, path string) func(string) string {
	if getenv("APP_ENV") == "production" {
		return getenv
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return getenv
	}
	file := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			continue
		}
		file[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return func(k string) string {
		if v, ok := os.LookupEnv(k); ok {
			return v
		}
		return file[k]
	}
}

// openMigrated is the start of the commands that may migrate (migrate,
// demo): configuration, the store (waiting up to 60 s for the database),
// then the migrations.
func openMigrated(ctx context.Context, env Env) (config.Config, *slog.Logger, *store.Store, error) {
	cfg, log, err := loadConfig(env)
	if err != nil {
		return cfg, nil, nil, err
	}
	s, err := openStore(ctx, cfg, env, log, 60*time.Second)
	if err != nil {
		return cfg, log, nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return cfg, log, nil, err
	}
	return cfg, log, s, nil
}
