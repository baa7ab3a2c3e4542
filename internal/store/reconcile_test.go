package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func recFinding(dealID, rule string, p domain.Priority, idle float64) domain.Finding {
	return domain.Finding{Rule: rule, DealID: dealID, Type: domain.InsightRisk, Priority: p, Severity: .5, Confidence: .9,
		Evidence: []domain.Evidence{{Name: "idle_days", Value: idle, Unit: "days"}},
		Actions:  []domain.Action{{Kind: domain.ActionContactBuyer, Title: "Call the buyer", DueInDays: 1}}}
}

func recContent(f domain.Finding, title string) store.InsightContent {
	return store.InsightContent{Finding: f, Title: title, Description: "d", Actions: f.Actions, Narrator: "template",
		NarrationKey: f.Fingerprint() + "|" + string(f.Priority) + "|template"}
}

func recState(t *testing.T, s *store.Store, workspaceID, fingerprint string) store.InsightState {
	t.Helper()
	states, err := s.OpenInsightStates(context.Background(), workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.Fingerprint == fingerprint {
			return st
		}
	}
	t.Fatalf("no open insight %s", fingerprint)
	return store.InsightState{}
}

func TestApplyReconcile(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "rec@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "Globex renewal", Value: money(1_000_000)}, actor)
		if err != nil {
			t.Fatal(err)
		}
		closed, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "Closed one", Stage: "won"}, actor)
		if err != nil {
			t.Fatal(err)
		}
		stale := recFinding(d.ID, "stale", domain.PriorityMedium, 20)
		res, err := s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Creates: []store.InsightContent{
			recContent(stale, "Globex has gone quiet"),
			recContent(recFinding(closed.ID, "stale", domain.PriorityHigh, 30), "closed deal"),
		}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || !res.CreateApplied[0] || res.CreateApplied[1] {
			t.Fatalf("create: %+v (the closed deal's finding must be skipped)", res)
		}
		st := recState(t, s, w.ID, stale.Fingerprint())
		in, err := s.GetInsight(ctx, w.ID, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if in.Status != domain.StatusNew || in.Title != "Globex has gone quiet" || in.Priority != domain.PriorityMedium ||
			in.MaxPriorityNotified != domain.PriorityMedium || in.Evidence[0].Value != 20 || in.Actions[0].Title != "Call the buyer" ||
			!in.FirstSeenAt.Equal(clock.Now()) || st.EvidenceJSON != domain.EvidenceJSON(stale.Evidence) {
			t.Fatalf("stored insight %+v, state %+v", in, st)
		}

		// A second create of an open fingerprint (a concurrent run got there
		// first) is skipped by the partial unique index, not an error.
		res, err = s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Creates: []store.InsightContent{recContent(stale, "dup")}})
		if err != nil || res.Created != 0 || res.CreateApplied[0] {
			t.Fatalf("duplicate create: %+v %v", res, err)
		}

		// A user dismisses after the run read the status: the run's status
		// change and content update do not apply.
		if _, err := s.SetInsightStatus(ctx, w.ID, st.ID, store.InsightChange{Status: domain.StatusDismissed}, actor); err != nil {
			t.Fatal(err)
		}
		high := recFinding(d.ID, "stale", domain.PriorityHigh, 25)
		c := recContent(high, "escalated")
		res, err = s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Updates: []store.InsightUpdate{{ID: st.ID,
			ExpectStatus: domain.StatusNew, Status: domain.StatusNew, MaxPriorityNotified: 2, Content: &c}}})
		if err != nil || res.Updated != 0 || res.UpdateApplied[0] {
			t.Fatalf("stale update applied: %+v %v", res, err)
		}
		if in, _ := s.GetInsight(ctx, w.ID, st.ID); in.Status != domain.StatusDismissed || in.Title != "Globex has gone quiet" {
			t.Fatalf("the user's dismiss was overwritten: %+v", in)
		}
		// Decided on the status it has now, the escalation applies.
		clock.Advance(time.Hour)
		res, err = s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Updates: []store.InsightUpdate{{ID: st.ID,
			ExpectStatus: domain.StatusDismissed, Status: domain.StatusNew, MaxPriorityNotified: 2, Content: &c}}})
		if err != nil || res.Updated != 1 {
			t.Fatalf("escalation: %+v %v", res, err)
		}
		in, _ = s.GetInsight(ctx, w.ID, st.ID)
		if in.Status != domain.StatusNew || in.Priority != domain.PriorityHigh || in.MaxPriorityNotified != domain.PriorityHigh ||
			in.Title != "escalated" || in.Evidence[0].Value != 25 || !in.UpdatedAt.Equal(clock.Now()) || !in.FirstSeenAt.Equal(in.CreatedAt) {
			t.Fatalf("after escalation %+v", in)
		}

		// Narration lands only where fingerprint and priority are still
		// those narrated; a failed attempt stores only its key.
		n, err := s.ApplyNarrations(ctx, w.ID, []store.Narration{
			{Fingerprint: high.Fingerprint(), Priority: domain.PriorityMedium, Title: "old priority", NarrationKey: "k0"},
			{Fingerprint: high.Fingerprint(), Priority: domain.PriorityHigh, Title: "Worded", Description: "By a model",
				Actions:  []domain.Action{{Kind: domain.ActionContactBuyer, Title: "Ring Globex", DueInDays: 1}},
				Narrator: "model-x", NarrationKey: "k1", TokensIn: 100, TokensOut: 40, CostUSD: 0.01},
		})
		if err != nil || n != 1 {
			t.Fatalf("narrations applied %d, %v", n, err)
		}
		in, _ = s.GetInsight(ctx, w.ID, st.ID)
		if in.Title != "Worded" || in.Narrator != "model-x" || in.NarrationKey != "k1" || in.TokensIn != 100 ||
			in.CostUSD != 0.01 || in.Actions[0].Title != "Ring Globex" || in.Evidence[0].Value != 25 {
			t.Fatalf("after narration %+v", in)
		}
		if _, err := s.ApplyNarrations(ctx, w.ID, []store.Narration{{Fingerprint: high.Fingerprint(), Priority: domain.PriorityHigh, NarrationKey: "k2"}}); err != nil {
			t.Fatal(err)
		}
		in, _ = s.GetInsight(ctx, w.ID, st.ID)
		if in.Title != "Worded" || in.NarrationKey != "k2" {
			t.Fatalf("a failed attempt changed the text or not the key: %+v", in)
		}

		// A status-only change (a snooze that ran out) keeps the content.
		until := clock.Now().Add(time.Hour)
		if _, err := s.SetInsightStatus(ctx, w.ID, st.ID, store.InsightChange{Status: domain.StatusSnoozed, SnoozedUntil: &until}, actor); err != nil {
			t.Fatal(err)
		}
		if st := recState(t, s, w.ID, stale.Fingerprint()); st.SnoozedUntil == nil || !st.SnoozedUntil.Equal(until) {
			t.Fatalf("state snoozed_until %v", st.SnoozedUntil)
		}
		res, err = s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Updates: []store.InsightUpdate{{ID: st.ID,
			ExpectStatus: domain.StatusSnoozed, Status: domain.StatusNew, MaxPriorityNotified: 2}}})
		if err != nil || res.Updated != 1 {
			t.Fatalf("unsnooze: %+v %v", res, err)
		}
		in, _ = s.GetInsight(ctx, w.ID, st.ID)
		if in.Status != domain.StatusNew || in.SnoozedUntil != nil || in.Title != "Worded" {
			t.Fatalf("after unsnooze %+v", in)
		}

		// Resolve is conditional too, and resolved rows are no longer open:
		// the fingerprint can open again as a new row.
		res, err = s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Resolves: []store.InsightResolve{{ID: st.ID, ExpectStatus: domain.StatusViewed}}})
		if err != nil || res.Resolved != 0 {
			t.Fatalf("resolve on a stale status: %+v %v", res, err)
		}
		res, err = s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Resolves: []store.InsightResolve{{ID: st.ID, ExpectStatus: domain.StatusNew}}})
		if err != nil || res.Resolved != 1 {
			t.Fatalf("resolve: %+v %v", res, err)
		}
		in, _ = s.GetInsight(ctx, w.ID, st.ID)
		if in.Status != domain.StatusResolved || in.ResolvedAt == nil || in.MaxPriorityNotified != domain.PriorityLow {
			t.Fatalf("resolved %+v", in)
		}
		if states, _ := s.OpenInsightStates(ctx, w.ID); len(states) != 0 {
			t.Fatalf("open after resolve: %+v", states)
		}
		res, err = s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Creates: []store.InsightContent{recContent(stale, "again")}})
		if err != nil || res.Created != 1 {
			t.Fatalf("re-open after resolve: %+v %v", res, err)
		}
	})
}

