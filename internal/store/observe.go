package store

import (
	"context"
	"fmt"
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

// InsightCount is how many insights of a rule and priority exist, open
// (any status but resolved) or resolved.
type InsightCount struct {
	Rule     string
	Priority string
	Open     bool
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
	Insights          []InsightCount
}

// DeploymentFigures reads the figures. now is the instant weekly activity
// is measured back from.
func (s *Store) DeploymentFigures(ctx context.Context, now time.Time) (DeploymentFigures, error) {
	f := DeploymentFigures{Runs: map[string]RunTotals{}, Deals: map[string]int64{}, Feedback: map[string]int64{}}
	rows, err := s.q.query(ctx, `SELECT status, COUNT(*), COALESCE(SUM(`+s.seconds("started_at", "completed_at")+`), 0),
			COALESCE(SUM(deals_analysed), 0), COALESCE(SUM(insights_created), 0), COALESCE(SUM(insights_updated), 0),
			COALESCE(SUM(insights_resolved), 0), COALESCE(SUM(critical_count), 0), COALESCE(SUM(llm_calls), 0),
			COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), COALESCE(SUM(cost_usd), 0)
		FROM monitor_runs WHERE status IN ('succeeded', 'failed', 'skipped') GROUP BY status`)
	if err != nil {
		return f, fmt.Errorf("store: figures: runs: %w", err)
	}
	for rows.Next() {
		var status string
		var t RunTotals
		var secs, cost float64 // SQLite hands back REAL sums; scan both as float
		if err := rows.Scan(&status, &t.Runs, &secs, &t.DealsAnalysed, &t.InsightsCreated, &t.InsightsUpdated,
			&t.InsightsResolved, &t.CriticalAlerts, &t.LLMCalls, &t.TokensIn, &t.TokensOut, &cost); err != nil {
			rows.Close()
			return f, fmt.Errorf("store: figures: runs: %w", mapErr(err))
		}
		t.Seconds, t.CostUSD = secs, cost
		f.Runs[status] = t
	}
	if err := closeFigureRows(rows); err != nil {
		return f, fmt.Errorf("store: figures: runs: %w", err)
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
	rows, err = s.q.query(ctx, `SELECT rule, priority, CASE WHEN status = 'resolved' THEN 0 ELSE 1 END AS open, COUNT(*)
		FROM insights GROUP BY rule, priority, CASE WHEN status = 'resolved' THEN 0 ELSE 1 END ORDER BY rule, priority, open`)
	if err != nil {
		return f, fmt.Errorf("store: figures: insights: %w", err)
	}
	for rows.Next() {
		var c InsightCount
		var open int
		if err := rows.Scan(&c.Rule, &c.Priority, &open, &c.N); err != nil {
			rows.Close()
			return f, fmt.Errorf("store: figures: insights: %w", mapErr(err))
		}
		c.Open = open == 1
		f.Insights = append(f.Insights, c)
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
