package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// Benchmarks for docs/benchmarks.md. Run with:
//
//	VECTOROS_TEST_POSTGRES_URL=... go test ./internal/store -run '^$' -bench . -benchtime 1x

const (
	benchWorkspaces      = 10
	benchDealsPerWS      = 10_000
	benchImportBatchSize = 1_000
)

// seedBench imports 100,000 deals (10 workspaces × 10,000, each with a
// created event and two activities) and returns the workspace ids.
func seedBench(b *testing.B, s *store.Store) []string {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "bench@example.com", "Bench", "h")
	if err != nil {
		b.Fatal(err)
	}
	stages := []string{"lead", "qualified", "proposal", "negotiation"}
	now := s.Now()
	var ids []string
	for w := range benchWorkspaces {
		ws, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: fmt.Sprintf("Bench %d", w)}, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, ws.ID)
		for start := 0; start < benchDealsPerWS; start += benchImportBatchSize {
			batch := make([]store.ImportedDeal, 0, benchImportBatchSize)
			for i := start; i < start+benchImportBatchSize; i++ {
				v, p := int64(1000+i)*100, 10+i%80
				created := now.Add(-time.Duration(i%200) * 24 * time.Hour)
				done := created.Add(time.Hour)
				batch = append(batch, store.ImportedDeal{
					Deal: domain.Deal{Title: fmt.Sprintf("Deal %d", i), Value: &v, Probability: &p, Stage: stages[i%4], CreatedAt: created},
					Activities: []domain.Activity{
						{Type: domain.ActivityCall, Subject: "call", CompletedAt: &done, CreatedAt: done, CreatedBy: domain.SystemActor},
						{Type: domain.ActivityTask, Subject: "next", ScheduledAt: &now, CreatedAt: done, CreatedBy: domain.SystemActor},
					},
				})
			}
			if err := s.ImportDeals(ctx, ws.ID, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	return ids
}

func BenchmarkStore(b *testing.B) {
	for _, kind := range testdb.Kinds(b) {
		b.Run(string(kind), func(b *testing.B) {
			s := testdb.Open(b, kind, time.Now)
			ctx := context.Background()
			var ids []string
			b.Run("Insert100kDeals", func(b *testing.B) {
				for b.Loop() {
					ids = seedBench(b, s)
				}
				b.ReportMetric(float64(benchWorkspaces*benchDealsPerWS*b.N)/b.Elapsed().Seconds(), "deals/s")
			})
			if ids == nil {
				b.Skip("no data")
			}
			b.Run("LoadSnapshot10kDeals", func(b *testing.B) {
				i := 0
				for b.Loop() {
					snap, err := s.LoadSnapshot(ctx, ids[i%len(ids)])
					if err != nil || len(snap.Deals) != benchDealsPerWS {
						b.Fatalf("%d deals, %v", len(snap.Deals), err)
					}
					i++
				}
			})
			b.Run("ListDealsAllPages10k", func(b *testing.B) {
				i := 0
				for b.Loop() {
					n, cursor := 0, ""
					for {
						page, next, err := s.ListDeals(ctx, ids[i%len(ids)], domain.DealFilter{Limit: 200, Cursor: cursor})
						if err != nil {
							b.Fatal(err)
						}
						n += len(page)
						if next == "" {
							break
						}
						cursor = next
					}
					if n != benchDealsPerWS {
						b.Fatalf("paged %d deals", n)
					}
					i++
				}
			})
			b.Run("ListDealsFirstPage", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := s.ListDeals(ctx, ids[0], domain.DealFilter{Limit: 50}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("CreateDeal", func(b *testing.B) {
				actor := domain.SystemActor
				for b.Loop() {
					if _, err := s.CreateDeal(ctx, ids[0], store.NewDeal{Title: "New"}, actor); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
