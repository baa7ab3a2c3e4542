package monitor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// The checklist's end-to-end case through the workspace run, with the real
// rules: a new high-value deal at 20% in negotiation gets a critical insight
// with actions after one run, and a second run changes no insight row.
func TestChecklistHighValueDeal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		_, w := fixture(t, s, "Checklist")
		d := addDeal(t, s, w.ID, store.NewDeal{Title: "Test Deal - High Value", Value: money(50000), Stage: "negotiation", Probability: pct(20)})
		m := New(Options{Store: s, Now: clock.Now})
		rep := runOnce(t, m, domain.RunSucceeded, w.ID)
		if r := rep.Runs[0]; r.DealsAnalysed != 1 || r.InsightsCreated == 0 || r.CriticalCount == 0 {
			t.Fatalf("first run figures %+v", r)
		}
		var critical *domain.Insight
		for _, in := range insights(t, s, w.ID, domain.InsightFilter{DealID: d.ID}) {
			if in.Priority == domain.PriorityCritical && len(in.Actions) > 0 {
				critical = &in
				break
			}
		}
		if critical == nil {
			t.Fatalf("no critical insight with actions on the deal: %s", insightRows(t, s, w.ID))
		}
		if critical.Status != domain.StatusNew || critical.Narrator != narrate.TemplateName ||
			!strings.Contains(critical.Title, "Test Deal - High Value") || critical.Description == "" {
			t.Fatalf("critical insight %+v", *critical)
		}
		before := insightRows(t, s, w.ID)
		clock.Advance(30 * time.Minute)
		rep = runOnce(t, m, domain.RunSucceeded, w.ID)
		if r := rep.Runs[0]; r.InsightsCreated+r.InsightsUpdated+r.InsightsResolved != 0 || r.LLMCalls != 0 {
			t.Fatalf("second run changed insights: %+v", r)
		}
		if after := insightRows(t, s, w.ID); after != before {
			t.Fatalf("second run wrote insight rows:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// Every bullet of design §4's reconcile rules, run after run through the
// store, with scripted findings.
func TestReconcileAcrossRuns(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "Reconcile")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		d1 := addDeal(t, s, w.ID, store.NewDeal{Title: "Initech expansion", Value: money(8000)})
		d2 := addDeal(t, s, w.ID, store.NewDeal{Title: "Hooli pilot", Value: money(3000)})
		sc := &scripted{}
		fake := &fakeNarrator{name: "fake-model"}
		m := New(Options{Store: s, Now: clock.Now, Analyze: sc.analyze, Narrator: fake})
		set := func(status domain.InsightStatus, fp string, until *time.Time) {
			t.Helper()
			if _, err := s.SetInsightStatus(ctx, w.ID, insightOf(t, s, w.ID, fp).ID, store.InsightChange{Status: status, SnoozedUntil: until}, actor); err != nil {
				t.Fatal(err)
			}
		}
		figures := func(r domain.MonitorRun) [4]int {
			return [4]int{r.InsightsCreated, r.InsightsUpdated, r.InsightsResolved, r.LLMCalls}
		}

		// 1. New findings create insights; each deal is narrated once.
		a, b, c := finding("stale", d1.ID, domain.PriorityMedium, 10), finding("overdue", d1.ID, domain.PriorityMedium, 3), finding("stale", d2.ID, domain.PriorityHigh, 20)
		sc.set(a, b, c)
		r := runOnce(t, m, domain.RunSucceeded).Runs[0]
		if got := figures(r); got != [4]int{3, 0, 0, 2} {
			t.Fatalf("run 1 created/updated/resolved/calls %v", got)
		}
		if in := insightOf(t, s, w.ID, a.Fingerprint()); in.Title != "stale by fake-model" || in.Narrator != "fake-model" ||
			in.NarrationKey != narrate.Key(a.Fingerprint(), a.Priority, "fake-model") || in.Actions[0].Title != "action 1 by fake-model" ||
			in.CostUSD == 0 || in.TokensIn == 0 {
			t.Fatalf("narrated insight %+v", in)
		}

		// 2. Users respond; an unchanged pipeline writes nothing and calls nothing.
		set(domain.StatusViewed, a.Fingerprint(), nil)
		set(domain.StatusDismissed, b.Fingerprint(), nil)
		until := clock.Now().Add(2 * time.Hour)
		set(domain.StatusSnoozed, c.Fingerprint(), &until)
		before := insightRows(t, s, w.ID)
		r = runOnce(t, m, domain.RunSucceeded).Runs[0]
		if got := figures(r); got != [4]int{0, 0, 0, 0} || insightRows(t, s, w.ID) != before {
			t.Fatalf("run 2 on an unchanged pipeline: %v", got)
		}

		// 3. Evidence changes: content updated, the user's status kept, no
		// new narration. A priority above what was notified: new again,
		// max raised, narrated.
		a2, b2 := finding("stale", d1.ID, domain.PriorityMedium, 11), finding("overdue", d1.ID, domain.PriorityHigh, 16)
		sc.set(a2, b2, c)
		calls := fake.calls.Load()
		r = runOnce(t, m, domain.RunSucceeded).Runs[0]
		if got := figures(r); got != [4]int{0, 2, 0, 1} || r.CriticalCount != 0 {
			t.Fatalf("run 3: %v critical %d", got, r.CriticalCount)
		}
		inA := insightOf(t, s, w.ID, a.Fingerprint())
		if inA.Status != domain.StatusViewed || inA.Evidence[0].Value != 11 || inA.Narrator != narrate.TemplateName ||
			inA.NarrationKey != narrate.Key(a.Fingerprint(), a.Priority, "fake-model") || !strings.Contains(inA.Title, "Initech") {
			t.Fatalf("evidence change: %+v", inA)
		}
		inB := insightOf(t, s, w.ID, b.Fingerprint())
		if inB.Status != domain.StatusNew || inB.Priority != domain.PriorityHigh || inB.MaxPriorityNotified != domain.PriorityHigh ||
			inB.Title != "overdue by fake-model" || fake.calls.Load() != calls+1 {
			t.Fatalf("escalation from dismissed: %+v", inB)
		}
		// Down and back up to the notified level: no new alert.
		set(domain.StatusDismissed, b.Fingerprint(), nil)
		sc.set(a2, finding("overdue", d1.ID, domain.PriorityMedium, 16), c)
		runOnce(t, m, domain.RunSucceeded)
		sc.set(a2, b2, c)
		runOnce(t, m, domain.RunSucceeded)
		if in := insightOf(t, s, w.ID, b.Fingerprint()); in.Status != domain.StatusDismissed || in.MaxPriorityNotified != domain.PriorityHigh {
			t.Fatalf("a priority back at the notified level re-alerted: %+v", in)
		}

		// 4. The snooze runs out: new again.
		if in := insightOf(t, s, w.ID, c.Fingerprint()); in.Status != domain.StatusSnoozed {
			t.Fatalf("snoozed insight changed early: %+v", in)
		}
		clock.Advance(2 * time.Hour)
		r = runOnce(t, m, domain.RunSucceeded).Runs[0]
		if in := insightOf(t, s, w.ID, c.Fingerprint()); in.Status != domain.StatusNew || in.SnoozedUntil != nil || r.InsightsUpdated != 1 {
			t.Fatalf("after the snooze: %+v (run %+v)", in, r)
		}

		// 5. A rule stops firing (from viewed), a deal closes (from new), a
		// deal is deleted: resolved, resolved, gone with the deal.
		sc.set(b2, c)
		r = runOnce(t, m, domain.RunSucceeded).Runs[0]
		if r.InsightsResolved != 1 || len(insights(t, s, w.ID, domain.InsightFilter{Status: domain.StatusResolved, Rule: "stale", DealID: d1.ID})) != 1 {
			t.Fatalf("rule stopped firing: run %+v", r)
		}
		won := "won"
		if _, err := s.UpdateDeal(ctx, w.ID, d2.ID, domain.DealPatch{Stage: &won}, actor); err != nil {
			t.Fatal(err)
		}
		r = runOnce(t, m, domain.RunSucceeded).Runs[0]
		if r.InsightsResolved != 1 || len(insights(t, s, w.ID, domain.InsightFilter{Open: true, DealID: d2.ID})) != 0 {
			t.Fatalf("closed deal: run %+v", r)
		}
		if err := s.DeleteDeal(ctx, w.ID, d1.ID); err != nil {
			t.Fatal(err)
		}
		runOnce(t, m, domain.RunSucceeded)
		if open := insights(t, s, w.ID, domain.InsightFilter{Open: true}); len(open) != 0 {
			t.Fatalf("open insights after the deal was deleted: %+v", open)
		}
		// A fingerprint that fires again after resolving opens a new row.
		d3 := addDeal(t, s, w.ID, store.NewDeal{Title: "Umbrella renewal"})
		sc.set(finding("stale", d3.ID, domain.PriorityLow, 15))
		runOnce(t, m, domain.RunSucceeded)
		sc.set()
		runOnce(t, m, domain.RunSucceeded)
		sc.set(finding("stale", d3.ID, domain.PriorityLow, 15))
		if r := runOnce(t, m, domain.RunSucceeded).Runs[0]; r.InsightsCreated != 1 {
			t.Fatalf("re-fired finding: %+v", r)
		}
	})
}

