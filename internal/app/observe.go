package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/store"
)

// sentryFlushWait is how long a stopping process waits for Sentry events
// still queued (a failure during shutdown is the one worth seeing).
const sentryFlushWait = 5 * time.Second

// observability is one process's reporting: Sentry when SENTRY_DSN is set,
// and the metrics registry once the store is open. A nil *observability
// (commands that report nothing) is valid.
type observability struct {
	cfg     config.Config
	log     *slog.Logger
	sentry  *observe.Sentry
	metrics *observe.Metrics
}

// newObservability connects Sentry and returns the logger to use from here
// on: with Sentry, request errors logged at ERROR are also reported.
func newObservability(cfg config.Config, log *slog.Logger) (*observability, *slog.Logger, error) {
	rep, err := observe.NewSentry(observe.SentryOptions{DSN: cfg.SentryDSN, Release: Version(), Environment: cfg.AppEnv,
		Secrets: secretValues(cfg), Logger: log})
	if err != nil {
		return nil, nil, err
	}
	if rep != nil {
		log = slog.New(rep.LogHandler(log.Handler()))
		log.Info("sentry: reporting errors", "environment", cfg.AppEnv, "release", Version())
	}
	return &observability{cfg: cfg, log: log, sentry: rep}, log, nil
}

// measure builds the metrics registry over the store: its pool and the
// deployment-wide figures it holds.
func (o *observability) measure(s *store.Store, now func() time.Time) {
	o.metrics = observe.NewMetrics(observe.MetricsOptions{Version: Version(), Environment: o.cfg.AppEnv,
		DB: s.DB(), Figures: store.NewFiguresReader(s).Read, Now: now, Logger: o.log})
}

// http is what the HTTP server reports to.
func (o *observability) http() server.Observability {
	if o == nil {
		return server.Observability{}
	}
	return server.Observability{Metrics: o.metrics, MetricsToken: o.cfg.MetricsToken, Sentry: o.sentry}
}

// llmCalls is the Claude narrator's Observe hook (nil: not counted).
func (o *observability) llmCalls() func(outcome string) {
	if o == nil || o.metrics == nil {
		return nil
	}
	return o.metrics.LLMCall
}

// runFinished is the monitor's Finished hook: a failed run goes to Sentry
// tagged with its workspace and run. (Run counts come from the database,
// so nothing is counted here.)
func (o *observability) runFinished(ctx context.Context, run domain.MonitorRun, err error) {
	if o == nil || run.Status != domain.RunFailed {
		return
	}
	o.sentry.RunFailed(ctx, run, err)
}

// close sends what Sentry still has queued.
func (o *observability) close() {
	if o != nil {
		o.sentry.Close(sentryFlushWait)
	}
}

// serveMetrics serves GET /metrics (and GET /health, for a liveness probe)
// on addr for a process without the web server (`vectoros worker
// --metrics-addr`), until ctx ends. It returns the address it listens on.
func (o *observability) serveMetrics(ctx context.Context, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", server.MetricsHandler(o.http()))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(o.log.Handler(), slog.LevelWarn)}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			o.log.Error("metrics server", "error", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	o.log.Info("serving metrics", "addr", ln.Addr().String())
	return ln.Addr().String(), nil
}

// secretValues are the configured values no log line or Sentry event may
// contain: the keys and tokens, the Sentry key, and database passwords (as
// written in the URL and decoded).
func secretValues(cfg config.Config) []string {
	out := []string{cfg.AnthropicAPIKey, cfg.MetricsToken, cfg.SentryDSN}
	for _, raw := range []string{cfg.SentryDSN, cfg.DatabaseURL, cfg.DatabaseDirectURL} {
		u, err := url.Parse(raw)
		if err != nil || u.User == nil {
			continue
		}
		if pw, ok := u.User.Password(); ok {
			out = append(out, pw, url.QueryEscape(pw), url.PathEscape(pw))
		} else if raw == cfg.SentryDSN {
			out = append(out, u.User.Username()) // a DSN's key is its user part
		}
	}
	return out
}
