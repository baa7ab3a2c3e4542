package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// TestConcurrentWriters runs 8 goroutines whose transactions read then
// write (UpdateDeal, CreateActivity): with IMMEDIATE transactions and the
// busy timeout, SQLite must not report a single busy error.
func TestConcurrentWriters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "cc@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		const writers, rounds = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, writers*rounds*3)
		for g := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: fmt.Sprintf("g%d", g)}, actor)
				if err != nil {
					errs <- err
					return
				}
				for r := range rounds {
					title := fmt.Sprintf("g%d r%d", g, r)
					v := int64(r * 100)
					vp := &v
					if _, err := s.UpdateDeal(ctx, w.ID, d.ID, domain.DealPatch{Title: &title, Value: &vp}, actor); err != nil {
						errs <- err
					}
					if _, err := s.CreateActivity(ctx, w.ID, d.ID, store.NewActivity{Type: domain.ActivityCall, Subject: title}, actor); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent write: %v", err)
		}
		var events int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM deal_events WHERE workspace_id = $1`, w.ID).Scan(&events); err != nil {
			t.Fatal(err)
		}
		// created + (title + value) per round, except round 0's value 0 vs nil also counts
		if want := writers * (1 + rounds*2); events != want {
			t.Errorf("deal_events = %d, want %d", events, want)
		}
	})
}
