package monitor

import (
	"context"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// Faults stay inside their workspace: one whose data cannot be loaded, one
// whose rules panic, and one that hits a database error in the middle of
// its run fail and say why; the others complete, the cycle completes with
// the failures counted, and the process carries on.
func TestFaultsAreContainedToTheirWorkspace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		names := []string{"Healthy first", "Bad data", "Rule bug", "Database blip", "Healthy last"}
		ids := make([]string, len(names))
		sc := &scripted{}
		var fs []domain.Finding
		for i, n := range names {
			_, w := fixture(t, s, n)
			ids[i] = w.ID
			d := addDeal(t, s, w.ID, store.NewDeal{Title: n + " deal"})
			fs = append(fs, finding("stale", d.ID, domain.PriorityHigh, 30))
			if n == "Bad data" {
				// A time the database holds but the application cannot read:
				// SQLite stores any text, PostgreSQL accepts 'infinity'.
				bad := "garbage"
				if s.Dialect() == store.Postgres {
					bad = "infinity"
				}
				if _, err := s.DB().ExecContext(ctx, `UPDATE deals SET stage_entered_at = $1 WHERE id = $2`, bad, d.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		sc.set(fs...)
		sc.panicFor = ids[2]
		logs := &logBuffer{}
		m := New(Options{Store: s, Now: clock.Now, Analyze: sc.analyze, Logger: logs.logger()})
		// The database loses the insights table after the fourth workspace's
		// reconcile and gets it back before the fifth's.
		m.hook = func(stage, ws string) {
			var q string
			switch {
			case stage == "reconciled" && ws == ids[3]:
				q = `ALTER TABLE insights RENAME TO insights_away`
			case stage == "loaded" && ws == ids[4]:
				q = `ALTER TABLE insights_away RENAME TO insights`
			default:
				return
			}
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				t.Error(err)
			}
		}
		rep, err := m.RunCycle(ctx, ids, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus := []string{domain.RunSucceeded, domain.RunFailed, domain.RunFailed, domain.RunFailed, domain.RunSucceeded}
		wantError := []string{"", "monitor: load", "panic in workspace run: assignment to entry in nil map", "monitor: persist", ""}
		for i, r := range rep.Runs {
			stored, err := s.GetRunByID(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Status != wantStatus[i] || !strings.Contains(stored.Error, wantError[i]) || (wantError[i] == "" && stored.Error != "") {
				t.Errorf("%s: status %s error %q, want %s %q", names[i], stored.Status, stored.Error, wantStatus[i], wantError[i])
			}
			if stored.CompletedAt == nil {
				t.Errorf("%s: not completed", names[i])
			}
		}
		if rep.Failed() != 3 || rep.Cycle.CompletedAt == nil || rep.Cycle.Succeeded != 2 || rep.Cycle.Failed != 3 {
			t.Fatalf("cycle %+v, failed %d", rep.Cycle, rep.Failed())
		}
		for _, i := range []int{0, 4} {
			if n := len(insights(t, s, ids[i], domain.InsightFilter{Open: true})); n != 1 {
				t.Errorf("%s has %d open insights, want 1", names[i], n)
			}
		}
		if got := strings.Count(logs.String(), "MONITORING CYCLE COMPLETE"); got != 1 {
			t.Fatalf("cycle announced %d times:\n%s", got, logs.String())
		}
		if !strings.Contains(logs.String(), "stack=") {
			t.Error("the panic's stack was not logged")
		}
		// The process lives: the next cycle, with the faults gone, completes
		// every workspace.
		sc.panicFor, m.hook = "", nil
		rep, err = m.RunCycle(ctx, []string{ids[0], ids[2], ids[3], ids[4]}, nil)
		if err != nil || rep.Failed() != 0 {
			t.Fatalf("next cycle: %v %+v", err, rep.Runs)
		}
	})
}

// A run whose workspace was deleted after it was queued ends as skipped
// and still counts toward its cycle.
func TestDeletedWorkspaceIsSkipped(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		_, keep := fixture(t, s, "Kept")
		_, gone := fixture(t, s, "Deleted")
		m := New(Options{Store: s, Now: clock.Now})
		m.hook = func(stage, ws string) {
			if stage == "loaded" && ws == keep.ID {
				if err := s.DeleteWorkspace(ctx, gone.ID); err != nil {
					t.Error(err)
				}
			}
		}
		rep, err := m.RunCycle(ctx, []string{keep.ID, gone.ID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Runs[0].Status != domain.RunSucceeded || rep.Runs[1].Status != domain.RunSkipped || rep.Cycle.CompletedAt == nil || rep.Cycle.Succeeded != 2 {
			t.Fatalf("runs %+v cycle %+v", rep.Runs, rep.Cycle)
		}
	})
}
