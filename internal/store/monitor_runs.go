package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vectoros/vectoros/internal/domain"
)

// The monitor's bookkeeping: a cycle is one pass over every workspace, a
// run is one workspace's share of it. Counts on the cycle move only when a
// run first reaches a final status, so the run that makes succeeded + failed
// reach expected is the one (and only one) that completes the cycle.

const runCols = `id, cycle_id, workspace_id, trigger, status, queued_at, started_at, completed_at, deals_analysed,
	insights_created, insights_updated, insights_resolved, critical_count, llm_calls, tokens_in, tokens_out, cost_usd,
	budget_exhausted, error`

const cycleCols = `id, trigger, expected, succeeded, failed, started_at, completed_at`

func scanRun(sc interface{ Scan(...any) error }) (domain.MonitorRun, error) {
	var r domain.MonitorRun
	var cycle sql.NullString
	err := sc.Scan(&r.ID, &cycle, &r.WorkspaceID, &r.Trigger, &r.Status, timeScan{&r.QueuedAt}, nullTimeScan{&r.StartedAt},
		nullTimeScan{&r.CompletedAt}, &r.DealsAnalysed, &r.InsightsCreated, &r.InsightsUpdated, &r.InsightsResolved,
		&r.CriticalCount, &r.LLMCalls, &r.TokensIn, &r.TokensOut, &r.CostUSD, &r.BudgetExhausted, &r.Error)
	if cycle.Valid {
		r.CycleID = &cycle.String
	}
	return r, err
}

func scanCycle(sc interface{ Scan(...any) error }) (domain.MonitorCycle, error) {
	var c domain.MonitorCycle
	err := sc.Scan(&c.ID, &c.Trigger, &c.Expected, &c.Succeeded, &c.Failed, timeScan{&c.StartedAt}, nullTimeScan{&c.CompletedAt})
	return c, err
}

// IsFinalRunStatus reports whether a run in this status is over.
func IsFinalRunStatus(status string) bool {
	return status == domain.RunSucceeded || status == domain.RunFailed || status == domain.RunSkipped
}

// NewRunID returns an id for a run, so a queue job can carry it before the
// run row exists (both are written in one transaction).
func NewRunID() string { return newID() }

// CycleSummary is what a completed cycle did, summed over its runs; it is
// what `MONITORING CYCLE COMPLETE` logs.
type CycleSummary struct {
	Cycle            domain.MonitorCycle
	Workspaces       int
	DealsAnalysed    int
	InsightsCreated  int
	InsightsUpdated  int
	InsightsResolved int
	CriticalAlerts   int
	LLMCalls         int
	TokensIn         int
	TokensOut        int
	CostUSD          float64
}

// Duration is the cycle's wall time.
func (c CycleSummary) Duration() time.Duration {
	if c.Cycle.CompletedAt == nil {
		return 0
	}
	return c.Cycle.CompletedAt.Sub(c.Cycle.StartedAt)
}

// MonitorTx is a transaction in which the monitor writes its bookkeeping
// together with the job queue's rows (Tx is handed to River's InsertTx), so
// a job never exists without its run row, nor a run row without its job.
type MonitorTx struct {
	Tx *sql.Tx
	q  runner
	s  *Store
}

// InMonitorTx runs fn in a transaction, committing when it returns nil.
func (s *Store) InMonitorTx(ctx context.Context, fn func(mt *MonitorTx) error) error {
	err := s.inSQLTx(ctx, func(tx *sql.Tx, q runner) error {
		return fn(&MonitorTx{Tx: tx, q: q, s: s})
	})
	if err != nil {
		return fmt.Errorf("store: monitor tx: %w", err)
	}
	return nil
}

// CreateCycle inserts a cycle expecting no runs yet; SetCycleExpected fixes
// the count once the runs are enqueued, in the same transaction.
func (mt *MonitorTx) CreateCycle(ctx context.Context, trigger string) (domain.MonitorCycle, error) {
	c := domain.MonitorCycle{ID: newID(), Trigger: trigger, StartedAt: mt.s.Now()}
	if _, err := mt.q.exec(ctx, `INSERT INTO monitor_cycles (`+cycleCols+`) VALUES ($1,$2,0,0,0,$3,NULL)`,
		c.ID, c.Trigger, ts(c.StartedAt)); err != nil {
		return c, fmt.Errorf("store: create cycle: %w", err)
	}
	return c, nil
}

