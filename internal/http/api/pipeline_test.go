package api_test

import (
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
)

func TestPipeline(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, w := e.owner("owner@example.com")
		empty, err := c.Pipeline(ctx, w.ID)
		ok(t, err)
		if empty.OpenCount != 0 || empty.OpenValue != "0" || empty.AverageDealSize != nil || empty.WinRate.Rate != nil ||
			len(empty.Stages) != 6 || empty.Currency != "USD" {
			t.Fatalf("empty pipeline: %+v", empty)
		}
		p := func(n int) *int { return &n }
		mk := func(title, value, stage string, prob *int) client.Deal {
			d, err := c.CreateDeal(ctx, w.ID, client.DealInput{Title: title, Value: client.Amount(value), Stage: stage, Probability: prob})
			ok(t, err)
			return d
		}
		mk("a", "1000.50", "lead", nil)        // 10%
		mk("b", "2000", "proposal", p(40))     // 40%
		mk("c", "50000", "negotiation", p(20)) // 20%
		lost := mk("d", "300", "qualified", nil)
		_, err = c.UpdateDeal(ctx, w.ID, lost.ID, client.DealPatch{Stage: client.Set("lost")})
		ok(t, err)
		won := mk("e", "700", "proposal", nil)
		_, err = c.UpdateDeal(ctx, w.ID, won.ID, client.DealPatch{Stage: client.Set("won")})
		ok(t, err)
		e.insight(w.ID, won.ID, "stale", "high", 2, "new")
		got, err := c.Pipeline(ctx, w.ID)
		ok(t, err)
		// weighted: 1000.50×10% + 2000×40% + 50000×20% = 100.05 + 800 + 10000
		if got.OpenCount != 3 || got.OpenValue != "53000.5" || got.WeightedValue != "10900.05" ||
			got.AverageDealSize == nil || *got.AverageDealSize != "17666.83" {
			t.Fatalf("open: %+v avg %v", got, *got.AverageDealSize)
		}
		if got.WinRate.Won != 1 || got.WinRate.Lost != 1 || got.WinRate.Rate == nil || *got.WinRate.Rate != 0.5 ||
			!got.WinRate.Since.Equal(e.clock.Now().Add(-90*24*time.Hour)) {
			t.Fatalf("win rate: %+v", got.WinRate)
		}
		if got.OpenInsights != (client.InsightCounts{High: 1}) {
			t.Fatalf("insights: %+v", got.OpenInsights)
		}
		byKey := map[string]client.PipelineStage{}
		for _, s := range got.Stages {
			byKey[s.Key] = s
		}
		if byKey["negotiation"].Value != "50000" || byKey["won"].Count != 1 || byKey["lost"].Value != "300" || byKey["qualified"].Count != 0 {
			t.Fatalf("stages: %+v", got.Stages)
		}
	})
}
