package monitor

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/jobs"
	"github.com/vectoros/vectoros/internal/store"
)

// QueueName is the River queue the monitor's jobs use.
const QueueName = "monitor"

// DefaultInterval is MONITOR_INTERVAL's default.
const DefaultInterval = 30 * time.Minute

// workspaceAttempts caps attempts of a workspace job (design §4).
const workspaceAttempts = 3

// unfinished are the job states across which a workspace has at most one
// job: a request for a workspace already queued or running joins it.
var unfinished = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateScheduled, rivertype.JobStateRunning, rivertype.JobStateRetryable}

// QueueOptions configure a Queue.
type QueueOptions struct {
	Store *store.Store
	// Monitor works the jobs. Nil makes an insert-only queue (serve
	// --no-worker): it enqueues runs for other processes to work.
	Monitor *Monitor
	// Interval is the periodic cycle's period and the workspace jobs'
	// timeout; 0 means DefaultInterval.
	Interval time.Duration
	// NoPeriodic leaves the periodic cycle out (tests that drive cycles).
	NoPeriodic bool
	// Workers caps concurrent jobs in this process; 0: 2 on SQLite, 4 on PostgreSQL.
	Workers int
	Logger  *slog.Logger
	// FetchPollInterval overrides River's poll interval (tests).
	FetchPollInterval time.Duration
}

// Queue schedules the monitor on River, on the same database as the store
// with its own connection handle.
type Queue struct {
	client   *river.Client[*sql.Tx]
	db       *sql.DB
	store    *store.Store
	monitor  *Monitor
	log      *slog.Logger
	interval time.Duration
}

// NewQueue opens River's handle and builds its client. Nothing runs until Start.
func NewQueue(o QueueOptions) (*Queue, error) {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	q := &Queue{store: o.Store, monitor: o.Monitor, log: o.Logger, interval: o.Interval}
	driverName, dsn := o.Store.DSN()
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("monitor: queue: open: %w", err)
	}
	q.db = db
	cfg := &river.Config{
		Logger:               slog.New(minLevel{o.Logger.Handler(), slog.LevelWarn}), // River's info logs are noise here
		JobTimeout:           o.Interval,
		RescueStuckJobsAfter: o.Interval + 10*time.Minute,
		FetchPollInterval:    o.FetchPollInterval,
	}
	var client *river.Client[*sql.Tx]
	if o.Store.Dialect() == store.SQLite {
		db.SetMaxOpenConns(1) // riversqlite wants exactly one connection
		if o.Workers == 0 {
			o.Workers = 2
		}
	} else {
		db.SetMaxOpenConns(4)
		if o.Workers == 0 {
			o.Workers = 4
		}
	}
	if o.Monitor != nil {
		workers := river.NewWorkers()
		river.AddWorker(workers, &cycleWorker{q: q})
		river.AddWorker(workers, &workspaceWorker{q: q})
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{QueueName: {MaxWorkers: o.Workers}}
		if !o.NoPeriodic {
			cfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(o.Interval),
				func() (river.JobArgs, *river.InsertOpts) {
					return jobs.Cycle{Trigger: domain.TriggerPeriodic}, cycleOpts()
				}, &river.PeriodicJobOpts{ID: jobs.KindCycle, RunOnStart: true})}
		}
	}
	if o.Store.Dialect() == store.SQLite {
		client, err = river.NewClient(riversqlite.New(db), cfg)
	} else {
		client, err = river.NewClient(riverdatabasesql.New(db), cfg)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("monitor: queue: %w", err)
	}
	q.client = client
	return q, nil
}

func cycleOpts() *river.InsertOpts {
	return &river.InsertOpts{Queue: QueueName, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByState: unfinished}}
}

func workspaceOpts() *river.InsertOpts {
	return &river.InsertOpts{Queue: QueueName, MaxAttempts: workspaceAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: unfinished}}
}

// Start starts working jobs (and, for a worker, the periodic cycle: the
// leader among the processes on the database inserts it).
func (q *Queue) Start(ctx context.Context) error {
	if q.monitor == nil {
		return nil // insert-only
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("monitor: queue: start: %w", err)
	}
	return nil
}

// Stop lets running jobs finish (until ctx ends, then cancels them) and
// closes River's handle.
func (q *Queue) Stop(ctx context.Context) error {
	var err error
	if q.monitor != nil {
		if err = q.client.Stop(ctx); err != nil && ctx.Err() != nil {
			err = q.client.StopAndCancel(context.WithoutCancel(ctx))
		}
	}
	return errors.Join(err, q.db.Close())
}

