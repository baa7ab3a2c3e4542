package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// BenchmarkDeploymentFigures is the database cost of one /metrics reading
// (paid at most once per 30 s per process) as history grows: monitor_runs
// gains a row per workspace every 30 minutes and is never pruned (100,000
// runs is 10 workspaces for 208 days). Run with:
//
//	VECTOROS_TEST_POSTGRES_URL=... go test ./internal/store -run '^$' -bench DeploymentFigures -benchtime 20x
func BenchmarkDeploymentFigures(b *testing.B) {
	for _, kind := range testdb.Kinds(b) {
		for _, runs := range []int{10_000, 100_000} {
			s := testdb.Open(b, kind, time.Now)
			figSeed(b, s, runs, runs/2)
			ctx := context.Background()
			// cold: a process's first reading sums every run; steady: later
			// readings sum the last hour of runs only.
			steady := store.NewFiguresReader(s)
			for _, mode := range []string{"cold", "steady"} {
				b.Run(fmt.Sprintf("%s/runs=%d/insights=%d/%s", kind, runs, runs/2, mode), func(b *testing.B) {
					for b.Loop() {
						read := steady.Read
						if mode == "cold" {
							read = store.NewFiguresReader(s).Read
						}
						f, err := read(ctx, time.Now())
						if err != nil {
							b.Fatal(err)
						}
						if f.Runs[domain.RunSucceeded].Runs == 0 {
							b.Fatal("no runs read")
						}
					}
				})
			}
		}
	}
}

// figSeed inserts runs finished runs (1 in 50 failed) and insights on one
// deal, in multi-row INSERTs.
func figSeed(b *testing.B, s *store.Store, runs, insights int) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "fig@example.com", "Fig", "h")
	if err != nil {
		b.Fatal(err)
	}
	w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "Fig"}, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "d"}, domain.SystemActor)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	const batch = 500
	insert := func(head string, cols, n int, row func(i int) []any) {
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for start := 0; start < n; start += batch {
			var sb strings.Builder
			var args []any
			for i := start; i < min(start+batch, n); i++ {
				if i > start {
					sb.WriteString(",")
				}
				sb.WriteString("(")
				for c := range cols {
					if c > 0 {
						sb.WriteString(",")
					}
					fmt.Fprintf(&sb, "$%d", len(args)+c+1)
				}
				sb.WriteString(")")
				args = append(args, row(i)...)
			}
			if _, err := tx.ExecContext(ctx, head+sb.String(), args...); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	insert(`INSERT INTO monitor_runs (id, cycle_id, workspace_id, trigger, status, queued_at, started_at, completed_at,
		deals_analysed, insights_created, insights_updated, insights_resolved, critical_count, llm_calls, tokens_in,
		tokens_out, cost_usd, budget_exhausted, error) VALUES `, 19, runs, func(i int) []any {
		at := now.Add(-time.Duration(runs-i) * time.Minute)
		status := domain.RunSucceeded
		if i%50 == 0 {
			status = domain.RunFailed
		}
		return []any{fmt.Sprintf("run-%08d", i), nil, w.ID, domain.TriggerPeriodic, status, at, at, at.Add(2 * time.Second),
			100, 3, 2, 1, 0, 4, 4000, 900, 0.02, false, ""}
	})
	rules := []string{"stale", "stuck_in_stage", "overdue", "no_next_step"}
	prios := []domain.Priority{domain.PriorityMedium, domain.PriorityHigh, domain.PriorityCritical}
	insert(`INSERT INTO insights (id, workspace_id, deal_id, rule, fingerprint, type, title, description, priority, priority_rank,
		max_priority_notified, severity, confidence, evidence, actions, status, narrator, narration_key, tokens_in, tokens_out,
		cost_usd, first_seen_at, created_at, updated_at) VALUES `, 24, insights, func(i int) []any {
		p := prios[i%len(prios)]
		status := "new"
		if i%3 == 0 {
			status = "resolved"
		}
		return []any{fmt.Sprintf("ins-%08d", i), w.ID, d.ID, rules[i%len(rules)], fmt.Sprintf("fp-%d", i), "risk", "t", "d",
			string(p), p.Rank(), p.Rank(), 0.5, 0.9, "[]", "[]", status, "template", "", 0, 0, 0.0, now, now, now}
	})
}
