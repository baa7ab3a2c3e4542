package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// The operations page's figures: what the monitor and the team did per UTC
// day, each series from one set-based query grouped by day. Every query
// filters by workspace, so an admin sees their own workspace only.

// MaxAnalyticsDays caps the window of Analytics.
const MaxAnalyticsDays = 366

// DayFigures is one UTC day of a workspace's operations figures.
type DayFigures struct {
	Day domain.Date
	// Monitor runs that finished that day, by outcome, and the total of
	// their durations (RunSeconds / Runs is the average).
	Runs          int
	RunsSucceeded int
	RunsFailed    int
	RunsSkipped   int
	RunSeconds    float64
	// LLM calls and estimated cost (USD) of those runs.
	LLMCalls   int
	LLMCostUSD float64
	// Insights first created that day; CriticalInsights of them critical.
	Insights         int
	CriticalInsights int
	// insight_feedback rows: views, actions taken, dismissals and snoozes.
	Views     int
	Actions   int
	Dismissed int
	Snoozed   int
	// Members of the workspace whose account was created that day, and
	// deals added to it.
	SignUps    int
	DealsAdded int
}

// SuccessRate is the share of the day's finished runs that did not fail;
// nil without runs.
func (d DayFigures) SuccessRate() *float64 {
	if d.Runs == 0 {
		return nil
	}
	r := float64(d.Runs-d.RunsFailed) / float64(d.Runs)
	return &r
}

// AvgRunDuration is the day's average run duration (zero without runs).
func (d DayFigures) AvgRunDuration() time.Duration {
	if d.Runs == 0 {
		return 0
	}
	return time.Duration(d.RunSeconds / float64(d.Runs) * float64(time.Second))
}

// add sums o into d (for totals).
func (d *DayFigures) add(o DayFigures) {
	d.Runs += o.Runs
	d.RunsSucceeded += o.RunsSucceeded
	d.RunsFailed += o.RunsFailed
	d.RunsSkipped += o.RunsSkipped
	d.RunSeconds += o.RunSeconds
	d.LLMCalls += o.LLMCalls
	d.LLMCostUSD += o.LLMCostUSD
	d.Insights += o.Insights
	d.CriticalInsights += o.CriticalInsights
	d.Views += o.Views
	d.Actions += o.Actions
	d.Dismissed += o.Dismissed
	d.Snoozed += o.Snoozed
	d.SignUps += o.SignUps
	d.DealsAdded += o.DealsAdded
}

// Analytics is a workspace's operations figures over a window of UTC days.
type Analytics struct {
	// From and To are the first and last day; Days has one entry for each
	// day in between (zero when nothing happened), oldest first.
	From, To domain.Date
	Days     []DayFigures
	Totals   DayFigures
	// WeeklyActiveUsers counts members seen in the 7 days before now
	// (users.last_seen_at, written at most hourly); Members counts all.
	WeeklyActiveUsers int
	Members           int
}

