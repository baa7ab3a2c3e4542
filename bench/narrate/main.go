// Command narrate measures the Claude narrator against a local fake of the
// Messages API that answers after a fixed delay: how long narrating a
// cycle's worth of new findings takes, how many requests were in flight at
// once, and what the cycle costs at the model's list price.
//
//	go run ./bench/narrate                  # a monitor cycle: 1,000 new findings over 400 deals, 1 s answers
//	go run ./bench/narrate -mode narrator   # the narrator alone, called the way the monitor calls it
//	go run ./bench/narrate -deals 400 -findings 1000 -delay 1s -concurrency 4
//
// In cycle mode (the default) a temporary SQLite database gets a workspace
// with -deals deals, and one monitor cycle runs over it with the Claude
// narrator pointed at the fake; the rule engine is replaced by one that
// returns -findings findings spread over the deals, so the count is exact.
// A second cycle then shows what an unchanged pipeline costs (nothing).
// Token counts come from the fake, which reports about four characters per
// token of the real request and answer; the cost is an estimate at a
// realistic scale, not a bill (a real model writes longer answers).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

type params struct {
	mode        string
	deals       int
	findings    int
	delay       time.Duration
	concurrency int
	callers     int
	model       string
	budget      float64
}

func run(ctx context.Context, args []string, out, logw io.Writer) error {
	var p params
	fs := flag.NewFlagSet("narrate", flag.ContinueOnError)
	fs.StringVar(&p.mode, "mode", "cycle", "cycle (a monitor cycle on SQLite) or narrator (Narrate calls only)")
	fs.IntVar(&p.deals, "deals", 400, "deals with new findings")
	fs.IntVar(&p.findings, "findings", 1000, "new findings, spread over the deals")
	fs.DurationVar(&p.delay, "delay", time.Second, "how long the fake API takes to answer")
	fs.IntVar(&p.concurrency, "concurrency", 4, "LLM_MAX_CONCURRENCY: requests in flight at most")
	fs.IntVar(&p.callers, "callers", 16, "narrator mode: deals narrated at once (the monitor's 16)")
	fs.StringVar(&p.model, "model", narrate.DefaultModel, "model id (priced in internal/narrate/price.go)")
	fs.Float64Var(&p.budget, "budget", 5, "LLM_DAILY_BUDGET_USD")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p.deals <= 0 || p.findings < p.deals {
		return fmt.Errorf("need at least one finding per deal (deals %d, findings %d)", p.deals, p.findings)
	}
	fake := claudefake.New("sk-ant-bench")
	defer fake.Close()
	fake.SetDelay(p.delay)
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelInfo}))
	newClaude := func(spend narrate.SpendFunc) (*narrate.Claude, error) {
		return narrate.NewClaude(narrate.ClaudeConfig{APIKey: fake.APIKey, BaseURL: fake.URL, Model: p.model,
			MaxConcurrency: p.concurrency, Timeout: p.delay + 30*time.Second, DailyBudgetUSD: p.budget,
			Spend: spend, Base: narrate.Template{}, Now: time.Now, Logger: log})
	}
	fmt.Fprintf(out, "%s mode: %d new findings over %d deals, %s, fake API answering after %s, LLM_MAX_CONCURRENCY %d\n",
		p.mode, p.findings, p.deals, p.model, p.delay, p.concurrency)
	switch p.mode {
	case "cycle":
		return benchCycle(ctx, p, fake, newClaude, log, out)
	case "narrator":
		c, err := newClaude(nil)
		if err != nil {
			return err
		}
		return benchNarrator(ctx, p, fake, c, out)
	}
	return fmt.Errorf("unknown -mode %q", p.mode)
}

// lowerBound is the wall time the concurrency limit allows at best.
func lowerBound(p params) time.Duration {
	return time.Duration((p.deals+p.concurrency-1)/p.concurrency) * p.delay
}

// costReport prints the money lines shared by both modes.
func costReport(out io.Writer, p params, calls, in, outTok int, cost float64) {
	fmt.Fprintf(out, "cost report\n")
	fmt.Fprintf(out, "  LLM calls          %d\n", calls)
	fmt.Fprintf(out, "  tokens in / out    %d / %d\n", in, outTok)
	fmt.Fprintf(out, "  estimated cost     $%.4f at %s list price\n", cost, p.model)
	fmt.Fprintf(out, "  per deal           $%.5f\n", cost/float64(p.deals))
	fmt.Fprintf(out, "  per finding        $%.5f\n", cost/float64(p.findings))
	fmt.Fprintf(out, "  daily budget used  %.1f%% of $%.2f\n", 100*cost/p.budget, p.budget)
}

// catalogue holds findings shaped like the analysis package's; a deal gets
// them in turn.
var catalogue = []domain.Finding{
	{Rule: "stale", Type: domain.InsightRisk, Priority: domain.PriorityHigh, Severity: 0.8, Confidence: 0.9,
		Evidence: []domain.Evidence{{Name: "idle_days", Value: 17, Unit: "days"}, {Name: "rotting_days", Value: 7, Unit: "days"},
			{Name: "idle_ratio", Value: 2.43, Unit: "ratio"}},
		Actions: []domain.Action{{Kind: domain.ActionContactBuyer, Title: "Call the buyer to restart the conversation", DueInDays: 1},
			{Kind: domain.ActionScheduleActivity, Title: "Book a meeting for next week", DueInDays: 2}}},
	{Rule: "no_next_step", Type: domain.InsightRisk, Priority: domain.PriorityMedium, Severity: 0.5, Confidence: 0.85,
		Actions: []domain.Action{{Kind: domain.ActionScheduleActivity, Title: "Put the next meeting in the calendar", DueInDays: 1}}},
	{Rule: "close_date_risk", Type: domain.InsightRisk, Priority: domain.PriorityMedium, Severity: 0.5, Confidence: 0.8,
		Evidence: []domain.Evidence{{Name: "days_to_close", Value: 12, Unit: "days"}, {Name: "probability", Value: 35, Unit: "percent"},
			{Name: "probability_threshold", Value: 70, Unit: "percent"}},
		Actions: []domain.Action{{Kind: domain.ActionUpdateCloseDate, Title: "Confirm the close date with the buyer", DueInDays: 2},
			{Kind: domain.ActionUpdateProbability, Title: "Update the probability after the call", DueInDays: 2}}},
}

// spread deals findings out: deal i gets findings i, i+deals, i+2·deals…
// of the catalogue order, so n findings over d deals differ by at most one
// per deal.
func spread(dealIDs []string, n int) map[string][]domain.Finding {
	out := map[string][]domain.Finding{}
	for k := range n {
		id := dealIDs[k%len(dealIDs)]
		f := catalogue[len(out[id])%len(catalogue)]
		f.DealID = id
		out[id] = append(out[id], f)
	}
	return out
}
