package monitor

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/demo"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/testdb"
)

// BenchmarkCycle measures a cycle over one workspace of the demo's
// realistic pipeline (history, activities, neglected deals) scaled to
// VECTOROS_BENCH_OPEN_DEALS open deals (default 10,000):
//
//	go test ./internal/monitor -run '^$' -bench Cycle -benchtime 3x
//
// Load is the snapshot alone (the bare scan), First a cycle that creates
// every insight, Steady a cycle over the unchanged pipeline (no writes).
func BenchmarkCycle(b *testing.B) {
	open := 10_000
	if v, err := strconv.Atoi(os.Getenv("VECTOROS_BENCH_OPEN_DEALS")); err == nil && v > 0 {
		open = v
	}
	for _, kind := range testdb.Kinds(b) {
		b.Run(string(kind), func(b *testing.B) {
			ctx := context.Background()
			s := testdb.Open(b, kind, time.Now)
			res, err := demo.Seed(ctx, s, password.NewHasher(password.Fast, 1), demo.Options{Seed: 7, OpenDeals: open,
				WonDeals: open / 3, LostDeals: open / 4, Now: time.Now(), BatchSize: 500})
			if err != nil {
				b.Fatal(err)
			}
			ws := []string{res.WorkspaceID}
			// The rules judge every cycle at one instant, so no deal crosses a
			// day boundary between First and Steady.
			judged := time.Now()
			m := New(Options{Store: s, Now: func() time.Time { return judged }})
			b.Run("Load", func(b *testing.B) {
				for b.Loop() {
					snap, err := s.LoadSnapshot(ctx, res.WorkspaceID)
					if err != nil || len(snap.Deals) != open {
						b.Fatalf("%d deals, %v", len(snap.Deals), err)
					}
				}
				b.ReportMetric(float64(open)*float64(b.N)/b.Elapsed().Seconds(), "deals/s")
			})
			b.Run("First", func(b *testing.B) {
				var created int
				for b.Loop() {
					b.StopTimer()
					if _, err := s.DB().ExecContext(ctx, `DELETE FROM insights WHERE workspace_id = $1`, res.WorkspaceID); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					rep, err := m.RunCycle(ctx, ws, nil)
					if err != nil || rep.Failed() != 0 {
						b.Fatalf("%v %+v", err, rep.Runs)
					}
					created = rep.Runs[0].InsightsCreated
				}
				b.ReportMetric(float64(open)*float64(b.N)/b.Elapsed().Seconds(), "deals/s")
				b.ReportMetric(float64(created), "insights")
			})
			b.Run("Steady", func(b *testing.B) {
				for b.Loop() {
					rep, err := m.RunCycle(ctx, ws, nil)
					if err != nil || rep.Failed() != 0 {
						b.Fatalf("%v %+v", err, rep.Runs)
					}
					if r := rep.Runs[0]; r.InsightsCreated+r.InsightsUpdated+r.InsightsResolved != 0 {
						b.Fatalf("a cycle over an unchanged pipeline wrote insights: %+v", r)
					}
				}
				b.ReportMetric(float64(open)*float64(b.N)/b.Elapsed().Seconds(), "deals/s")
			})
			var n int
			_ = s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM insights WHERE workspace_id = $1 AND status = $2`,
				res.WorkspaceID, string(domain.StatusNew)).Scan(&n)
			b.Logf("%s: %d open deals, %d activities, %d open insights", kind, res.OpenDeals, res.Activities, n)
		})
	}
}