// Analytics returns the last `days` UTC days (today included) of the
// workspace's operations figures.
func (s *Store) Analytics(ctx context.Context, workspaceID string, days int) (Analytics, error) {
	days = max(1, min(days, MaxAnalyticsDays))
	now := s.Now()
	to := domain.DateOf(now)
	from := to.AddDays(-(days - 1))
	a := Analytics{From: from, To: to, Days: make([]DayFigures, days)}
	index := map[string]*DayFigures{}
	for i := range a.Days {
		a.Days[i].Day = from.AddDays(i)
		index[a.Days[i].Day.String()] = &a.Days[i]
	}
	since := ts(from.Time())
	series := []struct {
		name  string
		query string
		scan  func(rows *sql.Rows, day *string, d *DayFigures) error
	}{
		{"runs", `SELECT ` + s.utcDay("completed_at") + ` AS day, COUNT(*),
				COALESCE(SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(` + s.seconds("started_at", "completed_at") + `), 0),
				COALESCE(SUM(llm_calls), 0), COALESCE(SUM(cost_usd), 0)
			FROM monitor_runs WHERE workspace_id = $1 AND completed_at >= $2 GROUP BY day`,
			func(rows *sql.Rows, day *string, d *DayFigures) error {
				return rows.Scan(day, &d.Runs, &d.RunsSucceeded, &d.RunsFailed, &d.RunsSkipped, &d.RunSeconds, &d.LLMCalls, &d.LLMCostUSD)
			}},
		{"insights", `SELECT ` + s.utcDay("created_at") + ` AS day, COUNT(*),
				COALESCE(SUM(CASE WHEN priority_rank = 3 THEN 1 ELSE 0 END), 0)
			FROM insights WHERE workspace_id = $1 AND created_at >= $2 GROUP BY day`,
			func(rows *sql.Rows, day *string, d *DayFigures) error {
				return rows.Scan(day, &d.Insights, &d.CriticalInsights)
			}},
		{"feedback", `SELECT ` + s.utcDay("at") + ` AS day,
				COALESCE(SUM(CASE WHEN action = 'viewed' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN action = 'actioned' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN action = 'dismissed' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN action = 'snoozed' THEN 1 ELSE 0 END), 0)
			FROM insight_feedback WHERE workspace_id = $1 AND at >= $2 GROUP BY day`,
			func(rows *sql.Rows, day *string, d *DayFigures) error {
				return rows.Scan(day, &d.Views, &d.Actions, &d.Dismissed, &d.Snoozed)
			}},
		{"sign-ups", `SELECT ` + s.utcDay("u.created_at") + ` AS day, COUNT(*)
			FROM users u JOIN workspace_members m ON m.user_id = u.id
			WHERE m.workspace_id = $1 AND u.created_at >= $2 GROUP BY day`,
			func(rows *sql.Rows, day *string, d *DayFigures) error { return rows.Scan(day, &d.SignUps) }},
		{"deals", `SELECT ` + s.utcDay("created_at") + ` AS day, COUNT(*)
			FROM deals WHERE workspace_id = $1 AND created_at >= $2 GROUP BY day`,
			func(rows *sql.Rows, day *string, d *DayFigures) error { return rows.Scan(day, &d.DealsAdded) }},
	}
	for _, sr := range series {
		if err := s.scanDays(ctx, sr.query, workspaceID, since, index, sr.scan); err != nil {
			return a, fmt.Errorf("store: analytics %s: %w", sr.name, err)
		}
	}
	for _, d := range a.Days {
		a.Totals.add(d)
	}
	err := s.q.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN u.last_seen_at >= $2 THEN 1 ELSE 0 END), 0)
		FROM workspace_members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1`,
		workspaceID, ts(now.Add(-7*24*time.Hour))).Scan(&a.Members, &a.WeeklyActiveUsers)
	if err != nil {
		return a, fmt.Errorf("store: analytics active users: %w", mapErr(err))
	}
	return a, nil
}

// scanDays runs a per-day query (its first column the day as YYYY-MM-DD)
// and adds each row's figures to that day.
func (s *Store) scanDays(ctx context.Context, query, workspaceID string, since any, index map[string]*DayFigures,
	scan func(rows *sql.Rows, day *string, d *DayFigures) error) error {
	rows, err := s.q.query(ctx, query, workspaceID, since)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var row DayFigures
		var day string
		if err := scan(rows, &day, &row); err != nil {
			return mapErr(err)
		}
		if d, ok := index[day]; ok {
			d.add(row)
		}
	}
	return rows.Err()
}

// utcDay is the SQL for a timestamp column's UTC calendar day as
// YYYY-MM-DD text. Stored times are UTC on SQLite; PostgreSQL's session
// zone may be anything, so the conversion is explicit there.
func (s *Store) utcDay(col string) string {
	if s.dialect == Postgres {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "date(" + col + ")"
}

// seconds is the SQL for the seconds between two timestamp columns.
func (s *Store) seconds(start, end string) string {
	if s.dialect == Postgres {
		return "EXTRACT(EPOCH FROM (" + end + " - " + start + "))"
	}
	// unixepoch's subsec keeps milliseconds exact where julianday's double
	// would not (90 s came back as 89.99999 s).
	return "(unixepoch(" + end + ", 'subsec') - unixepoch(" + start + ", 'subsec'))"
}

// MonitorStatus is what the dashboard says about the monitor.
type MonitorStatus struct {
	// LastRun is the workspace's most recent finished run; Pending a run
	// of it queued or running now. Either may be nil.
	LastRun *domain.MonitorRun
	Pending *domain.MonitorRun
	// LastPeriodicStart is when the latest periodic cycle (over every
	// workspace) started; the next one is due an interval later.
	LastPeriodicStart *time.Time
}

// MonitorStatus returns the workspace's latest finished and pending runs
// and the start of the latest periodic cycle.
func (s *Store) MonitorStatus(ctx context.Context, workspaceID string) (MonitorStatus, error) {
	var st MonitorStatus
	get := func(query string) (*domain.MonitorRun, error) {
		r, err := scanRun(s.q.queryRow(ctx, `SELECT `+runCols+` FROM monitor_runs WHERE workspace_id = $1 AND `+query, workspaceID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, mapErr(err)
		}
		return &r, nil
	}
	var err error
	if st.LastRun, err = get(`status IN ('succeeded', 'failed', 'skipped') ORDER BY completed_at DESC, id DESC LIMIT 1`); err != nil {
		return st, fmt.Errorf("store: monitor status: %w", err)
	}
	if st.Pending, err = get(`status IN ('queued', 'running') ORDER BY queued_at DESC, id DESC LIMIT 1`); err != nil {
		return st, fmt.Errorf("store: monitor status: %w", err)
	}
	var last sql.Null[any]
	if err := s.q.queryRow(ctx, `SELECT MAX(started_at) FROM monitor_cycles WHERE trigger = $1`, domain.TriggerPeriodic).
		Scan(&last); err != nil {
		return st, fmt.Errorf("store: monitor status: %w", mapErr(err))
	}
	if st.LastPeriodicStart, err = aggTime(last); err != nil {
		return st, fmt.Errorf("store: monitor status: %w", err)
	}
	return st, nil
}
