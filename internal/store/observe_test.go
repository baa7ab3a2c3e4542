package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// figRun queues a run of ws in cycle (nil: manual), starts it, lets d pass
// and finishes it with status and figures.
func figRun(t *testing.T, s *store.Store, clock *testdb.Clock, cycle *string, ws, status string, d time.Duration, fig domain.MonitorRun) {
	t.Helper()
	ctx := context.Background()
	id := store.NewRunID()
	if err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		_, err := mt.CreateRun(ctx, id, cycle, ws, domain.TriggerManual)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	r, err := s.StartRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(d)
	fig.ID, fig.CycleID, fig.WorkspaceID, fig.Trigger, fig.QueuedAt, fig.StartedAt, fig.Status = r.ID, r.CycleID, r.WorkspaceID, r.Trigger, r.QueuedAt, r.StartedAt, status
	if _, err := s.FinishRun(ctx, fig); err != nil {
		t.Fatal(err)
	}
}

// figCycle creates a cycle expecting n runs.
func figCycle(t *testing.T, s *store.Store, n int) *string {
	t.Helper()
	ctx := context.Background()
	var id string
	if err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		c, err := mt.CreateCycle(ctx, domain.TriggerPeriodic)
		if err != nil {
			return err
		}
		id = c.ID
		return mt.SetCycleExpected(ctx, c.ID, n)
	}); err != nil {
		t.Fatal(err)
	}
	return &id
}

func TestDeploymentFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		empty, err := s.DeploymentFigures(ctx, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(empty.Runs) != 0 || empty.Users != 0 || empty.LastSuccess != nil || empty.LastCycle != nil || len(empty.OpenInsights) != 0 {
			t.Fatalf("empty database: %+v", empty)
		}

		// Two accounts: one seen 10 days ago, one seen now.
		old, err := s.CreateUser(ctx, "old@example.com", "Old", "hash")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.TouchUser(ctx, old.ID); err != nil {
			t.Fatal(err)
		}
		clock.Advance(10 * 24 * time.Hour)
		u, err := s.CreateUser(ctx, "u@example.com", "U", "hash")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.TouchUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "W"}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "W2"}, old.ID); err != nil {
			t.Fatal(err)
		}
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		var deals []domain.Deal
		for _, stage := range []string{"lead", "qualified", "won"} {
			d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: stage, Stage: stage}, actor)
			if err != nil {
				t.Fatal(err)
			}
			deals = append(deals, d)
		}
		insight := func(id, rule string, p domain.Priority) {
			t.Helper()
			_, err := s.DB().ExecContext(ctx, `INSERT INTO insights (id, workspace_id, deal_id, rule, fingerprint, type, title,
				description, priority, priority_rank, max_priority_notified, severity, confidence, evidence, actions, status, narrator,
				narration_key, tokens_in, tokens_out, cost_usd, first_seen_at, created_at, updated_at)
				VALUES ($1,$2,$3,$4,$5,'risk','t','d',$6,$7,$7,0.5,0.9,'[]','[]','new','template','',0,0,0,$8,$8,$8)`,
				id, w.ID, deals[0].ID, rule, rule+":"+id, string(p), p.Rank(), clock.Now().UTC())
			if err != nil {
				t.Fatal(err)
			}
		}
		insight("i1", "stale", domain.PriorityCritical)
		insight("i2", "stale", domain.PriorityCritical)
		insight("i3", "overdue", domain.PriorityMedium)
		if _, err := s.DB().ExecContext(ctx, `UPDATE insights SET status = 'resolved' WHERE id = 'i3'`); err != nil {
			t.Fatal(err)
		}
		for _, ch := range []domain.InsightStatus{domain.StatusViewed, domain.StatusViewed, domain.StatusActioned} {
			if _, err := s.SetInsightStatus(ctx, w.ID, "i1", store.InsightChange{Status: ch}, actor); err != nil {
				t.Fatal(err)
			}
		}

		// A cycle of two runs, one failing; then a clean cycle of one run;
		// a manual run and a skipped one outside cycles.
		c1 := figCycle(t, s, 2)
		figRun(t, s, clock, c1, w.ID, domain.RunSucceeded, 2*time.Second,
			domain.MonitorRun{DealsAnalysed: 2, InsightsCreated: 3, InsightsResolved: 1, CriticalCount: 2, LLMCalls: 2, TokensIn: 100, TokensOut: 40, CostUSD: 0.5})
		figRun(t, s, clock, c1, "ws-x", domain.RunFailed, time.Second, domain.MonitorRun{})
		c2 := figCycle(t, s, 1)
		figRun(t, s, clock, c2, w.ID, domain.RunSucceeded, 3*time.Second, domain.MonitorRun{DealsAnalysed: 2, InsightsUpdated: 1, CostUSD: 0.25})
		lastOK := clock.Now().UTC()
		figRun(t, s, clock, nil, w.ID, domain.RunSucceeded, time.Second, domain.MonitorRun{DealsAnalysed: 2})
		figRun(t, s, clock, nil, "gone", domain.RunSkipped, 0, domain.MonitorRun{})
		// A run still going counts nowhere.
		if err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
			_, err := mt.CreateRun(ctx, store.NewRunID(), nil, w.ID, domain.TriggerManual)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		f, err := s.DeploymentFigures(ctx, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		ok := f.Runs[domain.RunSucceeded]
		want := store.RunTotals{Runs: 3, Seconds: 6, DealsAnalysed: 6, InsightsCreated: 3, InsightsUpdated: 1, InsightsResolved: 1,
			CriticalAlerts: 2, LLMCalls: 2, TokensIn: 100, TokensOut: 40, CostUSD: 0.75}
		if ok != want {
			t.Errorf("succeeded runs: got %+v, want %+v", ok, want)
		}
		if got := f.Runs[domain.RunFailed]; got.Runs != 1 || got.Seconds != 1 {
			t.Errorf("failed runs: %+v", got)
		}
		if got := f.Runs[domain.RunSkipped]; got.Runs != 1 {
			t.Errorf("skipped runs: %+v", got)
		}
		if _, ok := f.Runs[domain.RunQueued]; ok {
			t.Error("a queued run was counted")
		}
		if f.CyclesSucceeded != 1 || f.CyclesFailed != 1 {
			t.Errorf("cycles: %d succeeded, %d failed; want 1 and 1", f.CyclesSucceeded, f.CyclesFailed)
		}
		if f.LastSuccess == nil || !f.LastSuccess.Equal(lastOK) {
			t.Errorf("last success %v, want %v", f.LastSuccess, lastOK)
		}
		if f.LastCycle == nil || f.LastCycle.ID != *c2 {
			t.Errorf("last cycle %+v, want %s", f.LastCycle, *c2)
		}
		if f.Users != 2 || f.WeeklyActiveUsers != 1 || f.Workspaces != 2 {
			t.Errorf("users %d, weekly active %d, workspaces %d; want 2, 1, 2", f.Users, f.WeeklyActiveUsers, f.Workspaces)
		}
		if f.Deals["open"] != 2 || f.Deals["won"] != 1 || f.Deals["lost"] != 0 {
			t.Errorf("deals %v", f.Deals)
		}
		if f.Feedback["viewed"] != 2 || f.Feedback["actioned"] != 1 || len(f.Feedback) != 2 {
			t.Errorf("feedback %v", f.Feedback)
		}
		// i3 (overdue) is resolved: not counted.
		wantIns := []store.InsightCount{{Rule: "stale", Priority: "critical", N: 2}}
		if len(f.OpenInsights) != len(wantIns) || f.OpenInsights[0] != wantIns[0] {
			t.Errorf("open insights %+v, want %+v", f.OpenInsights, wantIns)
		}
	})
}

