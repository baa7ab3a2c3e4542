package monitor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/analysis"
	"github.com/vectoros/vectoros/internal/demo"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// openInsightFacts renders the open insights' fingerprint, priority,
// severity, confidence and evidence, sorted.
func openInsightFacts(t *testing.T, s *store.Store, workspaceID string) []string {
	t.Helper()
	var out []string
	cur := ""
	for {
		page, next, err := s.ListInsights(context.Background(), workspaceID, domain.InsightFilter{Open: true, Limit: 200, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range page {
			out = append(out, fmt.Sprintf("%s %s %.2f %.2f %s", in.Fingerprint, in.Priority, in.Severity, in.Confidence, domain.EvidenceJSON(in.Evidence)))
		}
		if next == "" {
			break
		}
		cur = next
	}
	slices.Sort(out)
	return out
}

// wantFacts renders what analysis.Run finds over the whole snapshot, the
// way openInsightFacts renders insights.
func wantFacts(t *testing.T, s *store.Store, workspaceID string, now time.Time) []string {
	t.Helper()
	snap, err := s.LoadSnapshot(context.Background(), workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range analysis.Run(snap, now) {
		out = append(out, fmt.Sprintf("%s %s %.2f %.2f %s", f.Fingerprint(), f.Priority, f.Severity, f.Confidence, domain.EvidenceJSON(f.Evidence)))
	}
	slices.Sort(out)
	return out
}

// A run in chunks of a few deals ends exactly where the rules over the
// whole workspace at once do (the high-value threshold and the stage norms
// are the workspace's, not a chunk's); insights of deals closed or deleted
// since resolve; a run over the unchanged pipeline writes nothing.
func TestChunkedRunMatchesWholeWorkspace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		res, err := demo.Seed(ctx, s, password.NewHasher(password.Fast, 1), demo.Options{Seed: 3, OpenDeals: 60,
			WonDeals: 40, LostDeals: 10, Now: clock.Now(), BatchSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		ws := res.WorkspaceID
		// The demo raises its own insights; this test starts from none.
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM insights WHERE workspace_id = $1`, ws); err != nil {
			t.Fatal(err)
		}
		m := New(Options{Store: s, Now: clock.Now, ChunkDeals: 7, BatchDeals: 3})
		var steps int
		rep, err := m.RunCycle(ctx, []string{ws}, func(n int) { steps += n })
		if err != nil || rep.Failed() != 0 {
			t.Fatalf("%v %+v", err, rep.Runs)
		}
		r := rep.Runs[0]
		want := wantFacts(t, s, ws, clock.Now())
		if got := openInsightFacts(t, s, ws); !slices.Equal(got, want) {
			t.Fatalf("chunked run:\n%s\nwhole workspace:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if r.DealsAnalysed != 60 || steps != 60 || r.InsightsCreated != len(want) || len(want) == 0 {
			t.Fatalf("run %+v, progress %d, %d findings", r, steps, len(want))
		}
		highValue := 0
		for _, f := range want {
			if strings.HasPrefix(f, analysis.RuleHighValueAtRisk+":") {
				highValue++
			}
		}
		if highValue == 0 {
			t.Fatal("no high_value_at_risk finding: the threshold is not exercised")
		}

		// Close one deal with insights and delete another, a day later.
		var dealsWithInsights []string
		for _, f := range want {
			d := strings.Fields(f)[0]
			d = d[strings.Index(d, ":")+1:]
			if !slices.Contains(dealsWithInsights, d) {
				dealsWithInsights = append(dealsWithInsights, d)
			}
		}
		won := "won"
		if _, err := s.UpdateDeal(ctx, ws, dealsWithInsights[0], domain.DealPatch{Stage: &won}, domain.SystemActor); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteDeal(ctx, ws, dealsWithInsights[len(dealsWithInsights)-1]); err != nil {
			t.Fatal(err)
		}
		clock.Advance(24 * time.Hour)
		r = runOnce(t, m, domain.RunSucceeded, ws).Runs[0]
		want = wantFacts(t, s, ws, clock.Now())
		if got := openInsightFacts(t, s, ws); !slices.Equal(got, want) {
			t.Fatalf("after closing a deal:\n%s\nwhole workspace:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if r.DealsAnalysed != 58 || r.InsightsResolved == 0 {
			t.Fatalf("second run %+v", r)
		}
		for _, in := range insights(t, s, ws, domain.InsightFilter{DealID: dealsWithInsights[0]}) {
			if in.Status != domain.StatusResolved {
				t.Fatalf("the won deal's insight is %s", in.Status)
			}
		}

		before := insightRows(t, s, ws)
		clock.Advance(time.Minute)
		r = runOnce(t, m, domain.RunSucceeded, ws).Runs[0]
		if r.InsightsCreated+r.InsightsUpdated+r.InsightsResolved != 0 {
			t.Fatalf("third run changed insights: %+v", r)
		}
		if after := insightRows(t, s, ws); after != before {
			t.Fatal("third run wrote insight rows")
		}
	})
}
