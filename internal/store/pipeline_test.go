package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestPipeline(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := acctFixture(t, s, "p@example.com")
		_, other := acctFixture(t, s, "q@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		mk := func(ws, stage string, value *int64, prob *int) domain.Deal {
			t.Helper()
			d, err := s.CreateDeal(ctx, ws, store.NewDeal{Title: "d", Value: value, Stage: stage, Probability: prob}, actor)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		v := func(n int64) *int64 { return &n }
		p := func(n int) *int { return &n }
		mk(w.ID, "lead", v(100_00), nil)       // 10% default
		mk(w.ID, "lead", nil, nil)             // no value: counted, adds nothing
		mk(w.ID, "proposal", v(333_33), p(33)) // 33%
		nego := mk(w.ID, "negotiation", v(1_000_00), p(70))
		mk(other.ID, "lead", v(999_999_00), nil) // another tenant: ignored
		// Clearing a probability falls back to the stage default (70%).
		var none *int
		if _, err := s.UpdateDeal(ctx, w.ID, nego.ID, domain.DealPatch{Probability: &none}, actor); err != nil {
			t.Fatal(err)
		}
		// Closed deals: one won long ago (outside the window), one won and two lost recently.
		old := mk(w.ID, "proposal", v(50_00), nil)
		won := "won"
		if _, err := s.UpdateDeal(ctx, w.ID, old.ID, domain.DealPatch{Stage: &won}, actor); err != nil {
			t.Fatal(err)
		}
		clock.Advance(100 * 24 * time.Hour)
		recent := mk(w.ID, "proposal", v(10_00), nil)
		if _, err := s.UpdateDeal(ctx, w.ID, recent.ID, domain.DealPatch{Stage: &won}, actor); err != nil {
			t.Fatal(err)
		}
		mk(w.ID, "lost", v(1), nil)
		mk(w.ID, "lost", nil, nil)
		insight := func(rank int, status string) {
			_, err := s.DB().ExecContext(ctx, `INSERT INTO insights (id, workspace_id, deal_id, rule, fingerprint, type, title, description,
				priority, priority_rank, max_priority_notified, severity, confidence, evidence, actions, status, narrator, narration_key,
				tokens_in, tokens_out, cost_usd, first_seen_at, created_at, updated_at)
				VALUES ($1,$2,$3,'stale',$4,'risk','t','d',$5,$6,$6,0.5,0.9,'[]','[]',$7,'template','',0,0,0,$8,$8,$8)`,
				"ins-"+status+string(rune('a'+rank)), w.ID, nego.ID, "fp-"+status+string(rune('a'+rank)),
				string(domain.PriorityFromRank(rank)), rank, status, clock.Now())
			if err != nil {
				t.Fatal(err)
			}
		}
		insight(3, "new")
		insight(3, "snoozed")
		insight(1, "viewed")
		insight(2, "resolved")

		got, err := s.Pipeline(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.OpenCount != 4 || got.OpenValue != 1_433_33 {
			t.Errorf("open: %d deals worth %d", got.OpenCount, got.OpenValue)
		}
		// 10000×10 + 33333×33 + 100000×70 = 8_199_989 → /100 = 81_999.89 → 82_000 rounded
		if got.WeightedValue != 82_000 {
			t.Errorf("weighted %d, want 82000", got.WeightedValue)
		}
		if got.AverageDealSize != 47_778 { // 143333 / 3 = 47777.67
			t.Errorf("average %d, want 47778", got.AverageDealSize)
		}
		if got.Won != 1 || got.Lost != 2 || got.WinRate == nil || *got.WinRate != 1.0/3 {
			t.Errorf("win rate: won %d lost %d rate %v", got.Won, got.Lost, got.WinRate)
		}
		stages := map[string]store.PipelineStage{}
		for _, st := range got.Stages {
			stages[st.Key] = st
		}
		if len(got.Stages) != 6 || stages["lead"].Count != 2 || stages["lead"].Value != 100_00 ||
			stages["won"].Count != 2 || stages["won"].Value != 60_00 || stages["qualified"].Count != 0 || stages["lost"].Count != 2 {
			t.Errorf("stages: %+v", got.Stages)
		}
		want := map[domain.Priority]int{"low": 0, "medium": 1, "high": 0, "critical": 2}
		for pr, n := range want {
			if got.OpenInsights[pr] != n {
				t.Errorf("open insights %s: %d, want %d", pr, got.OpenInsights[pr], n)
			}
		}
		empty, err := s.Pipeline(ctx, other.ID)
		if err != nil || empty.OpenCount != 1 || empty.WinRate != nil || empty.Currency != "USD" {
			t.Errorf("other: %+v %v", empty, err)
		}
	})
}
