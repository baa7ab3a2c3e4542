package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// The /metrics figures that hold for the whole deployment: they live in the
// database, so every replica reads the same values, they survive restarts,
// and runs worked by a separate `vectoros worker` (or `vectoros cycle`)
// count as much as the ones worked here. Each is one set-based query over
// a whole table; observe caches the result for a scrape interval or so.

// RunTotals sums the monitor runs that reached one final status.
type RunTotals struct {
	Runs             int64
	Seconds          float64 // summed run durations
	DealsAnalysed    int64
	InsightsCreated  int64
	InsightsUpdated  int64
	InsightsResolved int64
	CriticalAlerts   int64
	LLMCalls         int64
	TokensIn         int64
	TokensOut        int64
	CostUSD          float64
}

// InsightCount is how many open insights (any status but resolved) have a
// rule and priority.
type InsightCount struct {
	Rule     string
	Priority string
	N        int64
}

// DeploymentFigures are the deployment-wide figures of /metrics.
type DeploymentFigures struct {
	// Runs by final status: succeeded, failed, skipped. Runs are never
	// deleted (they keep no foreign key to their workspace), so each total
	// only grows, as a Prometheus counter must.
	Runs map[string]RunTotals
	// Completed cycles without and with a failed run.
	CyclesSucceeded, CyclesFailed int64
	// LastSuccess is MonitorHeartbeat: the end of the last cycle without a
	// failed run (nil: none yet). LastCycle is the last completed cycle.
	LastSuccess *time.Time
	LastCycle   *domain.MonitorCycle

	Users             int64 // accounts (sign-ups less deleted accounts)
	WeeklyActiveUsers int64 // users seen (last_seen_at) in the 7 days before now
	Workspaces        int64
	Deals             map[string]int64 // by status: open, won, lost
	Feedback          map[string]int64 // insight_feedback rows by action: viewed, actioned, …
	// OpenInsights by rule and priority. Only open ones: they are bounded by
	// the open deals (and read through the open-insight index), while
	// resolved ones pile up forever; the runs' totals count resolutions.
	OpenInsights []InsightCount
}

// RunSettle is how long after its completed_at a finished run can still
// become visible: FinishRun stamps completed_at inside its own short
// transaction, so only clock skew between replicas could make it longer.
// Runs older than this are summed once per process and kept.
const RunSettle = time.Hour

// FiguresReader reads DeploymentFigures repeatedly. Runs are the one table
// that grows forever (a row per workspace every 30 minutes), so it sums
// them incrementally: runs that finished before now - RunSettle can no
// longer change or appear and are added to a running total once; only the
// last hour is summed again at each reading. It is safe for concurrent use.
type FiguresReader struct {
	s        *Store
	mu       sync.Mutex
	frozenTo time.Time            // runs with completed_at before it are in frozen
	frozen   map[string]RunTotals // by status
}

// NewFiguresReader returns a reader whose first reading sums every run.
func NewFiguresReader(s *Store) *FiguresReader {
	return &FiguresReader{s: s, frozen: map[string]RunTotals{}}
}

// DeploymentFigures reads the figures once (a FiguresReader without memory).
func (s *Store) DeploymentFigures(ctx context.Context, now time.Time) (DeploymentFigures, error) {
	return NewFiguresReader(s).Read(ctx, now)
}

// Read returns the figures as of now (also the instant weekly activity is
// measured back from).
func (r *FiguresReader) Read(ctx context.Context, now time.Time) (DeploymentFigures, error) {
	s := r.s
	f := DeploymentFigures{Deals: map[string]int64{}, Feedback: map[string]int64{}}
	var err error
	if f.Runs, err = r.runs(ctx, now); err != nil {
		return f, err
	}
	// A cycle counts once complete; skipped runs do not fail it.
	if err := s.q.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN failed = 0 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN failed > 0 THEN 1 ELSE 0 END), 0)
		FROM monitor_cycles WHERE completed_at IS NOT NULL`).Scan(&f.CyclesSucceeded, &f.CyclesFailed); err != nil {
		return f, fmt.Errorf("store: figures: cycles: %w", mapErr(err))
	}
	if f.LastSuccess, err = s.MonitorHeartbeat(ctx); err != nil {
		return f, err
	}
	if f.LastCycle, err = s.LastCompletedCycle(ctx); err != nil {
		return f, err
	}
	if err := s.q.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN last_seen_at >= $1 THEN 1 ELSE 0 END), 0) FROM users`,
		ts(now.Add(-7*24*time.Hour))).Scan(&f.Users, &f.WeeklyActiveUsers); err != nil {
		return f, fmt.Errorf("store: figures: users: %w", mapErr(err))
	}
	if err := s.q.queryRow(ctx, `SELECT COUNT(*) FROM workspaces`).Scan(&f.Workspaces); err != nil {
		return f, fmt.Errorf("store: figures: workspaces: %w", mapErr(err))
	}
	if err := s.countBy(ctx, `SELECT status, COUNT(*) FROM deals GROUP BY status`, f.Deals); err != nil {
		return f, fmt.Errorf("store: figures: deals: %w", err)
	}
	if err := s.countBy(ctx, `SELECT action, COUNT(*) FROM insight_feedback GROUP BY action`, f.Feedback); err != nil {
		return f, fmt.Errorf("store: figures: feedback: %w", err)
	}
	rows, err := s.q.query(ctx, `SELECT rule, priority, COUNT(*) FROM insights WHERE status <> 'resolved'
		GROUP BY rule, priority ORDER BY rule, priority`)
	if err != nil {
		return f, fmt.Errorf("store: figures: insights: %w", err)
	}
	for rows.Next() {
		var c InsightCount
		if err := rows.Scan(&c.Rule, &c.Priority, &c.N); err != nil {
			rows.Close()
			return f, fmt.Errorf("store: figures: insights: %w", mapErr(err))
		}
		f.OpenInsights = append(f.OpenInsights, c)
	}
	if err := closeFigureRows(rows); err != nil {
		return f, fmt.Errorf("store: figures: insights: %w", err)
	}
	return f, nil
}

