package monitor

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// River integration: the periodic cycle, manual runs joining queued or
// running ones, skipped runs, retries, and two workers on one PostgreSQL.

const pollEvery = 200 * time.Millisecond

func startQueue(t *testing.T, s *store.Store, m *Monitor, log *slog.Logger, noPeriodic bool) *Queue {
	t.Helper()
	q, err := NewQueue(QueueOptions{Store: s, Monitor: m, Interval: time.Hour, NoPeriodic: noPeriodic, Logger: log, FetchPollInterval: pollEvery})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop queue: %v", err)
		}
	})
	return q
}

// eventually polls cond until it holds or 60 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func completedCycles(t *testing.T, s *store.Store) []domain.MonitorCycle {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), `SELECT id FROM monitor_cycles WHERE completed_at IS NOT NULL ORDER BY started_at, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []domain.MonitorCycle
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		c, err := s.GetCycle(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func countRows(t *testing.T, s *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// seedWorkspaces creates n workspaces, each with deals the real rules flag.
func seedWorkspaces(t *testing.T, s *store.Store, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		_, w := fixture(t, s, "Queue workspace "+string(rune('A'+i)))
		addDeal(t, s, w.ID, store.NewDeal{Title: "Test Deal - High Value", Value: money(50000), Stage: "negotiation", Probability: pct(20)})
		addDeal(t, s, w.ID, store.NewDeal{Title: "Small proposal", Value: money(2000), Stage: "proposal", Probability: pct(10)})
		ids = append(ids, w.ID)
	}
	return ids
}

func TestPeriodicCycleOnRiver(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ids := seedWorkspaces(t, s, 3)
		logs := &logBuffer{}
		m := New(Options{Store: s, Now: time.Now, Logger: logs.logger()})
		startQueue(t, s, m, logs.logger(), false)
		eventually(t, "the first periodic cycle", func() bool { return len(completedCycles(t, s)) == 1 })
		c := completedCycles(t, s)[0]
		if c.Trigger != domain.TriggerPeriodic || c.Expected != 3 || c.Succeeded != 3 || c.Failed != 0 {
			t.Fatalf("cycle %+v", c)
		}
		runs, err := s.ListCycleRuns(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, r := range runs {
			seen[r.WorkspaceID]++
			if r.Status != domain.RunSucceeded || r.DealsAnalysed != 2 || r.InsightsCreated == 0 || r.CriticalCount == 0 {
				t.Fatalf("run %+v", r)
			}
		}
		for _, id := range ids {
			if seen[id] != 1 {
				t.Fatalf("workspace %s ran %d times in the cycle", id, seen[id])
			}
		}
		if n := strings.Count(logs.String(), "MONITORING CYCLE COMPLETE"); n != 1 {
			t.Fatalf("cycle announced %d times", n)
		}
		for _, want := range []string{"workspaces=3", "deals_analysed=6", "critical_alerts=", "llm_calls=0", "llm_cost_usd=0.0000", "duration="} {
			if !strings.Contains(logs.String(), want) {
				t.Fatalf("the announcement lacks %s:\n%s", want, logs.String())
			}
		}
	})
}

