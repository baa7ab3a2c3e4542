package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// monCycle creates a cycle with one queued run per workspace id.
func monCycle(t *testing.T, s *store.Store, trigger string, workspaces ...string) (domain.MonitorCycle, []domain.MonitorRun) {
	t.Helper()
	var c domain.MonitorCycle
	var runs []domain.MonitorRun
	err := s.InMonitorTx(context.Background(), func(mt *store.MonitorTx) error {
		var err error
		if c, err = mt.CreateCycle(context.Background(), trigger); err != nil {
			return err
		}
		for _, ws := range workspaces {
			r, err := mt.CreateRun(context.Background(), store.NewRunID(), &c.ID, ws, trigger)
			if err != nil {
				return err
			}
			runs = append(runs, r)
		}
		c.Expected = len(runs)
		return mt.SetCycleExpected(context.Background(), c.ID, len(runs))
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, runs
}

func monFinish(t *testing.T, s *store.Store, r domain.MonitorRun, status string) *store.CycleSummary {
	t.Helper()
	r.Status = status
	sum, err := s.FinishRun(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestCycleCompletesOnceWithItsFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		c, runs := monCycle(t, s, domain.TriggerPeriodic, "ws-a", "ws-b", "ws-c")
		for _, r := range runs {
			if _, err := s.StartRun(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(90 * time.Second)
		a := runs[0]
		a.DealsAnalysed, a.InsightsCreated, a.InsightsResolved, a.CriticalCount, a.LLMCalls, a.CostUSD = 10, 4, 1, 2, 3, 0.25
		if sum := monFinish(t, s, a, domain.RunSucceeded); sum != nil {
			t.Fatalf("1 of 3 runs finished but the cycle completed: %+v", sum)
		}
		if sum := monFinish(t, s, a, domain.RunFailed); sum != nil {
			t.Fatal("a second finish of the same run completed the cycle")
		}
		if got, _ := s.GetRunByID(ctx, a.ID); got.Status != domain.RunSucceeded || got.DealsAnalysed != 10 {
			t.Fatalf("the second finish changed the run: %+v", got)
		}
		if sum := monFinish(t, s, runs[1], domain.RunFailed); sum != nil {
			t.Fatal("2 of 3 finished but the cycle completed")
		}
		b := runs[2]
		b.DealsAnalysed, b.InsightsCreated = 5, 1
		sum := monFinish(t, s, b, domain.RunSkipped)
		if sum == nil {
			t.Fatal("the last run did not complete the cycle")
		}
		want := store.CycleSummary{Workspaces: 3, DealsAnalysed: 15, InsightsCreated: 5, InsightsResolved: 1, CriticalAlerts: 2, LLMCalls: 3, CostUSD: 0.25}
		got := *sum
		got.Cycle = domain.MonitorCycle{}
		if got != want {
			t.Fatalf("summary %+v, want %+v", got, want)
		}
		if sum.Cycle.Succeeded != 2 || sum.Cycle.Failed != 1 || sum.Cycle.Expected != 3 || sum.Duration() != 90*time.Second {
			t.Fatalf("cycle %+v duration %s", sum.Cycle, sum.Duration())
		}
		if monFinish(t, s, b, domain.RunSucceeded) != nil {
			t.Fatal("the cycle completed twice")
		}
		stored, err := s.GetCycle(ctx, c.ID)
		if err != nil || stored.CompletedAt == nil || !stored.CompletedAt.Equal(clock.Now().UTC()) {
			t.Fatalf("stored cycle %+v %v", stored, err)
		}
	})
}

func TestCycleCompletionUnderConcurrentFinishes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ws := make([]string, 8)
		for i := range ws {
			ws[i] = "ws-" + string(rune('a'+i))
		}
		for round := range 3 {
			_, runs := monCycle(t, s, domain.TriggerPeriodic, ws...)
			var mu sync.Mutex
			completions := 0
			var wg sync.WaitGroup
			for _, r := range runs {
				wg.Go(func() {
					r.Status = domain.RunSucceeded
					var sum *store.CycleSummary
					var err error
					for range 50 { // SQLite may answer busy under 8 writers; the finish is retried like a job would be
						if sum, err = s.FinishRun(context.Background(), r); !domain.IsKind(err, domain.KindUnavailable) {
							break
						}
						time.Sleep(10 * time.Millisecond)
					}
					if err != nil {
						t.Error(err)
					}
					if sum != nil {
						mu.Lock()
						completions++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if completions != 1 {
				t.Fatalf("round %d: %d callers completed the cycle, want exactly 1", round, completions)
			}
		}
	})
}

func TestAttachRunAndEmptyCycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		// A manual run (no cycle) that a periodic cycle joins while it runs.
		var manual, finished domain.MonitorRun
		err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
			var err error
			if manual, err = mt.CreateRun(ctx, store.NewRunID(), nil, "ws-a", domain.TriggerManual); err != nil {
				return err
			}
			finished, err = mt.CreateRun(ctx, store.NewRunID(), nil, "ws-b", domain.TriggerManual)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		monFinish(t, s, finished, domain.RunSucceeded) // finishes before the cycle attaches it
		var c domain.MonitorCycle
		var sum *store.CycleSummary
		err = s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
			var err error
			if c, err = mt.CreateCycle(ctx, domain.TriggerPeriodic); err != nil {
				return err
			}
			for _, id := range []string{manual.ID, finished.ID} {
				ok, err := mt.AttachRun(ctx, id, c.ID)
				if err != nil || !ok {
					t.Errorf("attach %s: %v %v", id, ok, err)
				}
			}
			if ok, _ := mt.AttachRun(ctx, manual.ID, "another-cycle"); ok {
				t.Error("a run joined a second cycle")
			}
			if err := mt.SetCycleExpected(ctx, c.ID, 2); err != nil {
				return err
			}
			sum, err = mt.CompleteCycleIfDone(ctx, c.ID)
			return err
		})
		if err != nil || sum != nil {
			t.Fatalf("cycle with one open run completed early: %v %+v", err, sum)
		}
		if sum := monFinish(t, s, manual, domain.RunSucceeded); sum == nil || sum.Cycle.Succeeded != 2 {
			t.Fatalf("joined runs did not complete the cycle: %+v", sum)
		}
		// A cycle over no workspace completes at once.
		err = s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
			c, err := mt.CreateCycle(ctx, domain.TriggerPeriodic)
			if err != nil {
				return err
			}
			sum, err = mt.CompleteCycleIfDone(ctx, c.ID)
			return err
		})
		if err != nil || sum == nil || sum.Workspaces != 0 {
			t.Fatalf("empty cycle: %v %+v", err, sum)
		}
	})
}

func TestRunLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		_, runs := monCycle(t, s, domain.TriggerCLI, "ws-a", "ws-b")
		r, err := s.StartRun(ctx, runs[0].ID)
		if err != nil || r.Status != domain.RunRunning || r.StartedAt == nil {
			t.Fatalf("start: %+v %v", r, err)
		}
		started := *r.StartedAt
		clock.Advance(time.Minute)
		if err := s.NoteRunAttempt(ctx, r.ID, "database blip"); err != nil {
			t.Fatal(err)
		}
		r, err = s.StartRun(ctx, r.ID) // the retry
		if err != nil || !r.StartedAt.Equal(started) || r.Error != "database blip" {
			t.Fatalf("restart kept neither start nor note: %+v %v", r, err)
		}
		monFinish(t, s, r, domain.RunSucceeded)
		if _, err := s.StartRun(ctx, r.ID); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("starting a finished run: %v, want conflict", err)
		}
		if _, err := s.StartRun(ctx, "no-such-run"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("starting a missing run: %v, want not found", err)
		}
		if _, err := s.FinishRun(ctx, domain.MonitorRun{ID: r.ID, Status: domain.RunRunning}); err == nil {
			t.Fatal("finishing with a non-final status was accepted")
		}
		// The other run was abandoned: after the cutoff, the sweep fails it
		// and that completes the cycle.
		done, n, err := s.SweepAbandonedRuns(ctx, clock.Now().Add(-time.Hour))
		if err != nil || n != 0 || done != nil {
			t.Fatalf("sweep before the cutoff: %v %d %v", done, n, err)
		}
		done, n, err = s.SweepAbandonedRuns(ctx, clock.Now().Add(time.Second))
		if err != nil || n != 1 || len(done) != 1 || done[0].Cycle.Failed != 1 {
			t.Fatalf("sweep: %+v %d %v", done, n, err)
		}
		got, _ := s.GetRunByID(ctx, runs[1].ID)
		if got.Status != domain.RunFailed || got.Error == "" {
			t.Fatalf("swept run %+v", got)
		}
	})
}

func TestListRuns(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		var want []string
		for range 5 {
			_, runs := monCycle(t, s, domain.TriggerPeriodic, "ws-a", "ws-b")
			want = append([]string{runs[0].ID}, want...)
			clock.Advance(time.Minute)
		}
		var got []string
		cur := ""
		for {
			page, next, err := s.ListRuns(ctx, "ws-a", 2, cur)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				if r.WorkspaceID != "ws-a" {
					t.Fatalf("another workspace's run listed: %+v", r)
				}
				got = append(got, r.ID)
			}
			if next == "" {
				break
			}
			cur = next
		}
		if len(got) != len(want) {
			t.Fatalf("listed %d runs, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("order: got %v want %v", got, want)
			}
		}
		if _, err := s.GetRun(ctx, "ws-b", want[0]); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("a run of ws-a read through ws-b: %v", err)
		}
		if _, _, err := s.ListRuns(ctx, "ws-a", 2, "garbage"); !domain.IsKind(err, domain.KindInvalid) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}
