package monitor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/store"
)

// narrate has the narrator word the deals whose open insights are new (just
// created, escalated, back from a snooze, or not yet seen) and whose stored
// narration key is not this narrator's for the finding's fingerprint and
// priority. It runs outside any transaction: one Narrate call per deal, at
// most narrateN at once. Persist wrote the template's text under the
// template's key, so with the template narrator nothing is called, and a
// second run over an unchanged pipeline calls nothing either. An attempt
// that was made stores the narrator's key whatever came of it (a rejected or
// failed wording keeps the template text), so it is not paid for again until
// fingerprint, priority or narrator change; an exhausted budget stops further
// calls, stores no key (a later run tries again) and is recorded on the run.
func (m *Monitor) narrate(ctx context.Context, workspaceID string, findings []domain.Finding, after map[string]stored, w *wording, fig *domain.MonitorRun) error {
	name := m.narrator.Name()
	var deals []string
	byDeal := map[string][]domain.Finding{}
	for _, f := range findings {
		fp := f.Fingerprint()
		a, ok := after[fp]
		delete(after, fp) // a duplicate finding is narrated once
		if !ok || a.status != domain.StatusNew || a.key == narrate.Key(fp, f.Priority, name) {
			continue
		}
		if _, ok := byDeal[f.DealID]; !ok {
			deals = append(deals, f.DealID)
		}
		byDeal[f.DealID] = append(byDeal[f.DealID], f)
	}
	if len(deals) == 0 {
		return nil
	}
	type outcome struct {
		res     narrate.Result
		err     error
		skipped bool
	}
	out := make([]outcome, len(deals))
	var exhausted atomic.Bool
	var wg sync.WaitGroup
	sem := make(chan struct{}, m.narrateN)
	for i, deal := range deals {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			out[i].skipped = true
			continue
		}
		if exhausted.Load() {
			<-sem
			out[i].skipped = true
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if v := recover(); v != nil { // a narrator bug must not take the process down
					out[i].err = fmt.Errorf("narrator panic: %v", v)
				}
			}()
			res, err := m.narrator.Narrate(ctx, narrate.Request{Facts: w.facts[deal], Findings: byDeal[deal]})
			if errors.Is(err, narrate.ErrBudgetExhausted) {
				exhausted.Store(true)
			}
			// An error before any call (budget, open circuit, cancelled)
			// attempted nothing: no key, so a later run tries again.
			out[i].res, out[i].err, out[i].skipped = res, err, err != nil && res.Calls == 0
		}()
	}
	wg.Wait()

	var ns []store.Narration
	for i, deal := range deals {
		o := out[i]
		fig.LLMCalls += o.res.Calls
		fig.TokensIn += o.res.TokensIn
		fig.TokensOut += o.res.TokensOut
		fig.CostUSD += o.res.CostUSD
		if o.skipped {
			continue
		}
		if o.err != nil {
			m.log.Warn("narration failed; the template text stays", "workspace_id", workspaceID, "deal_id", deal, "error", o.err)
		}
		ns = append(ns, narrations(byDeal[deal], o.res, o.err, name)...)
	}
	if exhausted.Load() {
		fig.BudgetExhausted = true
		m.log.Warn("LLM daily budget exhausted: remaining insights keep the template text", "workspace_id", workspaceID)
	}
	if _, err := m.store.ApplyNarrations(ctx, workspaceID, ns); err != nil {
		return fmt.Errorf("monitor: narrate: %w", err)
	}
	return nil
}

// narrations turns one deal's result into store updates. The deal's cost
// is shared out over the findings that got a text.
func narrations(findings []domain.Finding, res narrate.Result, err error, name string) []store.Narration {
	narrator := res.Narrator
	if narrator == "" {
		narrator = name
	}
	out := make([]store.Narration, 0, len(findings))
	worded := 0
	for _, f := range findings {
		n := store.Narration{Fingerprint: f.Fingerprint(), Priority: f.Priority, NarrationKey: narrate.Key(f.Fingerprint(), f.Priority, name)}
		if t, ok := res.Texts[f.Rule]; ok && err == nil && t.Title != "" {
			n.Title, n.Description, n.Actions, n.Narrator = t.Title, t.Description, withTitles(f.Actions, t.ActionTitles), narrator
			worded++
		}
		out = append(out, n)
	}
	first := true
	for i := range out {
		if out[i].Title == "" {
			continue
		}
		out[i].CostUSD = res.CostUSD / float64(worded)
		out[i].TokensIn, out[i].TokensOut = res.TokensIn/worded, res.TokensOut/worded
		if first { // integer remainders go to the first
			out[i].TokensIn += res.TokensIn % worded
			out[i].TokensOut += res.TokensOut % worded
			first = false
		}
	}
	return out
}