// A request for a workspace already queued joins that run; once it is
// over, a request queues a new one. A workspace deleted while its run is
// queued ends as skipped.
func TestManualRunsJoinAndSkip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		ids := seedWorkspaces(t, s, 2)
		inserter, err := NewQueue(QueueOptions{Store: s})
		if err != nil {
			t.Fatal(err)
		}
		defer inserter.Stop(ctx)
		first, joined, err := inserter.RequestRun(ctx, ids[0])
		if err != nil || joined {
			t.Fatalf("first request: %v joined=%v", err, joined)
		}
		again, joined, err := inserter.RequestRun(ctx, ids[0])
		if err != nil || !joined || again != first {
			t.Fatalf("second request: %s joined=%v %v, want to join %s", again, joined, err, first)
		}
		gone, _, err := inserter.RequestRun(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteWorkspace(ctx, ids[1]); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.GetRun(ctx, ids[0], first); r.Status != domain.RunQueued || r.Trigger != domain.TriggerManual || r.CycleID != nil {
			t.Fatalf("queued run %+v", r)
		}
		m := New(Options{Store: s, Now: time.Now})
		startQueue(t, s, m, nil, true)
		eventually(t, "both runs to end", func() bool {
			a, _ := s.GetRunByID(ctx, first)
			b, _ := s.GetRunByID(ctx, gone)
			return store.IsFinalRunStatus(a.Status) && store.IsFinalRunStatus(b.Status)
		})
		if a, _ := s.GetRunByID(ctx, first); a.Status != domain.RunSucceeded || a.InsightsCreated == 0 {
			t.Fatalf("manual run %+v", a)
		}
		if b, _ := s.GetRunByID(ctx, gone); b.Status != domain.RunSkipped {
			t.Fatalf("run of the deleted workspace %+v", b)
		}
		next, joined, err := inserter.RequestRun(ctx, ids[0])
		if err != nil || joined || next == first {
			t.Fatalf("request after the run ended: %s joined=%v %v", next, joined, err)
		}
		eventually(t, "the next run", func() bool {
			r, _ := s.GetRunByID(ctx, next)
			return r.Status == domain.RunSucceeded
		})
		if r, _ := s.GetRunByID(ctx, next); r.InsightsCreated+r.InsightsUpdated+r.InsightsResolved != 0 {
			t.Fatalf("a run on an unchanged pipeline wrote insights: %+v", r)
		}
	})
}

