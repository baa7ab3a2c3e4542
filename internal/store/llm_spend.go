package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LLMSpend returns the estimated LLM cost, in US dollars, of the monitor
// runs that finished in [from, to), across every replica: the figure the
// Claude narrator's daily budget (LLM_DAILY_BUDGET_USD) is checked against,
// for the UTC day from = midnight, to = the next midnight. A run records its
// cost when it finishes, so a run still in progress is not in it (the
// narrator adds its own unrecorded spend). It uses monitor_runs_completed.
func (s *Store) LLMSpend(ctx context.Context, from, to time.Time) (float64, error) {
	var v sql.NullFloat64
	err := s.q.queryRow(ctx, `SELECT SUM(cost_usd) FROM monitor_runs WHERE completed_at >= $1 AND completed_at < $2`,
		ts(from), ts(to)).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: llm spend: %w", mapErr(err))
	}
	return v.Float64, nil
}