// CreateRun inserts a queued run with the given id (see NewRunID).
func (mt *MonitorTx) CreateRun(ctx context.Context, id string, cycleID *string, workspaceID, trigger string) (domain.MonitorRun, error) {
	r := domain.MonitorRun{ID: id, CycleID: cycleID, WorkspaceID: workspaceID, Trigger: trigger, Status: domain.RunQueued, QueuedAt: mt.s.Now()}
	if _, err := mt.q.exec(ctx, `INSERT INTO monitor_runs (`+runCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,NULL,NULL,0,0,0,0,0,0,0,0,0,$7,'')`,
		r.ID, strOrNil(cycleID), workspaceID, trigger, r.Status, ts(r.QueuedAt), false); err != nil {
		return r, fmt.Errorf("store: create run: %w", err)
	}
	return r, nil
}

// AttachRun makes a run that belongs to no cycle (a manual run the cycle
// joined) part of the cycle. A run already over counts toward the cycle at
// once, since its own finish could not. It reports whether the run joined.
func (mt *MonitorTx) AttachRun(ctx context.Context, runID, cycleID string) (bool, error) {
	var status string
	err := mt.q.queryRow(ctx, `UPDATE monitor_runs SET cycle_id = $1 WHERE id = $2 AND cycle_id IS NULL RETURNING status`,
		cycleID, runID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: attach run: %w", mapErr(err))
	}
	if IsFinalRunStatus(status) {
		if err := bumpCycle(ctx, mt.q, cycleID, status); err != nil {
			return false, err
		}
	}
	return true, nil
}

// SetCycleExpected records how many runs the cycle waits for.
func (mt *MonitorTx) SetCycleExpected(ctx context.Context, cycleID string, n int) error {
	if _, err := mt.q.exec(ctx, `UPDATE monitor_cycles SET expected = $1 WHERE id = $2`, n, cycleID); err != nil {
		return fmt.Errorf("store: set cycle expected: %w", err)
	}
	return nil
}

// CompleteCycleIfDone completes the cycle when every expected run is over
// (a cycle over no workspace, or one whose runs were all joined and done).
func (mt *MonitorTx) CompleteCycleIfDone(ctx context.Context, cycleID string) (*CycleSummary, error) {
	return completeCycle(ctx, mt.q, cycleID, mt.s.Now())
}

func bumpCycle(ctx context.Context, q runner, cycleID, status string) error {
	col := "succeeded" // a skipped run (workspace deleted) is not a failure
	if status == domain.RunFailed {
		col = "failed"
	}
	if _, err := q.exec(ctx, `UPDATE monitor_cycles SET `+col+` = `+col+` + 1 WHERE id = $1`, cycleID); err != nil {
		return fmt.Errorf("store: count run in cycle: %w", err)
	}
	return nil
}

// completeCycle sets completed_at if the counts are complete and it is still
// empty; the UPDATE's row lock makes exactly one caller see the row back.
func completeCycle(ctx context.Context, q runner, cycleID string, now time.Time) (*CycleSummary, error) {
	c, err := scanCycle(q.queryRow(ctx, `UPDATE monitor_cycles SET completed_at = $1
		WHERE id = $2 AND completed_at IS NULL AND succeeded + failed >= expected RETURNING `+cycleCols, ts(now), cycleID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: complete cycle: %w", mapErr(err))
	}
	sum := &CycleSummary{Cycle: c}
	err = q.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(deals_analysed), 0), COALESCE(SUM(insights_created), 0),
		COALESCE(SUM(insights_updated), 0), COALESCE(SUM(insights_resolved), 0), COALESCE(SUM(critical_count), 0),
		COALESCE(SUM(llm_calls), 0), COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), COALESCE(SUM(cost_usd), 0)
		FROM monitor_runs WHERE cycle_id = $1`, cycleID).Scan(&sum.Workspaces, &sum.DealsAnalysed, &sum.InsightsCreated,
		&sum.InsightsUpdated, &sum.InsightsResolved, &sum.CriticalAlerts, &sum.LLMCalls, &sum.TokensIn, &sum.TokensOut, &sum.CostUSD)
	if err != nil {
		return nil, fmt.Errorf("store: summarise cycle: %w", mapErr(err))
	}
	return sum, nil
}

