package store_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// llmSpendRun records a run that cost cost, finishing now.
func llmSpendRun(t *testing.T, s *store.Store, ws string, cost float64, status string) {
	t.Helper()
	ctx := context.Background()
	id := store.NewRunID()
	if err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		_, err := mt.CreateRun(ctx, id, nil, ws, domain.TriggerManual)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartRun(ctx, id); err != nil {
		t.Fatal(err)
	}
	if status == domain.RunRunning {
		return
	}
	if _, err := s.FinishRun(ctx, domain.MonitorRun{ID: id, Status: status, LLMCalls: 3, CostUSD: cost}); err != nil {
		t.Fatal(err)
	}
}

func TestLLMSpendPerUTCDay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		clock.Set(day.Add(-time.Microsecond)) // the day before, last instant
		llmSpendRun(t, s, "ws-a", 1.25, domain.RunSucceeded)
		clock.Set(day) // midnight belongs to the new day
		llmSpendRun(t, s, "ws-a", 0.5, domain.RunSucceeded)
		clock.Set(day.Add(13 * time.Hour))
		llmSpendRun(t, s, "ws-b", 0.25, domain.RunFailed) // another replica's run, failed after calls
		llmSpendRun(t, s, "ws-c", 9, domain.RunRunning)   // not finished: its cost is not recorded yet
		clock.Set(day.Add(24 * time.Hour))
		llmSpendRun(t, s, "ws-a", 2, domain.RunSucceeded) // the next day

		tests := []struct {
			from time.Time
			want float64
		}{
			{day.Add(-24 * time.Hour), 1.25},
			{day, 0.75},
			{day.Add(24 * time.Hour), 2},
			{day.Add(48 * time.Hour), 0},
		}
		for _, tt := range tests {
			got, err := s.LLMSpend(ctx, tt.from, tt.from.Add(24*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("spend on %s = %v, want %v", tt.from.Format(time.DateOnly), got, tt.want)
			}
		}
	})
}