// A user's dismiss that lands after the run read the statuses and before
// it writes is never overwritten; the next run decides on what it sees.
func TestDismissDuringRun(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "Race")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		d := addDeal(t, s, w.ID, store.NewDeal{Title: "Vandelay imports"})
		sc := &scripted{}
		m := New(Options{Store: s, Now: clock.Now, Analyze: sc.analyze})
		low, gone := finding("stale", d.ID, domain.PriorityMedium, 10), finding("overdue", d.ID, domain.PriorityMedium, 2)
		sc.set(low, gone)
		runOnce(t, m, domain.RunSucceeded)

		// The next run escalates one insight and resolves the other; the
		// user dismisses both while it runs.
		sc.set(finding("stale", d.ID, domain.PriorityCritical, 40))
		m.hook = func(stage, _ string) {
			if stage != "reconciled" {
				return
			}
			for _, fp := range []string{low.Fingerprint(), gone.Fingerprint()} {
				if _, err := s.SetInsightStatus(ctx, w.ID, insightOf(t, s, w.ID, fp).ID, store.InsightChange{Status: domain.StatusDismissed}, actor); err != nil {
					t.Error(err)
				}
			}
		}
		r := runOnce(t, m, domain.RunSucceeded).Runs[0]
		m.hook = nil
		if r.InsightsUpdated+r.InsightsResolved != 0 {
			t.Fatalf("the run applied changes decided on statuses that had changed: %+v", r)
		}
		for _, fp := range []string{low.Fingerprint(), gone.Fingerprint()} {
			if in := insightOf(t, s, w.ID, fp); in.Status != domain.StatusDismissed || in.Priority != domain.PriorityMedium {
				t.Fatalf("the dismiss was overwritten: %+v", in)
			}
		}
		// The next run sees the dismissal: the escalation beyond what the
		// user was told brings one back, the other resolves from dismissed.
		r = runOnce(t, m, domain.RunSucceeded).Runs[0]
		if r.InsightsUpdated != 1 || r.InsightsResolved != 1 || r.CriticalCount != 1 {
			t.Fatalf("next run %+v", r)
		}
		if in := insightOf(t, s, w.ID, low.Fingerprint()); in.Status != domain.StatusNew || in.Priority != domain.PriorityCritical {
			t.Fatalf("escalated %+v", in)
		}
	})
}