// StartRun marks a run running (again, on a retry) and returns it. A run
// that is already over answers KindConflict: its job has nothing to do.
func (s *Store) StartRun(ctx context.Context, runID string) (domain.MonitorRun, error) {
	r, err := scanRun(s.q.queryRow(ctx, `UPDATE monitor_runs SET status = 'running', started_at = COALESCE(started_at, $1)
		WHERE id = $2 AND status IN ('queued', 'running') RETURNING `+runCols, ts(s.Now()), runID))
	if errors.Is(err, sql.ErrNoRows) {
		if _, gerr := s.GetRunByID(ctx, runID); gerr != nil {
			return r, gerr
		}
		return r, fmt.Errorf("store: start run: %w", domain.Errorf(domain.KindConflict, "run %s is already over", runID))
	}
	if err != nil {
		return r, fmt.Errorf("store: start run: %w", mapErr(err))
	}
	return r, nil
}

// NoteRunAttempt records the error of an attempt that will be retried; the
// run stays running.
func (s *Store) NoteRunAttempt(ctx context.Context, runID, msg string) error {
	if _, err := s.q.exec(ctx, `UPDATE monitor_runs SET error = $1 WHERE id = $2 AND status IN ('queued', 'running')`,
		truncate(msg, 1000), runID); err != nil {
		return fmt.Errorf("store: note run attempt: %w", err)
	}
	return nil
}

// FinishRun writes a run's final status and figures in a transaction of
// its own; see MonitorTx.FinishRun.
func (s *Store) FinishRun(ctx context.Context, r domain.MonitorRun) (*CycleSummary, error) {
	var sum *CycleSummary
	err := s.InMonitorTx(ctx, func(mt *MonitorTx) error {
		var err error
		sum, err = mt.FinishRun(ctx, r)
		return err
	})
	return sum, err
}

// FinishRun writes a run's final status and figures. Only the first finish
// counts: a second one (a retried job, a sweep) changes nothing and returns
// nil. When this finish completes the run's cycle, the cycle's summary is
// returned so the caller can announce it, once. The queue completes the
// run's job in the same transaction, so no request can join a run that is
// already over.
func (mt *MonitorTx) FinishRun(ctx context.Context, r domain.MonitorRun) (*CycleSummary, error) {
	if !IsFinalRunStatus(r.Status) {
		return nil, fmt.Errorf("store: finish run: %q is not a final status", r.Status)
	}
	now := mt.s.Now()
	if r.CompletedAt == nil {
		r.CompletedAt = &now
	}
	var cycle sql.NullString
	err := mt.q.queryRow(ctx, `UPDATE monitor_runs SET status = $1, started_at = COALESCE(started_at, $2), completed_at = $3,
		deals_analysed = $4, insights_created = $5, insights_updated = $6, insights_resolved = $7, critical_count = $8,
		llm_calls = $9, tokens_in = $10, tokens_out = $11, cost_usd = $12, budget_exhausted = $13, error = $14
		WHERE id = $15 AND status IN ('queued', 'running') RETURNING cycle_id`,
		r.Status, tsp(r.StartedAt), ts(*r.CompletedAt), r.DealsAnalysed, r.InsightsCreated, r.InsightsUpdated,
		r.InsightsResolved, r.CriticalCount, r.LLMCalls, r.TokensIn, r.TokensOut, r.CostUSD, r.BudgetExhausted,
		truncate(r.Error, 1000), r.ID).Scan(&cycle)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !cycle.Valid) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: finish run: %w", mapErr(err))
	}
	if err := bumpCycle(ctx, mt.q, cycle.String, r.Status); err != nil {
		return nil, err
	}
	return completeCycle(ctx, mt.q, cycle.String, now)
}