// TestFiguresReaderSumsRunsOnce: a reader kept across readings adds each
// run once, whether it is still in the re-read last hour or already in the
// running total, and agrees with a fresh full reading.
func TestFiguresReaderSumsRunsOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		r := store.NewFiguresReader(s)
		want := func(n int64, deals int64) {
			t.Helper()
			for _, read := range []func() (store.DeploymentFigures, error){
				func() (store.DeploymentFigures, error) { return r.Read(ctx, clock.Now()) },
				func() (store.DeploymentFigures, error) { return r.Read(ctx, clock.Now()) }, // again: nothing doubles
				func() (store.DeploymentFigures, error) { return s.DeploymentFigures(ctx, clock.Now()) },
			} {
				f, err := read()
				if err != nil {
					t.Fatal(err)
				}
				if got := f.Runs[domain.RunSucceeded]; got.Runs != n || got.DealsAnalysed != deals {
					t.Fatalf("succeeded runs %+v, want %d runs and %d deals", got, n, deals)
				}
			}
		}
		want(0, 0)
		figRun(t, s, clock, nil, "ws", domain.RunSucceeded, time.Second, domain.MonitorRun{DealsAnalysed: 1})
		want(1, 1)
		for i := int64(2); i <= 4; i++ {
			clock.Advance(store.RunSettle + time.Minute) // the last run leaves the re-read tail
			figRun(t, s, clock, nil, "ws", domain.RunSucceeded, time.Second, domain.MonitorRun{DealsAnalysed: 10})
			want(i, 1+10*(i-1))
		}
		clock.Advance(3 * store.RunSettle)
		want(4, 31)
	})
}