// countBy runs a `SELECT key, COUNT(*) … GROUP BY key` into out.
func (s *Store) countBy(ctx context.Context, query string, out map[string]int64) error {
	rows, err := s.q.query(ctx, query)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return mapErr(err)
		}
		out[k] = n
	}
	return closeFigureRows(rows)
}

// closeFigureRows closes rows and returns the error that ended iteration.
func closeFigureRows(rows interface {
	Err() error
	Close() error
}) error {
	err := rows.Err()
	rows.Close()
	return mapErr(err)
}

// runs returns the totals by status: the frozen part brought up to
// now - RunSettle, plus the tail after it.
func (r *FiguresReader) runs(ctx context.Context, now time.Time) (map[string]RunTotals, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cut := now.Add(-RunSettle).UTC().Truncate(time.Microsecond)
	if cut.After(r.frozenTo) {
		add, err := r.s.runTotals(ctx, r.frozenTo, cut)
		if err != nil {
			return nil, err
		}
		for st, t := range add {
			r.frozen[st] = r.frozen[st].plus(t)
		}
		r.frozenTo = cut
	}
	tail, err := r.s.runTotals(ctx, r.frozenTo, time.Time{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]RunTotals, len(r.frozen)+len(tail))
	for st, t := range r.frozen {
		out[st] = t
	}
	for st, t := range tail {
		out[st] = out[st].plus(t)
	}
	return out, nil
}

func (t RunTotals) plus(o RunTotals) RunTotals {
	return RunTotals{Runs: t.Runs + o.Runs, Seconds: t.Seconds + o.Seconds, DealsAnalysed: t.DealsAnalysed + o.DealsAnalysed,
		InsightsCreated: t.InsightsCreated + o.InsightsCreated, InsightsUpdated: t.InsightsUpdated + o.InsightsUpdated,
		InsightsResolved: t.InsightsResolved + o.InsightsResolved, CriticalAlerts: t.CriticalAlerts + o.CriticalAlerts,
		LLMCalls: t.LLMCalls + o.LLMCalls, TokensIn: t.TokensIn + o.TokensIn, TokensOut: t.TokensOut + o.TokensOut,
		CostUSD: t.CostUSD + o.CostUSD}
}

// runTotals sums the finished runs with completed_at in [from, to); a zero
// from or to leaves that side open. The bounds use monitor_runs_completed.
func (s *Store) runTotals(ctx context.Context, from, to time.Time) (map[string]RunTotals, error) {
	// A run has completed_at exactly when its status is final; filtering on
	// it (not on status) lets a bounded read use monitor_runs_completed.
	where, args := "completed_at IS NOT NULL", []any{}
	if !from.IsZero() {
		args = append(args, ts(from))
		where += fmt.Sprintf(" AND completed_at >= $%d", len(args))
	}
	if !to.IsZero() {
		args = append(args, ts(to))
		where += fmt.Sprintf(" AND completed_at < $%d", len(args))
	}
	// Grouping by an expression, not the column: SQLite would otherwise walk
	// monitor_runs_status (sorted by status) over every run rather than
	// search monitor_runs_completed for the bounded range.
	rows, err := s.q.query(ctx, `SELECT status || '' AS st, COUNT(*), COALESCE(SUM(`+s.seconds("started_at", "completed_at")+`), 0),
			COALESCE(SUM(deals_analysed), 0), COALESCE(SUM(insights_created), 0), COALESCE(SUM(insights_updated), 0),
			COALESCE(SUM(insights_resolved), 0), COALESCE(SUM(critical_count), 0), COALESCE(SUM(llm_calls), 0),
			COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), COALESCE(SUM(cost_usd), 0)
		FROM monitor_runs WHERE `+where+` GROUP BY 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: figures: runs: %w", err)
	}
	out := map[string]RunTotals{}
	for rows.Next() {
		var status string
		var t RunTotals
		var secs, cost float64 // SQLite hands back REAL sums; scan both as float
		if err := rows.Scan(&status, &t.Runs, &secs, &t.DealsAnalysed, &t.InsightsCreated, &t.InsightsUpdated,
			&t.InsightsResolved, &t.CriticalAlerts, &t.LLMCalls, &t.TokensIn, &t.TokensOut, &cost); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: figures: runs: %w", mapErr(err))
		}
		t.Seconds, t.CostUSD = secs, cost
		out[status] = t
	}
	if err := closeFigureRows(rows); err != nil {
		return nil, fmt.Errorf("store: figures: runs: %w", err)
	}
	return out, nil
}