func TestNarration(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		_, w := fixture(t, s, "Narration")
		var deals []domain.Deal
		for i := range 40 {
			deals = append(deals, addDeal(t, s, w.ID, store.NewDeal{Title: "Deal " + string(rune('A'+i%26)) + string(rune('a'+i/26))}))
		}
		sc := &scripted{}
		var fs []domain.Finding
		for _, d := range deals {
			fs = append(fs, finding("stale", d.ID, domain.PriorityMedium, 9), finding("no_next_step", d.ID, domain.PriorityMedium, 0))
		}
		sc.set(fs...)

		// Bounded concurrency: 40 deals, one call each, at most 16 at once.
		fake := &fakeNarrator{name: "fake-model", delay: 20 * time.Millisecond}
		m := New(Options{Store: s, Now: clock.Now, Analyze: sc.analyze, Narrator: fake})
		r := runOnce(t, m, domain.RunSucceeded).Runs[0]
		if fake.calls.Load() != 40 || r.LLMCalls != 40 || fake.maxInflight.Load() > DefaultNarrateConcurrency || fake.maxInflight.Load() < 2 {
			t.Fatalf("calls %d (run %d), max in flight %d", fake.calls.Load(), r.LLMCalls, fake.maxInflight.Load())
		}
		if r.TokensIn != 4000 || r.CostUSD < 0.0799 || r.CostUSD > 0.0801 {
			t.Fatalf("run spend %+v", r)
		}
		in := insightOf(t, s, w.ID, fs[0].Fingerprint())
		if in.TokensIn != 50 || in.CostUSD != 0.001 {
			t.Fatalf("a deal's cost is shared over its findings: %+v", in)
		}

		// A narrator that fails after calling: the template text stays, the
		// key is stored, and it is not called again for the same key.
		_, w2 := fixture(t, s, "Narration failures")
		d := addDeal(t, s, w2.ID, store.NewDeal{Title: "Soylent supply"})
		sc2 := &scripted{}
		f := finding("stale", d.ID, domain.PriorityHigh, 30)
		sc2.set(f)
		failing := &fakeNarrator{name: "fake-model", fail: true}
		m2 := New(Options{Store: s, Now: clock.Now, Analyze: sc2.analyze, Narrator: failing})
		r = runOnce(t, m2, domain.RunSucceeded, w2.ID).Runs[0]
		in = insightOf(t, s, w2.ID, f.Fingerprint())
		if failing.calls.Load() != 1 || r.LLMCalls != 1 || in.Narrator != narrate.TemplateName || !strings.Contains(in.Title, "Soylent supply") ||
			in.NarrationKey != narrate.Key(f.Fingerprint(), f.Priority, "fake-model") {
			t.Fatalf("failed narration: calls %d, insight %+v", failing.calls.Load(), in)
		}
		runOnce(t, m2, domain.RunSucceeded, w2.ID)
		if failing.calls.Load() != 1 {
			t.Fatal("a failed narration was retried under the same key")
		}

		// The budget runs out after 3 calls: the rest are not called, the
		// run says so, and a later run (budget back) words the rest.
		_, w3 := fixture(t, s, "Narration budget")
		sc3 := &scripted{}
		var fs3 []domain.Finding
		for i := range 6 {
			d := addDeal(t, s, w3.ID, store.NewDeal{Title: "Budget deal " + string(rune('A'+i))})
			fs3 = append(fs3, finding("stale", d.ID, domain.PriorityMedium, 9))
		}
		sc3.set(fs3...)
		capped := &fakeNarrator{name: "fake-model", budgetAfter: 3}
		m3 := New(Options{Store: s, Now: clock.Now, Analyze: sc3.analyze, Narrator: capped, NarrateConcurrency: 1})
		r = runOnce(t, m3, domain.RunSucceeded, w3.ID).Runs[0]
		if !r.BudgetExhausted || r.LLMCalls != 3 || capped.calls.Load() != 3 {
			t.Fatalf("budget: run %+v, calls %d", r, capped.calls.Load())
		}
		capped.budgetAfter = 0
		r = runOnce(t, m3, domain.RunSucceeded, w3.ID).Runs[0]
		if r.BudgetExhausted || r.LLMCalls != 3 {
			t.Fatalf("after the budget came back: %+v", r)
		}
		for _, f := range fs3 {
			if in := insightOf(t, s, w3.ID, f.Fingerprint()); in.Narrator != "fake-model" {
				t.Fatalf("not worded after the budget came back: %+v", in)
			}
		}
		if r := runOnce(t, m3, domain.RunSucceeded, w3.ID).Runs[0]; r.LLMCalls != 0 {
			t.Fatalf("third run called the narrator: %+v", r)
		}
	})
}

