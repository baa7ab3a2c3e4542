package narrate

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/narrate/claudefake"
)

func TestClaudeBudget(t *testing.T) {
	t.Run("own spend reaches the budget", func(t *testing.T) {
		c, fake, _ := newTestClaude(t, func(cfg *ClaudeConfig) { cfg.DailyBudgetUSD = 0.01 })
		fake.Respond(func(_ int, r *claudefake.Request) claudefake.Reply {
			return claudefake.Tool(r, claudefake.GoodInsights(r), claudefake.Usage{InputTokens: 1000, OutputTokens: 500}) // $0.0105
		})
		if _, err := c.Narrate(context.Background(), claudeFixture()); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			res, err := c.Narrate(context.Background(), claudeFixture())
			if !errors.Is(err, ErrBudgetExhausted) || res.Calls != 0 {
				t.Fatalf("err %v, calls %d; want ErrBudgetExhausted and no call", err, res.Calls)
			}
		}
		if fake.Calls() != 1 {
			t.Errorf("fake got %d requests after the budget ran out, want 1 in all", fake.Calls())
		}
	})
	t.Run("other replicas spent it", func(t *testing.T) {
		var asked []time.Time
		c, fake, _ := newTestClaude(t, func(cfg *ClaudeConfig) {
			cfg.Spend = func(_ context.Context, from, to time.Time) (float64, error) {
				asked = append(asked, from, to)
				return 5.0, nil
			}
		})
		res, err := c.Narrate(context.Background(), claudeFixture())
		if !errors.Is(err, ErrBudgetExhausted) || res.Calls != 0 || fake.Calls() != 0 {
			t.Fatalf("err %v, calls %d, fake %d", err, res.Calls, fake.Calls())
		}
		want := []time.Time{time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}
		if len(asked) != 2 || !asked[0].Equal(want[0]) || !asked[1].Equal(want[1]) {
			t.Errorf("asked the database for %v, want the UTC day %v", asked, want)
		}
	})
}

func TestClaudeConcurrencyLimit(t *testing.T) {
	c, fake, _ := newTestClaude(t, func(cfg *ClaudeConfig) { cfg.MaxConcurrency = 3 })
	fake.SetDelay(150 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 { // the monitor's 16 concurrent deals
		wg.Go(func() {
			if _, err := c.Narrate(context.Background(), claudeFixture()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if fake.Calls() != 16 || fake.PeakInFlight() != 3 {
		t.Errorf("fake saw %d requests, at most %d at once; want 16 and exactly the limit 3", fake.Calls(), fake.PeakInFlight())
	}
}

func TestClaudeCircuitBreaker(t *testing.T) {
	clock := newClaudeClock()
	c, fake, logs := newTestClaude(t, func(cfg *ClaudeConfig) {
		cfg.Now, cfg.MaxAttempts, cfg.BreakerThreshold, cfg.BreakerCooldown = clock.Now, 1, 3, time.Minute
	})
	fake.Respond(func(int, *claudefake.Request) claudefake.Reply {
		return claudefake.Error(http.StatusServiceUnavailable, "api_error", "down")
	})
	for range 3 {
		if res, err := c.Narrate(context.Background(), claudeFixture()); err == nil || res.Calls != 1 {
			t.Fatalf("err %v, calls %d", err, res.Calls)
		}
	}
	start := time.Now()
	for range 10 {
		res, err := c.Narrate(context.Background(), claudeFixture())
		if !errors.Is(err, ErrCircuitOpen) || res.Calls != 0 {
			t.Fatalf("err %v, calls %d; want ErrCircuitOpen without a call", err, res.Calls)
		}
	}
	if fake.Calls() != 3 || time.Since(start) > 100*time.Millisecond {
		t.Errorf("fake saw %d requests (want 3); refusing took %s", fake.Calls(), time.Since(start))
	}
	if !strings.Contains(logs.String(), "circuit opened") {
		t.Errorf("opening the circuit was not logged as an error: %s", logs)
	}
	// After the cooldown one probe goes out; the endpoint is back.
	fake.Respond(nil)
	clock.Advance(time.Minute)
	if res, err := c.Narrate(context.Background(), claudeFixture()); err != nil || len(res.Texts) != 2 {
		t.Fatalf("probe: err %v, texts %d", err, len(res.Texts))
	}
	if _, err := c.Narrate(context.Background(), claudeFixture()); err != nil || fake.Calls() != 5 {
		t.Errorf("after the probe: err %v, fake %d requests (want 5)", err, fake.Calls())
	}
}

func TestClaudeObservesOutcomes(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	c, fake, _ := newTestClaude(t, func(cfg *ClaudeConfig) {
		cfg.DailyBudgetUSD = 0.05
		cfg.Observe = func(o string) { mu.Lock(); seen[o]++; mu.Unlock() }
	})
	fake.Respond(func(n int, r *claudefake.Request) claudefake.Reply {
		in := claudefake.GoodInsights(r)
		u := claudefake.Usage{InputTokens: 1000, OutputTokens: 1000} // $0.018 a call
		switch n {
		case 1:
			return claudefake.Error(http.StatusInternalServerError, "api_error", "boom")
		case 3:
			in[0].Description = "Up 45% since last week."
		}
		return claudefake.Tool(r, in, u)
	})
	for range 4 {
		_, _ = c.Narrate(context.Background(), claudeFixture())
	}
	// 500 then ok; rejected; ok (spend now $0.054); refused.
	want := map[string]int{OutcomeError: 1, OutcomeOK: 2, OutcomeRejected: 1, OutcomeBudgetExhausted: 1}
	for o, n := range want {
		if seen[o] != n {
			t.Errorf("%s observed %d times, want %d (all: %v)", o, seen[o], n, seen)
		}
	}
}