// A manual run requested while the periodic cycle's run of the workspace
// is running joins it; and a cycle that starts while a manual run is
// queued takes that run in instead of queueing another.
func TestManualRunJoinsPeriodic(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		ids := seedWorkspaces(t, s, 2)
		m := New(Options{Store: s, Now: time.Now})
		running := make(chan struct{})
		release := make(chan struct{})
		var once sync.Once
		m.hook = func(stage, ws string) {
			if stage == "loaded" && ws == ids[0] {
				once.Do(func() { close(running) })
				<-release
			}
		}
		q := startQueue(t, s, m, nil, false)
		select {
		case <-running:
		case <-time.After(60 * time.Second):
			t.Fatal("the periodic cycle never ran")
		}
		runID, joined, err := q.RequestRun(ctx, ids[0])
		close(release)
		if err != nil || !joined {
			t.Fatalf("request during the periodic run: %v joined=%v", err, joined)
		}
		eventually(t, "the cycle", func() bool { return len(completedCycles(t, s)) == 1 })
		c := completedCycles(t, s)[0]
		runs, _ := s.ListCycleRuns(ctx, c.ID)
		if r, _ := s.GetRunByID(ctx, runID); r.CycleID == nil || *r.CycleID != c.ID || r.Trigger != domain.TriggerPeriodic {
			t.Fatalf("the manual request got %+v, not the periodic run", r)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM monitor_runs WHERE workspace_id = $1`, ids[0]); n != 1 || len(runs) != 2 {
			t.Fatalf("%d runs of the workspace, %d in the cycle", n, len(runs))
		}

		// The other way round: a manual run is queued (nothing works it
		// yet), then a cycle starts and takes it in.
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		inserter, err := NewQueue(QueueOptions{Store: s, Interval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		defer inserter.Stop(ctx)
		manual, _, err := inserter.RequestRun(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		c2, err := inserter.StartCycle(ctx, domain.TriggerManual)
		if err != nil || c2.Expected != 2 {
			t.Fatalf("cycle with a queued manual run: %+v %v", c2, err)
		}
		if r, _ := s.GetRunByID(ctx, manual); r.CycleID == nil || *r.CycleID != c2.ID {
			t.Fatalf("the queued manual run did not join the cycle: %+v", r)
		}
		m.hook = nil
		startQueue(t, s, m, nil, true)
		eventually(t, "the second cycle", func() bool { return len(completedCycles(t, s)) == 2 })
		if got := completedCycles(t, s)[1]; got.ID != c2.ID || got.Succeeded != 2 {
			t.Fatalf("second cycle %+v", got)
		}
		if n := countRows(t, s, `SELECT COUNT(*) FROM monitor_runs WHERE workspace_id = $1`, ids[1]); n != 2 {
			t.Fatalf("workspace B has %d runs, want 2 (one per cycle)", n)
		}
	})
}

// A database error on the first attempt is retried; the second attempt
// succeeds and the run records the success.
func TestRetryAfterADatabaseError(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		ids := seedWorkspaces(t, s, 1)
		m := New(Options{Store: s, Now: time.Now})
		var mu sync.Mutex
		loads := 0
		m.hook = func(stage, _ string) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case stage == "reconciled" && loads == 1:
				if _, err := s.DB().ExecContext(ctx, `ALTER TABLE insights RENAME TO insights_away`); err != nil {
					t.Error(err)
				}
			case stage == "loaded":
				loads++
				if loads == 2 {
					if _, err := s.DB().ExecContext(ctx, `ALTER TABLE insights_away RENAME TO insights`); err != nil {
						t.Error(err)
					}
				}
			}
		}
		q := startQueue(t, s, m, nil, true)
		runID, _, err := q.RequestRun(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, "the retried run", func() bool {
			r, _ := s.GetRunByID(ctx, runID)
			return store.IsFinalRunStatus(r.Status)
		})
		r, _ := s.GetRunByID(ctx, runID)
		mu.Lock()
		defer mu.Unlock()
		if r.Status != domain.RunSucceeded || loads != 2 || r.Error != "" || r.InsightsCreated == 0 {
			t.Fatalf("after a retry: %+v (attempts %d)", r, loads)
		}
	})
}

// Two worker processes (two stores, two River clients) on one PostgreSQL
// database: the periodic cycle is inserted once, each workspace is worked
// once per cycle, and no insight is duplicated.
func TestTwoWorkersOnPostgres(t *testing.T) {
	if len(testdb.Kinds(t)) < 2 {
		t.Skip("needs VECTOROS_TEST_POSTGRES_URL")
	}
	ctx := context.Background()
	url := testdb.URL(t, store.Postgres)
	open := func() *store.Store {
		s, err := store.Open(ctx, store.Options{URL: url, Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	s1, s2 := open(), open()
	ids := seedWorkspaces(t, s1, 8)
	logs := &logBuffer{}
	var queues []*Queue
	for _, s := range []*store.Store{s1, s2} {
		m := New(Options{Store: s, Now: time.Now, Logger: logs.logger()})
		queues = append(queues, startQueue(t, s, m, logs.logger(), false))
	}
	eventually(t, "the periodic cycle", func() bool { return len(completedCycles(t, s1)) == 1 })
	// A second cycle, asked of the other process.
	if _, err := queues[1].StartCycle(ctx, domain.TriggerManual); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the second cycle", func() bool { return len(completedCycles(t, s1)) == 2 })
	time.Sleep(time.Second) // a duplicate periodic cycle would have shown by now
	cycles := completedCycles(t, s1)
	if n := countRows(t, s1, `SELECT COUNT(*) FROM monitor_cycles`); n != 2 || cycles[0].Trigger != domain.TriggerPeriodic {
		t.Fatalf("%d cycles (%+v), want the periodic one and the manual one", n, cycles)
	}
	for _, c := range cycles {
		runs, err := s1.ListCycleRuns(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		per := map[string]int{}
		for _, r := range runs {
			per[r.WorkspaceID]++
			if r.Status != domain.RunSucceeded {
				t.Fatalf("run %+v", r)
			}
		}
		for _, id := range ids {
			if per[id] != 1 {
				t.Fatalf("cycle %s worked workspace %s %d times", c.ID, id, per[id])
			}
		}
	}
	if dup := countRows(t, s1, `SELECT COUNT(*) FROM (SELECT workspace_id, fingerprint FROM insights GROUP BY workspace_id, fingerprint HAVING COUNT(*) > 1) d`); dup != 0 {
		t.Fatalf("%d duplicated insights", dup)
	}
	created := countRows(t, s1, `SELECT COALESCE(SUM(insights_created), 0) FROM monitor_runs`)
	if total := countRows(t, s1, `SELECT COUNT(*) FROM insights`); total != created || total == 0 {
		t.Fatalf("%d insight rows, %d created by runs", total, created)
	}
	if second := countRows(t, s1, `SELECT COALESCE(SUM(insights_created + insights_updated + insights_resolved), 0) FROM monitor_runs WHERE cycle_id = $1`, cycles[1].ID); second != 0 {
		t.Fatalf("the second cycle wrote %d insight changes on an unchanged pipeline", second)
	}
	if n := strings.Count(logs.String(), "MONITORING CYCLE COMPLETE"); n != 2 {
		t.Fatalf("announced %d times for 2 cycles", n)
	}
}