// SweepAbandonedRuns fails runs still queued or running that were queued
// before the cutoff: their worker died and the queue gave up on the job, so
// nothing else would ever finish them or complete their cycle.
func (s *Store) SweepAbandonedRuns(ctx context.Context, queuedBefore time.Time) ([]*CycleSummary, int, error) {
	rows, err := s.q.query(ctx, `SELECT id FROM monitor_runs WHERE status IN ('queued', 'running') AND queued_at < $1`, ts(queuedBefore))
	if err != nil {
		return nil, 0, fmt.Errorf("store: sweep runs: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("store: sweep runs: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: sweep runs: %w", err)
	}
	var done []*CycleSummary
	for _, id := range ids {
		sum, err := s.FinishRun(ctx, domain.MonitorRun{ID: id, Status: domain.RunFailed,
			Error: "abandoned: no worker finished this run (the process stopped or the job ran out of attempts)"})
		if err != nil {
			return done, 0, err
		}
		if sum != nil {
			done = append(done, sum)
		}
	}
	return done, len(ids), nil
}

// GetRunByID returns a run whatever its workspace (the worker's view: the
// workspace may be gone).
func (s *Store) GetRunByID(ctx context.Context, runID string) (domain.MonitorRun, error) {
	r, err := scanRun(s.q.queryRow(ctx, `SELECT `+runCols+` FROM monitor_runs WHERE id = $1`, runID))
	if err != nil {
		return r, fmt.Errorf("store: get run: %w", rowErr(err, "monitor run"))
	}
	return r, nil
}

// GetRun returns a run of the workspace.
func (s *Store) GetRun(ctx context.Context, workspaceID, runID string) (domain.MonitorRun, error) {
	r, err := scanRun(s.q.queryRow(ctx, `SELECT `+runCols+` FROM monitor_runs WHERE workspace_id = $1 AND id = $2`, workspaceID, runID))
	if err != nil {
		return r, fmt.Errorf("store: get run: %w", rowErr(err, "monitor run"))
	}
	return r, nil
}

// ListRuns returns a page of the workspace's runs, newest first, and the
// cursor of the next page.
func (s *Store) ListRuns(ctx context.Context, workspaceID string, limit int, cursorText string) ([]domain.MonitorRun, string, error) {
	const sortKey = "queued_at"
	cur, err := decodeCursor(cursorText, sortKey)
	if err != nil {
		return nil, "", err
	}
	args := []any{workspaceID}
	where := "workspace_id = $1"
	if cur != nil {
		t, err := time.Parse(time.RFC3339Nano, cur.Value)
		if err != nil {
			return nil, "", domain.Errorf(domain.KindInvalid, "cursor is not a cursor from this list")
		}
		args = append(args, ts(t), cur.ID)
		where += " AND (queued_at < $2 OR (queued_at = $2 AND id < $3))"
	}
	limit = clampLimit(limit)
	rows, err := s.q.query(ctx, `SELECT `+runCols+` FROM monitor_runs WHERE `+where+
		` ORDER BY queued_at DESC, id DESC LIMIT `+strconv.Itoa(limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list runs: %w", err)
	}
	defer rows.Close()
	var out []domain.MonitorRun
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: list runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: list runs: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[len(out)-1]
		next = encodeCursor(cursor{Sort: sortKey, Value: last.QueuedAt.Format(time.RFC3339Nano), ID: last.ID})
	}
	return out, next, nil
}

// ListCycleRuns returns the runs of a cycle, in queue order.
func (s *Store) ListCycleRuns(ctx context.Context, cycleID string) ([]domain.MonitorRun, error) {
	rows, err := s.q.query(ctx, `SELECT `+runCols+` FROM monitor_runs WHERE cycle_id = $1 ORDER BY queued_at, id`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("store: list cycle runs: %w", err)
	}
	defer rows.Close()
	var out []domain.MonitorRun
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list cycle runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetCycle returns a cycle.
func (s *Store) GetCycle(ctx context.Context, id string) (domain.MonitorCycle, error) {
	c, err := scanCycle(s.q.queryRow(ctx, `SELECT `+cycleCols+` FROM monitor_cycles WHERE id = $1`, id))
	if err != nil {
		return c, fmt.Errorf("store: get cycle: %w", rowErr(err, "monitor cycle"))
	}
	return c, nil
}

// LastCompletedCycle returns the most recently completed cycle, nil when
// none has completed yet.
func (s *Store) LastCompletedCycle(ctx context.Context) (*domain.MonitorCycle, error) {
	c, err := scanCycle(s.q.queryRow(ctx, `SELECT `+cycleCols+` FROM monitor_cycles
		WHERE completed_at IS NOT NULL ORDER BY completed_at DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: last cycle: %w", mapErr(err))
	}
	return &c, nil
}

// OpenDealCounts returns the number of open deals per workspace (for
// progress reporting).
func (s *Store) OpenDealCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.q.query(ctx, `SELECT workspace_id, COUNT(*) FROM deals WHERE status = 'open' GROUP BY workspace_id`)
	if err != nil {
		return nil, fmt.Errorf("store: count open deals: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: count open deals: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// truncate cuts s to at most n bytes without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
