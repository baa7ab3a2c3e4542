package narrate

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

func TestBudgetCombinesDatabaseAndOwnSpend(t *testing.T) {
	clock := newClaudeClock()
	db := 1.0 // what the database says today's finished runs cost
	reads := 0
	b := newBudget(5, func(context.Context, time.Time, time.Time) (float64, error) { reads++; return db, nil },
		clock.Now, time.Minute, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	if got := b.spent(ctx); got != 1 {
		t.Fatalf("spent %v, want the database's 1", got)
	}
	// This process spends 2 in a run still in progress.
	if err := b.admit(ctx, 0.5); err != nil {
		t.Fatal(err)
	}
	b.settle(0.5, 2)
	if got := b.spent(ctx); got != 3 {
		t.Fatalf("spent %v, want 1 + 2", got)
	}
	// Another replica finishes a run costing 0.5; re-read after a minute.
	// This process's run is still going: its 2 is not in the database.
	db = 1.5
	clock.Advance(time.Minute)
	if got := b.spent(ctx); got != 3 {
		t.Fatalf("spent %v, want 3 (first figure + own spend); the later figure alone (1.5) misses the run in progress", got)
	}
	// This process's run finishes and is recorded: the database now has it.
	db = 3.5
	clock.Advance(time.Minute)
	if got := b.spent(ctx); got != 3.5 {
		t.Fatalf("spent %v, want 3.5 without counting own spend twice", got)
	}
	if reads != 3 {
		t.Errorf("%d database readings, want 3 (one per refresh)", reads)
	}
	// Calls in flight count against the limit.
	if err := b.admit(ctx, 1.5); err != nil {
		t.Fatal(err)
	}
	if err := b.admit(ctx, 0.1); !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("3.5 spent + 1.5 in flight: err = %v, want exhausted", err)
	}
	b.release(1.5)
	if err := b.admit(ctx, 0.1); err != nil {
		t.Fatalf("after the release: %v", err)
	}
}

func TestBudgetNewUTCDay(t *testing.T) {
	clock := newClaudeClock()
	var days []time.Time
	b := newBudget(1, func(_ context.Context, from, _ time.Time) (float64, error) {
		days = append(days, from)
		if from.Day() == 27 {
			return 0.9, nil
		}
		return 0, nil
	}, clock.Now, time.Hour, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	_ = b.admit(ctx, 0)
	b.settle(0, 0.2)
	if err := b.admit(ctx, 0); !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("1.1 of 1 spent: err = %v", err)
	}
	clock.Advance(14 * time.Hour) // 2026-11-28 00:00 UTC
	if err := b.admit(ctx, 0); err != nil {
		t.Fatalf("a new UTC day starts from zero: %v", err)
	}
	if len(days) != 2 || days[1] != time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC) {
		t.Errorf("days read %v", days)
	}
}

func TestBudgetDatabaseFailureFallsBackToOwnSpend(t *testing.T) {
	clock := newClaudeClock()
	b := newBudget(1, func(context.Context, time.Time, time.Time) (float64, error) { return 0, errors.New("db down") },
		clock.Now, time.Minute, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	if err := b.admit(ctx, 0); err != nil {
		t.Fatal(err)
	}
	b.settle(0, 1)
	if err := b.admit(ctx, 0); !errors.Is(err, ErrBudgetExhausted) {
		t.Errorf("own spend alone reached the limit: err = %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }
	tests := []struct {
		header map[string]string
		want   time.Duration
	}{
		{map[string]string{"Retry-After": "2"}, 2 * time.Second},
		{map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond},
		{map[string]string{"Retry-After-Ms": "1500", "Retry-After": "9"}, 1500 * time.Millisecond},
		{map[string]string{"Retry-After": "Fri, 27 Nov 2026 10:00:07 GMT"}, 7 * time.Second},
		{map[string]string{"Retry-After": "soon"}, 0},
		{map[string]string{}, 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		if got := retryAfter(h, now); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.header, got, tt.want)
		}
	}
}
