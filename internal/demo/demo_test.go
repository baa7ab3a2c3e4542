package demo_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/demo"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestSeed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := password.NewHasher(password.Fast, 1)
		res, err := demo.Seed(ctx, s, h, demo.Options{Seed: 7, Now: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created || res.OpenDeals < 300 || res.ClosedDeals < 100 || res.Activities < 1000 {
			t.Fatalf("demo too small: %+v", res)
		}
		again, err := demo.Seed(ctx, s, h, demo.Options{Seed: 7, Now: clock.Now()})
		if err != nil || again.Created || again.WorkspaceID != res.WorkspaceID {
			t.Fatalf("second seed not idempotent: %+v %v", again, err)
		}
		u, err := s.GetUserByEmail(ctx, demo.Email)
		if err != nil || h.Verify(ctx, u.PasswordHash, demo.Password) != nil {
			t.Fatalf("demo user cannot sign in: %v", err)
		}
		snap, err := s.LoadSnapshot(ctx, res.WorkspaceID)
		if err != nil {
			t.Fatal(err)
		}
		stages := map[string]int{}
		neglected, withNextStep, slipped, won := 0, 0, 0, 0
		for _, d := range snap.Deals {
			stages[d.Deal.Stage]++
			if d.LastEngagementAt == nil || clock.Now().Sub(*d.LastEngagementAt) > 21*24*time.Hour {
				neglected++
			}
			if d.LatestOpenScheduledAt != nil && d.LatestOpenScheduledAt.After(clock.Now()) {
				withNextStep++
			}
			for _, e := range d.Events {
				if e.Kind == domain.EventCloseDateChanged {
					slipped++
					break
				}
			}
			if d.Deal.StageEnteredAt.After(clock.Now()) || d.Deal.StageEnteredAt.Before(d.Deal.CreatedAt) {
				t.Fatalf("deal %q entered its stage outside its life", d.Deal.Title)
			}
		}
		for _, h := range snap.WonHistories {
			if len(h) > 1 {
				won++
			}
		}
		for _, st := range []string{"lead", "qualified", "proposal", "negotiation"} {
			if stages[st] < 30 {
				t.Errorf("stage %s has %d open deals", st, stages[st])
			}
		}
		if neglected < 20 || withNextStep < 100 || slipped < 20 || won < 100 {
			t.Errorf("neglected %d, with a next step %d, slipped %d, won with history %d", neglected, withNextStep, slipped, won)
		}
	})
}

func TestSeedDeterministic(t *testing.T) {
	titles := func(seed uint64) []string {
		s := testdb.Open(t, store.SQLite, func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) })
		res, err := demo.Seed(context.Background(), s, password.NewHasher(password.Fast, 1), demo.Options{Seed: seed, Now: s.Now()})
		if err != nil {
			t.Fatal(err)
		}
		deals, _, err := s.ListDeals(context.Background(), res.WorkspaceID, domain.DealFilter{Limit: 200, Sort: "value"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range deals {
			out = append(out, d.Title+" "+domain.FormatMoneyPlain(*d.Value, "USD"))
		}
		sort.Strings(out)
		return out
	}
	a, b, c := titles(3), titles(3), titles(4)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatal("no deals")
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 3 differs between runs: %q vs %q", a[i], b[i])
		}
	}
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same == len(a) {
		t.Fatal("seeds 3 and 4 gave the same pipeline")
	}
}