// Changes are written at most BatchDeals deals per transaction, and a run
// over more deals than that still ends where one big batch would.
func TestBatchedPersist(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		_, w := fixture(t, s, "Batches")
		sc := &scripted{}
		var fs []domain.Finding
		for i := range 7 {
			d := addDeal(t, s, w.ID, store.NewDeal{Title: "Batch deal " + string(rune('A'+i))})
			fs = append(fs, finding("stale", d.ID, domain.PriorityMedium, 9), finding("overdue", d.ID, domain.PriorityHigh, 20))
		}
		sc.set(fs...)
		var steps []int
		m := New(Options{Store: s, Now: clock.Now, Analyze: sc.analyze, BatchDeals: 3})
		rep, err := m.RunCycle(context.Background(), []string{w.ID}, func(n int) { steps = append(steps, n) })
		if err != nil || rep.Runs[0].InsightsCreated != 14 {
			t.Fatalf("%v %+v", err, rep.Runs)
		}
		if len(steps) != 4 || steps[0] != 3 || steps[1] != 3 || steps[2] != 1 || steps[3] != 0 {
			t.Fatalf("progress steps %v, want batches of 3, 3, 1 and the 0 unchanged deals", steps)
		}
		sc.set(fs[:7]...)
		if r := runOnce(t, m, domain.RunSucceeded, w.ID).Runs[0]; r.InsightsResolved != 7 {
			t.Fatalf("resolved %d", r.InsightsResolved)
		}
	})
}
