// Package monitor is VectorOS's autonomous monitor (design §4): a workspace
// run loads the workspace's snapshot, runs the rules, reconciles their
// findings with the open insights in short transactions, and has the
// narrator word what is new. Runs are scheduled on River (queue.go) or run
// in-process by `vectoros cycle` (cycle.go); both use Execute.
package monitor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/store"
)

// Defaults of Options.
const (
	DefaultBatchDeals         = 500
	DefaultChunkDeals         = 1000
	DefaultNarrateConcurrency = 16
)

// Options configure a Monitor.
type Options struct {
	Store  *store.Store
	Logger *slog.Logger
	// Now is the instant the rules judge a run at; nil means the store's
	// clock, which also stamps the bookkeeping.
	Now func() time.Time
	// Narrator words new and escalated findings; nil means the template
	// narrator, whose text is written at persist time anyway.
	Narrator narrate.Narrator
	// Analyze is the rule engine, called once per chunk of deals with the
	// workspace's inputs; nil means the analysis package's rules with the
	// high-value threshold and stage norms of the whole workspace. Tests
	// swap it to inject faults.
	Analyze func(domain.WorkspaceSnapshot, time.Time) []domain.Finding
	// BatchDeals caps the deals whose changes share a transaction.
	BatchDeals int
	// ChunkDeals is how many open deals a run loads, analyses and
	// reconciles at a time; it bounds a run's memory.
	ChunkDeals int
	// NarrateConcurrency caps concurrent Narrate calls (the narrator also
	// enforces its own limit).
	NarrateConcurrency int
	// Finished, when set, is told each run's final outcome once it is
	// recorded: the run with its figures and, when it failed, the error
	// (the app reports failures to Sentry with workspace and run tags).
	Finished func(ctx context.Context, run domain.MonitorRun, err error)
}

// Monitor runs workspace runs. It is safe for concurrent use.
type Monitor struct {
	store      *store.Store
	log        *slog.Logger
	now        func() time.Time
	narrator   narrate.Narrator
	template   narrate.Template
	analyze    func(domain.WorkspaceSnapshot, time.Time) []domain.Finding
	batchDeals int
	chunkDeals int
	narrateN   int
	finished   func(ctx context.Context, run domain.MonitorRun, err error)
	// hook, when set (tests), is called once per run at the named stages:
	// "loaded" after the first chunk of deals, "reconciled" before the
	// first persist.
	hook func(stage, workspaceID string)
}

// New builds a Monitor.
func New(o Options) *Monitor {
	m := &Monitor{store: o.Store, log: o.Logger, now: o.Now, narrator: o.Narrator, analyze: o.Analyze,
		batchDeals: o.BatchDeals, chunkDeals: o.ChunkDeals, narrateN: o.NarrateConcurrency, finished: o.Finished}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.now == nil {
		m.now = o.Store.Now
	}
	if m.narrator == nil {
		m.narrator = m.template
	}
	if m.batchDeals <= 0 {
		m.batchDeals = DefaultBatchDeals
	}
	if m.chunkDeals <= 0 {
		m.chunkDeals = DefaultChunkDeals
	}
	if m.narrateN <= 0 {
		m.narrateN = DefaultNarrateConcurrency
	}
	return m
}

// errWorkspaceGone ends a run as skipped: its workspace was deleted.
var errWorkspaceGone = errors.New("monitor: the workspace no longer exists")

// PanicError is a panic inside a run (a rule, a narrator), recovered so it
// fails only that run. Retrying would panic again, so it is final.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("monitor: panic in workspace run: %v", e.Value)
}

// permanent reports whether retrying err cannot help.
func permanent(err error) bool {
	var p *PanicError
	return errors.As(err, &p)
}

// Execute runs a queued run to its end: it marks it running, does the
// workspace's work and records the outcome. A failure on a non-last attempt
// that a retry may cure leaves the run running and returns retry = true; a
// final outcome is written with FinishRun, and the cycle it completes (if
// any) is announced. The returned run carries the figures; the error is
// nil for a succeeded or skipped run.
func (m *Monitor) Execute(ctx context.Context, runID string, lastAttempt bool, progress func(deals int)) (domain.MonitorRun, bool, error) {
	return m.execute(ctx, runID, lastAttempt, progress, nil)
}

