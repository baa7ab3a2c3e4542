package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
)

// benchNarrator calls Narrate per deal, -callers deals at once, as the
// monitor does, without a database.
func benchNarrator(ctx context.Context, p params, fake *claudefake.Server, c *narrate.Claude, out io.Writer) error {
	today := domain.Date{Year: 2026, Month: 11, Day: 27}
	ids := make([]string, p.deals)
	for i := range ids {
		ids[i] = fmt.Sprintf("deal-%03d", i)
	}
	byDeal := spread(ids, p.findings)
	var (
		mu                        sync.Mutex
		calls, in, outTok, worded int
		cost                      float64
		failed                    []error
	)
	sem := make(chan struct{}, p.callers)
	var wg sync.WaitGroup
	start := time.Now()
	for i, id := range ids {
		value := int64(1_000_000 + 250_000*(i%40))
		closeDate := today.AddDays(5 + i%40)
		req := narrate.Request{Facts: narrate.Facts{DealID: id, Title: fmt.Sprintf("Renewal %03d", i),
			Company: fmt.Sprintf("Customer %03d Ltd", i), StageName: "Proposal", Currency: "USD", Value: &value,
			Probability: 35, CloseDate: &closeDate, Today: today}, Findings: byDeal[id]}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			res, err := c.Narrate(ctx, req)
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
	fmt.Fprintf(out, "  wall time          %s (the limit allows %s at best)\n", wall.Round(10*time.Millisecond), lowerBound(p))
	fmt.Fprintf(out, "  peak in flight     %d (counted by the fake), %d callers\n", fake.PeakInFlight(), p.callers)
	fmt.Fprintf(out, "  requests           %d\n", fake.Calls())
	fmt.Fprintf(out, "  findings worded    %d of %d (the rest keep the template text)\n", worded, p.findings)
	fmt.Fprintf(out, "  failed deals       %d\n", len(failed))
	for i, err := range failed {
		if i == 3 {
			break
		}
		fmt.Fprintf(out, "    %v\n", err)
	}
	costReport(out, p, calls, in, outTok, cost)
	return nil
}
