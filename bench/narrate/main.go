// Command narrate measures the Claude narrator against a local fake of the
// Messages API that answers after a fixed delay: how long narrating a
// cycle's worth of new findings takes, how many requests were in flight at
// once, and what the cycle would cost at the model's list price.
//
//	go run ./bench/narrate                       # 1,000 findings over 400 deals, 1 s answers
//	go run ./bench/narrate -deals 400 -findings 1000 -delay 1s -concurrency 4 -callers 16
//
// The deals are narrated the way the monitor does it: up to -callers deals
// at once call Narrate, and the narrator lets at most -concurrency requests
// (LLM_MAX_CONCURRENCY) reach the API. Token counts come from the fake,
// which reports about four characters per token of the real request and
// answer, so the cost is an estimate at realistic scale, not a bill.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("narrate", flag.ContinueOnError)
	deals := fs.Int("deals", 400, "deals with new findings")
	findings := fs.Int("findings", 1000, "new findings, spread over the deals")
	delay := fs.Duration("delay", time.Second, "how long the fake API takes to answer")
	concurrency := fs.Int("concurrency", 4, "LLM_MAX_CONCURRENCY: requests in flight at most")
	callers := fs.Int("callers", 16, "deals narrated at once by the monitor")
	model := fs.String("model", narrate.DefaultModel, "model id (priced in internal/narrate/price.go)")
	budget := fs.Float64("budget", 5, "LLM_DAILY_BUDGET_USD")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *deals <= 0 || *findings < *deals {
		return fmt.Errorf("need at least one finding per deal (deals %d, findings %d)", *deals, *findings)
	}
	fake := claudefake.New("sk-ant-bench")
	defer fake.Close()
	fake.SetDelay(*delay)
	c, err := narrate.NewClaude(narrate.ClaudeConfig{APIKey: fake.APIKey, BaseURL: fake.URL, Model: *model,
		MaxConcurrency: *concurrency, Timeout: *delay + 30*time.Second, DailyBudgetUSD: *budget,
		Base: narrate.Template{}, Now: time.Now, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return err
	}
	reqs := requests(*deals, *findings)

	var (
		mu                        sync.Mutex
		calls, in, outTok, worded int
		cost                      float64
		failed                    []error
	)
	sem := make(chan struct{}, *callers)
	var wg sync.WaitGroup
	start := time.Now()
	for _, r := range reqs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			res, err := c.Narrate(context.Background(), r)
			mu.Lock()
			defer mu.Unlock()
			calls, in, outTok, cost, worded = calls+res.Calls, in+res.TokensIn, outTok+res.TokensOut, cost+res.CostUSD, worded+len(res.Texts)
			if err != nil {
				failed = append(failed, err)
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)

	fmt.Fprintf(out, "narrated %d findings over %d deals with %s (fake API answering after %s)\n", *findings, *deals, *model, *delay)
	fmt.Fprintf(out, "  LLM_MAX_CONCURRENCY %d, monitor callers %d\n", *concurrency, *callers)
	fmt.Fprintf(out, "  wall time          %s (lower bound ceil(%d/%d) x %s = %s)\n", wall.Round(10*time.Millisecond),
		*deals, *concurrency, *delay, time.Duration((*deals+*concurrency-1) / *concurrency)**delay)
	fmt.Fprintf(out, "  peak in flight     %d (the fake counted)\n", fake.PeakInFlight())
	fmt.Fprintf(out, "  requests           %d (fake) / %d (narrator)\n", fake.Calls(), calls)
	fmt.Fprintf(out, "  findings worded    %d of %d (the rest keep the template text)\n", worded, *findings)
	fmt.Fprintf(out, "  failed deals       %d\n", len(failed))
	fmt.Fprintf(out, "cost report\n")
	fmt.Fprintf(out, "  tokens in / out    %d / %d\n", in, outTok)
	fmt.Fprintf(out, "  estimated cost     $%.4f (%s list price)\n", cost, *model)
	fmt.Fprintf(out, "  per deal           $%.5f\n", cost/float64(max(1, *deals)))
	fmt.Fprintf(out, "  per finding        $%.5f\n", cost/float64(max(1, *findings)))
	fmt.Fprintf(out, "  daily budget used  %.1f%% of $%.2f\n", 100*cost / *budget, *budget)
	for i, err := range failed {
		if i == 3 {
			fmt.Fprintf(out, "  … %d more failures\n", len(failed)-3)
			break
		}
		fmt.Fprintf(out, "  failure: %v\n", err)
	}
	return nil
}

// requests builds deals with realistic findings: n findings spread as
// evenly as possible, drawn from the rules in turn.
func requests(deals, findings int) []narrate.Request {
	today := domain.Date{Year: 2026, Month: 11, Day: 27}
	out := make([]narrate.Request, deals)
	for i := range out {
		value := int64(1_000_000 + 250_000*(i%40)) // $10,000 to $107,500
		closeDate := today.AddDays(5 + i%40)
		out[i] = narrate.Request{Facts: narrate.Facts{DealID: fmt.Sprintf("deal-%03d", i),
			Title: fmt.Sprintf("Renewal %03d", i), Company: fmt.Sprintf("Customer %03d Ltd", i), StageName: "Proposal",
			Currency: "USD", Value: &value, Probability: 35, CloseDate: &closeDate, Today: today, TimeZone: time.UTC}}
	}
	for k := range findings {
		r := &out[k%deals]
		f := catalogue[len(r.Findings)%len(catalogue)]
		f.DealID = r.Facts.DealID
		r.Findings = append(r.Findings, f)
	}
	return out
}

// catalogue holds findings shaped like the analysis package's.
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