// RequestRun implements jobs.Requester: it enqueues a manual run of the
// workspace, or joins the one already queued or running.
func (q *Queue) RequestRun(ctx context.Context, workspaceID string) (string, bool, error) {
	runID := store.NewRunID()
	out, joined := runID, false
	err := q.store.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		res, err := q.client.InsertTx(ctx, mt.Tx, jobs.WorkspaceRun{WorkspaceID: workspaceID, RunID: runID}, workspaceOpts())
		if err != nil {
			return err
		}
		if res.UniqueSkippedAsDuplicate {
			out, joined = existingRun(res.Job), true
			return nil
		}
		_, err = mt.CreateRun(ctx, runID, nil, workspaceID, domain.TriggerManual)
		return err
	})
	if err != nil {
		return "", false, fmt.Errorf("monitor: request run: %w", err)
	}
	return out, joined, nil
}

// StartCycle enqueues a cycle now: a monitor_cycles row and one job per
// workspace, each with its queued run, in one transaction. A workspace
// whose job is already queued or running joins that run when it belongs to
// no cycle yet (a manual run) and is left out otherwise.
func (q *Queue) StartCycle(ctx context.Context, trigger string) (domain.MonitorCycle, error) {
	if done, n, err := q.store.SweepAbandonedRuns(ctx, q.store.Now().Add(-sweepAfter(q.interval))); err != nil {
		q.log.Warn("monitor: sweeping abandoned runs failed", "error", err)
	} else {
		if n > 0 {
			q.log.Warn("monitor: failed abandoned runs", "runs", n)
		}
		for _, sum := range done {
			announce(q.log, sum)
		}
	}
	ids, err := q.store.ListWorkspaceIDs(ctx)
	if err != nil {
		return domain.MonitorCycle{}, err
	}
	var c domain.MonitorCycle
	var sum *store.CycleSummary
	err = q.store.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		var err error
		if c, err = mt.CreateCycle(ctx, trigger); err != nil {
			return err
		}
		for _, ws := range ids {
			runID := store.NewRunID()
			res, err := q.client.InsertTx(ctx, mt.Tx, jobs.WorkspaceRun{WorkspaceID: ws, RunID: runID}, workspaceOpts())
			if err != nil {
				return err
			}
			if res.UniqueSkippedAsDuplicate {
				joined, err := mt.AttachRun(ctx, existingRun(res.Job), c.ID)
				if err != nil {
					return err
				}
				if joined {
					c.Expected++
				}
				continue
			}
			if _, err := mt.CreateRun(ctx, runID, &c.ID, ws, trigger); err != nil {
				return err
			}
			c.Expected++
		}
		if err := mt.SetCycleExpected(ctx, c.ID, c.Expected); err != nil {
			return err
		}
		sum, err = mt.CompleteCycleIfDone(ctx, c.ID)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("monitor: start cycle: %w", err)
	}
	q.log.Info("monitoring cycle started", "cycle_id", c.ID, "trigger", trigger, "workspaces", c.Expected)
	announce(q.log, sum)
	return c, nil
}

// sweepAfter is how old a queued or running run must be before nobody can
// still be working on it: three attempts, each up to its timeout and the
// rescue delay, and slack.
func sweepAfter(interval time.Duration) time.Duration {
	return 3*(interval+interval+10*time.Minute) + time.Hour
}

func existingRun(job *rivertype.JobRow) string {
	var args jobs.WorkspaceRun
	if job != nil {
		_ = json.Unmarshal(job.EncodedArgs, &args)
	}
	return args.RunID
}

type cycleWorker struct {
	river.WorkerDefaults[jobs.Cycle]
	q *Queue
}

func (w *cycleWorker) Timeout(*river.Job[jobs.Cycle]) time.Duration { return 5 * time.Minute }

func (w *cycleWorker) Work(ctx context.Context, job *river.Job[jobs.Cycle]) error {
	trigger := job.Args.Trigger
	if trigger == "" {
		trigger = domain.TriggerPeriodic
	}
	_, err := w.q.StartCycle(ctx, trigger)
	return err
}

type workspaceWorker struct {
	river.WorkerDefaults[jobs.WorkspaceRun]
	q *Queue
}

// Timeout is the interval: a run never overlaps the next cycle's.
func (w *workspaceWorker) Timeout(*river.Job[jobs.WorkspaceRun]) time.Duration { return w.q.interval }

// Work runs the workspace run. A final outcome (succeeded, skipped or
// failed) completes the job in the transaction that records it, so the
// moment the run is over a new request queues a new run instead of joining
// this one; the run, not the job, says whether it failed.
func (w *workspaceWorker) Work(ctx context.Context, job *river.Job[jobs.WorkspaceRun]) error {
	last := job.Attempt >= job.MaxAttempts
	completed := false
	complete := func(ctx context.Context, tx *sql.Tx) error {
		_, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, job)
		completed = err == nil
		return err
	}
	_, retry, err := w.q.monitor.execute(ctx, job.Args.RunID, last, nil, complete)
	switch {
	case err == nil, completed:
		return nil
	case domain.IsKind(err, domain.KindConflict):
		return nil // the run is already over (a sweep, or a duplicate delivery)
	case domain.IsKind(err, domain.KindNotFound):
		return river.JobCancel(err) // no run row: nothing to record it on
	case retry:
		return err
	}
	return err // the outcome could not be recorded: a retry will
}

// minLevel drops records below a level.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}
