package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestAppState(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		if _, err := s.GetAppState(ctx, "nothing"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("absent key: got %v, want not found", err)
		}
		if err := s.SetAppState(ctx, "k", "one"); err != nil {
			t.Fatal(err)
		}
		first := clock.Now()
		clock.Advance(time.Minute)
		if err := s.SetAppState(ctx, "k", "two"); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetAppState(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		if got.Value != "two" || !got.UpdatedAt.Equal(first.Add(time.Minute)) {
			t.Fatalf("after upsert: %+v", got)
		}

		if _, ok, err := s.LastBackup(ctx); err != nil || ok {
			t.Fatalf("no backup yet: ok=%v err=%v", ok, err)
		}
		rec := store.BackupRecord{Path: "/backups/a.db", Bytes: 4096, TakenAt: clock.Now().Add(-time.Second)}
		if err := s.RecordBackup(ctx, rec); err != nil {
			t.Fatal(err)
		}
		back, ok, err := s.LastBackup(ctx)
		if err != nil || !ok || back.Path != rec.Path || back.Bytes != rec.Bytes || !back.TakenAt.Equal(rec.TakenAt) {
			t.Fatalf("last backup: %+v ok=%v err=%v", back, ok, err)
		}
	})
}

// heartbeatCycle writes a monitor_cycles row the way the monitor does.
func heartbeatCycle(t *testing.T, s *store.Store, id string, started time.Time, completed *time.Time, failed int) {
	t.Helper()
	var c any
	if completed != nil {
		c = completed.UTC()
	}
	_, err := s.DB().ExecContext(context.Background(), `INSERT INTO monitor_cycles (id, trigger, expected, succeeded, failed, started_at, completed_at)
		VALUES ($1, 'periodic', 2, $2, $3, $4, $5)`, id, 2-failed, failed, started.UTC(), c)
	if err != nil {
		t.Fatal(err)
	}
}

func TestMonitorHeartbeat(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		now := clock.Now()
		hb, err := s.MonitorHeartbeat(ctx)
		if err != nil || hb != nil {
			t.Fatalf("no cycles: %v %v", hb, err)
		}
		ok1 := now.Add(-3 * time.Hour)
		heartbeatCycle(t, s, "c1", ok1.Add(-time.Minute), &ok1, 0)
		failed := now.Add(-2 * time.Hour)
		heartbeatCycle(t, s, "c2", failed.Add(-time.Minute), &failed, 1) // a failed run: not a heartbeat
		heartbeatCycle(t, s, "c3", now.Add(-time.Minute), nil, 0)        // still running
		hb, err = s.MonitorHeartbeat(ctx)
		if err != nil || hb == nil || !hb.Equal(ok1) {
			t.Fatalf("heartbeat from cycles: got %v %v, want %v", hb, err, ok1)
		}
		// A newer heartbeat the monitor wrote into app_state wins.
		beat := now.Add(-10 * time.Minute).Truncate(time.Second)
		if err := s.SetAppState(ctx, store.StateMonitorHeartbeat, beat.Format(time.RFC3339Nano)); err != nil {
			t.Fatal(err)
		}
		hb, err = s.MonitorHeartbeat(ctx)
		if err != nil || hb == nil || !hb.Equal(beat) {
			t.Fatalf("heartbeat from app_state: got %v %v, want %v", hb, err, beat)
		}
	})
}

func TestExpectedIndexes(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		idx, err := store.ExpectedIndexes(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"insights_open_fingerprint", "deals_ws_status_stage", "monitor_cycles_completed", "users_email"} {
			if !slices.Contains(idx, want) {
				t.Errorf("%s: expected indexes lack %s: %v", d, want, idx)
			}
		}
	}
}

func TestMissingIndexes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		expected, missing, err := s.MissingIndexes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(expected) < 20 || len(missing) != 0 {
			t.Fatalf("fresh database: %d expected, missing %v", len(expected), missing)
		}
		if _, err := s.DB().ExecContext(ctx, `DROP INDEX insights_ws_list`); err != nil {
			t.Fatal(err)
		}
		_, missing, err = s.MissingIndexes(ctx)
		if err != nil || !slices.Equal(missing, []string{"insights_ws_list"}) {
			t.Fatalf("after drop: missing %v, err %v", missing, err)
		}
	})
}
