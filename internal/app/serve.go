package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/http/api"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/http/web"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
)

type serveFlags struct {
	demo     bool
	seed     int64
	noWorker bool
}

func newServeCmd(env Env) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI and API (and run the monitor unless --no-worker)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd.Context(), env, f)
		},
	}
	cmd.Flags().BoolVar(&f.demo, "demo", false, "create the demo workspace before serving (idempotent)")
	cmd.Flags().Int64Var(&f.seed, "seed", 1, "random seed for --demo")
	cmd.Flags().BoolVar(&f.noWorker, "no-worker", false, "do not run the monitor in this process")
	return cmd
}

func serve(ctx context.Context, env Env, f serveFlags) error {
	cfg, log, err := loadConfig(env)
	if err != nil {
		return err
	}
	obs, log, err := newObservability(cfg, log)
	if err != nil {
		return err
	}
	defer obs.close() // last: after the monitor stopped, flush what Sentry still has
	// Lines logged with a request's context (the store's slow-query
	// warnings too) carry its request_id.
	log = httpx.WithRequestIDs(log)
	s, err := openStore(ctx, cfg, env, log, 60*time.Second)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	if _, err := s.CheckSchema(ctx, log.Warn); err != nil {
		return err
	}
	if f.demo {
		if err := runDemo(ctx, env, s, f.seed, cfg); err != nil {
			return err
		}
	}
	// The monitor runs here unless --no-worker; either way the API can
	// request runs (a worker elsewhere picks them up).
	obs.measure(s, env.Now)
	queue, stopMonitor, err := startQueue(ctx, cfg, env, s, log, !f.noWorker, obs)
	if err != nil {
		return err
	}
	defer stopMonitor()
	srv := server.New(server.Deps{Store: s, Logger: log, Version: Version(), Now: env.Now,
		Hasher: password.NewHasher(password.Default, 2), Production: cfg.IsProduction(), HSTSMaxAge: hstsMaxAge(cfg),
		PublicURL:   cfg.PublicURL,
		CORSOrigins: cfg.CORSOrigins, TrustProxyHeaders: cfg.TrustProxyHeaders,
		RateLimitMax: cfg.RateLimitMax, RateLimitWindow: cfg.RateLimitWindow, MonitorInterval: cfg.MonitorInterval,
		Observe: obs.http()})
	defer srv.Close()
	api.Register(srv, api.Deps{Store: s, Now: env.Now, PublicURL: cfg.PublicURL, Monitor: queue, Sentry: obs.sentry})
	if _, err := web.Register(srv, web.Deps{Store: s, Now: env.Now, Runs: queue, MonitorInterval: cfg.MonitorInterval,
		PublicURL: cfg.PublicURL}); err != nil {
		return err
	}
	return listenAndServe(ctx, cfg, env, log, s, srv.Handler())
}

// listenAndServe serves until ctx ends, then drains in-flight requests.
func listenAndServe(ctx context.Context, cfg config.Config, env Env, log *slog.Logger, s *store.Store, h http.Handler) error {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		return fmt.Errorf("listen on port %d: %w", cfg.Port, err)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second, // ?wait=1 monitor runs wait up to 60 s
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	addr := ln.Addr().String()
	log.Info("serving", "addr", addr, "database", s.Dialect(), "version", Version(), "env", cfg.AppEnv)
	if env.Ready != nil {
		env.Ready(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}

// hstsMaxAge is HSTS_MAX_AGE in production and nothing elsewhere: a
// development host on plain HTTP must stay reachable.
func hstsMaxAge(cfg config.Config) time.Duration {
	if !cfg.IsProduction() {
		return 0
	}
	return cfg.HSTSMaxAge
}
