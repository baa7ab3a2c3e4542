package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/store"
)

// monitorStopGrace is how long a stopping process lets running workspace
// runs finish before cancelling them (a cancelled run is retried elsewhere).
const monitorStopGrace = 30 * time.Second

// checkSchemaForMonitor is the schema check of the processes that do not
// migrate (worker, cycle): an outdated schema is a clear instruction, not a
// stack of errors.
func checkSchemaForMonitor(ctx context.Context, s *store.Store, log *slog.Logger) error {
	if _, err := s.CheckSchema(ctx, log.Warn); err != nil {
		if errors.Is(err, store.ErrSchemaOutdated) {
			return fmt.Errorf("%w\n(this command checks the schema but does not migrate; `vectoros serve` and `vectoros migrate` do)", err)
		}
		return err
	}
	return nil
}

// newMonitor builds the monitor with the configured narrator; obs (maybe
// nil) counts its LLM calls and reports its failed runs.
func newMonitor(cfg config.Config, env Env, s *store.Store, log *slog.Logger, obs *observability) (*monitor.Monitor, error) {
	n, err := newNarrator(cfg, s, env.Now, log, obs.llmCalls())
	if err != nil {
		return nil, err
	}
	return monitor.New(monitor.Options{Store: s, Logger: log, Now: env.Now, Narrator: n, Finished: obs.runFinished}), nil
}

// startQueue starts the monitor's job queue. A worker works runs and takes
// part in the periodic cycle (River's leader election makes one process
// insert it); without work it only enqueues (serve --no-worker), so the API
// can still request runs for a worker elsewhere.
func startQueue(ctx context.Context, cfg config.Config, env Env, s *store.Store, log *slog.Logger, work bool, obs *observability) (*monitor.Queue, func(), error) {
	opts := monitor.QueueOptions{Store: s, Interval: cfg.MonitorInterval, Logger: log}
	if work {
		m, err := newMonitor(cfg, env, s, log, obs)
		if err != nil {
			return nil, nil, err
		}
		opts.Monitor = m
	}
	q, err := monitor.NewQueue(opts)
	if err != nil {
		return nil, nil, err
	}
	// Not ctx itself: River treats the start context's cancellation (SIGTERM)
	// as a hard stop that cancels running jobs. stop below is the graceful
	// path: running workspace runs get monitorStopGrace to finish.
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		_ = q.Stop(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	if work {
		log.Info("monitor running", "interval", cfg.MonitorInterval, "database", s.Dialect())
	}
	stop := func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), monitorStopGrace)
		defer cancel()
		if err := q.Stop(sctx); err != nil {
			log.Warn("monitor: stop", "error", err)
		}
	}
	return q, stop, nil
}

// monitorProcess is what the monitor-only commands (worker, cycle) share:
// configuration, observability and a store whose schema they checked (they
// never migrate: that is `serve`'s and `migrate`'s job).
type monitorProcess struct {
	cfg   config.Config
	log   *slog.Logger
	obs   *observability
	store *store.Store
}

func openMonitorProcess(ctx context.Context, env Env, wait time.Duration) (*monitorProcess, error) {
	cfg, log, err := loadConfig(env)
	if err != nil {
		return nil, err
	}
	obs, log, err := newObservability(cfg, log)
	if err != nil {
		return nil, err
	}
	s, err := openStore(ctx, cfg, env, log, wait)
	if err != nil {
		obs.close()
		return nil, err
	}
	if err := checkSchemaForMonitor(ctx, s, log); err != nil {
		s.Close()
		obs.close()
		return nil, err
	}
	return &monitorProcess{cfg: cfg, log: log, obs: obs, store: s}, nil
}

func (p *monitorProcess) close() {
	p.store.Close()
	p.obs.close()
}
