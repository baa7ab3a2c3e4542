package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// fixture creates a user and a workspace they own.
func fixture(t *testing.T, s *store.Store, email string) (domain.User, domain.Workspace) {
	t.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, email, "Test User", "hash")
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "Acme " + email}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u, w
}

func money(v int64) *int64 { return &v }
func pct(v int) *int       { return &v }

func TestDealLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "owner@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		close := domain.Date{Year: 2026, Month: 12, Day: 15}
		d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "Test Deal - High Value", Value: money(5_000_000),
			Stage: "negotiation", Probability: pct(20), CloseDate: &close, OwnerID: &u.ID}, actor)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetDeal(ctx, w.ID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != d.Title || *got.Value != 5_000_000 || *got.Probability != 20 || *got.CloseDate != close ||
			!got.CreatedAt.Equal(clock.Now()) || got.CreatedAt != d.CreatedAt || got.Status != domain.DealOpen {
			t.Fatalf("round trip: got %+v want %+v", got, d)
		}
		clock.Advance(time.Hour)
		won := "won"
		d2, err := s.UpdateDeal(ctx, w.ID, d.ID, domain.DealPatch{Stage: &won}, actor)
		if err != nil {
			t.Fatal(err)
		}
		if d2.Status != domain.DealWon || d2.ClosedAt == nil || *d2.Probability != 100 {
			t.Fatalf("after win: %+v", d2)
		}
		events, err := s.ListDealEvents(ctx, w.ID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind)
		}
		want := []string{"created", "stage_changed", "won", "probability_changed"}
		if len(kinds) != len(want) {
			t.Fatalf("events %v, want %v", kinds, want)
		}
	})
}