// execute is Execute with a hook that runs in the transaction recording the
// final outcome (the queue completes the run's job there).
func (m *Monitor) execute(ctx context.Context, runID string, lastAttempt bool, progress func(deals int),
	within func(ctx context.Context, tx *sql.Tx) error) (run domain.MonitorRun, retry bool, err error) {
	run, err = m.store.StartRun(ctx, runID)
	if err != nil {
		return run, false, err
	}
	log := m.log.With("run_id", run.ID, "workspace_id", run.WorkspaceID)
	fig, werr := m.work(ctx, run.WorkspaceID, progress)
	fig.ID, fig.CycleID, fig.WorkspaceID, fig.Trigger, fig.QueuedAt, fig.StartedAt =
		run.ID, run.CycleID, run.WorkspaceID, run.Trigger, run.QueuedAt, run.StartedAt
	switch {
	case werr == nil:
		fig.Status = domain.RunSucceeded
	case errors.Is(werr, errWorkspaceGone):
		fig.Status = domain.RunSkipped
		fig.Error = "the workspace was deleted"
	case !lastAttempt && !permanent(werr): // a blip, a timeout or a shutdown: another attempt may do it
		log.Warn("monitor run failed, will retry", "error", werr)
		// The note is best effort: the retry will record the outcome.
		_ = m.store.NoteRunAttempt(context.WithoutCancel(ctx), run.ID, werr.Error())
		return fig, true, werr
	default:
		fig.Status = domain.RunFailed
		fig.Error = werr.Error()
		log.Error("monitor run failed", "error", werr)
	}
	// Bookkeeping times come from the store's clock (as StartRun's did); the
	// monitor's own clock is the instant the rules judge.
	end := m.store.Now()
	fig.CompletedAt = &end
	// The job's context may be what ended the run; the outcome must still be written.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var sum *store.CycleSummary
	ferr := m.store.InMonitorTx(fctx, func(mt *store.MonitorTx) error {
		var err error
		if sum, err = mt.FinishRun(fctx, fig); err != nil {
			return err
		}
		if within != nil {
			return within(fctx, mt.Tx)
		}
		return nil
	})
	if ferr != nil {
		return fig, false, errors.Join(werr, ferr)
	}
	if fig.Status != domain.RunFailed {
		log.Info("monitor run finished", "status", fig.Status, "deals_analysed", fig.DealsAnalysed,
			"insights_created", fig.InsightsCreated, "insights_updated", fig.InsightsUpdated,
			"insights_resolved", fig.InsightsResolved, "critical", fig.CriticalCount, "llm_calls", fig.LLMCalls,
			"duration", end.Sub(*run.StartedAt).Round(time.Millisecond))
	}
	announce(m.log, sum)
	if fig.Status == domain.RunFailed {
		if m.finished != nil {
			m.finished(fctx, fig, werr)
		}
		return fig, false, werr
	}
	if m.finished != nil {
		m.finished(fctx, fig, nil)
	}
	return fig, false, nil
}

// announce logs a completed cycle; FinishRun returns a summary to exactly
// one caller per cycle, so this happens once per cycle.
func announce(log *slog.Logger, sum *store.CycleSummary) {
	if sum == nil {
		return
	}
	log.Info("MONITORING CYCLE COMPLETE", "cycle_id", sum.Cycle.ID, "trigger", sum.Cycle.Trigger,
		"workspaces", sum.Workspaces, "succeeded", sum.Cycle.Succeeded, "failed", sum.Cycle.Failed,
		"deals_analysed", sum.DealsAnalysed, "insights_created", sum.InsightsCreated,
		"insights_resolved", sum.InsightsResolved, "critical_alerts", sum.CriticalAlerts,
		"llm_calls", sum.LLMCalls, "llm_cost_usd", fmt.Sprintf("%.4f", sum.CostUSD),
		"duration", sum.Duration().Round(time.Millisecond))
}
