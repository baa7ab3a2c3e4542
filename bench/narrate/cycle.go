package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
	"github.com/vectoros/vectoros/internal/store"
)

// benchCycle runs two monitor cycles over a fresh SQLite workspace: the
// first narrates every new finding, the second (unchanged pipeline) none.
func benchCycle(ctx context.Context, p params, fake *claudefake.Server,
	newClaude func(narrate.SpendFunc) (*narrate.Claude, error), log *slog.Logger, out io.Writer) error {
	dir, err := os.MkdirTemp("", "vectoros-bench-narrate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := store.Open(ctx, store.Options{URL: "sqlite:" + filepath.Join(dir, "bench.db"), Now: time.Now, Logger: log})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	u, err := s.CreateUser(ctx, "bench@example.com", "Bench", "x")
	if err != nil {
		return err
	}
	w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "Narration bench"}, u.ID)
	if err != nil {
		return err
	}
	today := domain.DateOf(time.Now().UTC())
	ids := make([]string, p.deals)
	for i := range ids {
		value, prob, closeDate := int64(1_000_000+250_000*(i%40)), 35, today.AddDays(5+i%40)
		d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: fmt.Sprintf("Renewal %03d", i), Value: &value,
			Stage: "proposal", Probability: &prob, CloseDate: &closeDate, Company: fmt.Sprintf("Customer %03d Ltd", i),
			ContactEmail: fmt.Sprintf("buyer%03d@customer.example", i)}, domain.SystemActor)
		if err != nil {
			return err
		}
		ids[i] = d.ID
	}
	byDeal := spread(ids, p.findings)
	analyze := func(snap domain.WorkspaceSnapshot, _ time.Time) []domain.Finding {
		var fs []domain.Finding
		for _, d := range snap.Deals {
			fs = append(fs, byDeal[d.Deal.ID]...)
		}
		return fs
	}
	c, err := newClaude(s.LLMSpend)
	if err != nil {
		return err
	}
	m := monitor.New(monitor.Options{Store: s, Logger: log, Now: time.Now, Narrator: c, Analyze: analyze})

	start := time.Now()
	rep, err := m.RunCycle(ctx, []string{w.ID}, nil)
	if err != nil {
		return err
	}
	wall := time.Since(start)
	r := rep.Runs[0]
	worded := 0
	cur := ""
	for {
		page, next, err := s.ListInsights(ctx, w.ID, domain.InsightFilter{Open: true, Limit: 200, Cursor: cur})
		if err != nil {
			return err
		}
		for _, in := range page {
			if in.Narrator == c.Name() {
				worded++
			}
		}
		if cur = next; cur == "" {
			break
		}
	}
	fmt.Fprintf(out, "first cycle (everything new)\n")
	fmt.Fprintf(out, "  run                %s, %d deals analysed, %d insights created, budget exhausted: %v\n",
		r.Status, r.DealsAnalysed, r.InsightsCreated, r.BudgetExhausted)
	fmt.Fprintf(out, "  wall time          %s for the cycle (the limit allows %s at best for the calls)\n",
		wall.Round(10*time.Millisecond), lowerBound(p))
	fmt.Fprintf(out, "  peak in flight     %d (counted by the fake)\n", fake.PeakInFlight())
	fmt.Fprintf(out, "  requests           %d\n", fake.Calls())
	fmt.Fprintf(out, "  insights worded    %d of %d by %s (the rest keep the template text)\n", worded, r.InsightsCreated, c.Name())
	costReport(out, p, r.LLMCalls, r.TokensIn, r.TokensOut, r.CostUSD)

	before := fake.Calls()
	start = time.Now()
	rep, err = m.RunCycle(ctx, []string{w.ID}, nil)
	if err != nil {
		return err
	}
	r = rep.Runs[0]
	fmt.Fprintf(out, "second cycle (unchanged pipeline)\n")
	fmt.Fprintf(out, "  wall time          %s\n", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(out, "  requests           %d, LLM calls %d, cost $%.4f\n", fake.Calls()-before, r.LLMCalls, r.CostUSD)
	fmt.Fprintf(out, "  spent today        $%.4f (monitor_runs + this process)\n", c.SpentToday(ctx))
	return nil
}