// Creates go in multi-row statements; the conflict backstop still skips
// exactly the rows whose fingerprint is open, whichever statement carries them.
func TestApplyReconcileManyCreates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		_, w := fixture(t, s, "many@example.com")
		var creates []store.InsightContent
		for i := range 125 {
			d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "Deal"}, domain.SystemActor)
			if err != nil {
				t.Fatal(err)
			}
			creates = append(creates, recContent(recFinding(d.ID, "stale", domain.PriorityMedium, float64(i)), "t"),
				recContent(recFinding(d.ID, "overdue", domain.PriorityHigh, float64(i)), "t"))
		}
		if _, err := s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Creates: []store.InsightContent{creates[150]}}); err != nil {
			t.Fatal(err)
		}
		res, err := s.ApplyReconcile(ctx, w.ID, store.ReconcileBatch{Creates: creates})
		if err != nil || res.Created != 249 {
			t.Fatalf("created %d, %v", res.Created, err)
		}
		for i, ok := range res.CreateApplied {
			if ok == (i == 150) {
				t.Fatalf("create %d applied=%v", i, ok)
			}
		}
		if states, _ := s.OpenInsightStates(ctx, w.ID); len(states) != 250 {
			t.Fatalf("%d open insights, want 250", len(states))
		}
	})
}
