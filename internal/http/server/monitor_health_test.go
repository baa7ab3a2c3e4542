package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// monitorCycle records a cycle of one run with the given outcome.
func monitorCycle(t *testing.T, s *store.Store, outcome string) {
	t.Helper()
	ctx := context.Background()
	var run domain.MonitorRun
	err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		c, err := mt.CreateCycle(ctx, domain.TriggerPeriodic)
		if err != nil {
			return err
		}
		if run, err = mt.CreateRun(ctx, store.NewRunID(), &c.ID, "ws", domain.TriggerPeriodic); err != nil {
			return err
		}
		return mt.SetCycleExpected(ctx, c.ID, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	run.Status = outcome
	if sum, err := s.FinishRun(ctx, run); err != nil || sum == nil {
		t.Fatalf("finish: %v %v", sum, err)
	}
}

func TestMonitorHealth(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		srv := server.New(server.Deps{Store: s, Now: clock.Now, MonitorInterval: 30 * time.Minute, Hasher: password.NewHasher(password.Fast, 1)})
		t.Cleanup(srv.Close)
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		get := func() (int, map[string]any) {
			t.Helper()
			resp, err := http.Get(ts.URL + "/health/monitor")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body
		}
		if code, body := get(); code != http.StatusServiceUnavailable || body["status"] != "unknown" {
			t.Fatalf("before any cycle: %d %v", code, body)
		}
		monitorCycle(t, s, domain.RunFailed)
		if code, body := get(); code != http.StatusServiceUnavailable || body["last_cycle"] == nil {
			t.Fatalf("after a cycle with a failed run: %d %v", code, body)
		}
		monitorCycle(t, s, domain.RunSucceeded)
		if code, body := get(); code != http.StatusOK || body["status"] != "ok" || body["interval_seconds"] != 1800.0 {
			t.Fatalf("after a good cycle: %d %v", code, body)
		}
		clock.Advance(60 * time.Minute) // exactly 2 × the interval: still fine
		if code, _ := get(); code != http.StatusOK {
			t.Fatalf("at 2 × interval: %d", code)
		}
		clock.Advance(time.Second)
		if code, body := get(); code != http.StatusServiceUnavailable || body["status"] != "stale" || body["seconds_since_last_success"] != 3601.0 {
			t.Fatalf("past 2 × interval: %d %v", code, body)
		}
		monitorCycle(t, s, domain.RunSucceeded)
		if code, _ := get(); code != http.StatusOK {
			t.Fatalf("after the next good cycle: %d", code)
		}
	})
}
