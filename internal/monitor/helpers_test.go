package monitor

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/store"
)

// fixture creates a user and a workspace they own.
func fixture(t testing.TB, s *store.Store, name string) (domain.User, domain.Workspace) {
	t.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.com", "Owner of "+name, "hash")
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: name}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u, w
}

func addDeal(t testing.TB, s *store.Store, workspaceID string, n store.NewDeal) domain.Deal {
	t.Helper()
	d, err := s.CreateDeal(context.Background(), workspaceID, n, domain.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func money(major int64) *int64 { v := major * 100; return &v }
func pct(v int) *int           { return &v }

// insightRows renders every insight of the workspace, all columns, so two
// renderings are equal exactly when no row was written in between.
func insightRows(t testing.TB, s *store.Store, workspaceID string) string {
	t.Helper()
	var b strings.Builder
	cur := ""
	for {
		page, next, err := s.ListInsights(context.Background(), workspaceID, domain.InsightFilter{Limit: 200, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range page {
			fmt.Fprintf(&b, "%+v\n", in)
		}
		if next == "" {
			return b.String()
		}
		cur = next
	}
}

func insights(t testing.TB, s *store.Store, workspaceID string, f domain.InsightFilter) []domain.Insight {
	t.Helper()
	f.Limit = 200
	out, _, err := s.ListInsights(context.Background(), workspaceID, f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func insightOf(t testing.TB, s *store.Store, workspaceID, fingerprint string) domain.Insight {
	t.Helper()
	for _, in := range insights(t, s, workspaceID, domain.InsightFilter{}) {
		if in.Fingerprint == fingerprint && in.Status != domain.StatusResolved {
			return in
		}
	}
	t.Fatalf("no open insight %s", fingerprint)
	return domain.Insight{}
}

// runOnce runs a cycle over the given workspaces and fails the test unless
// every run has the wanted status.
func runOnce(t testing.TB, m *Monitor, want string, workspaces ...string) CycleReport {
	t.Helper()
	rep, err := m.RunCycle(context.Background(), workspaces, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Runs {
		if r.Status != want {
			t.Fatalf("run of %s: status %s (%s), want %s", r.WorkspaceID, r.Status, r.Error, want)
		}
	}
	return rep
}

// logBuffer captures a logger's output for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fakeNarrator stands in for an LLM narrator: it words findings as
// "<rule> by <name>", counts calls and in-flight calls, and can fail or run
// out of budget.
type fakeNarrator struct {
	name        string
	delay       time.Duration
	fail        bool // answer an error after a call was made
	budgetAfter int  // answer ErrBudgetExhausted once this many calls were made (0: never)
	calls       atomic.Int32
	inflight    atomic.Int32
	maxInflight atomic.Int32
}

func (f *fakeNarrator) Name() string { return f.name }

func (f *fakeNarrator) Narrate(ctx context.Context, req narrate.Request) (narrate.Result, error) {
	if f.budgetAfter > 0 && int(f.calls.Load()) >= f.budgetAfter {
		return narrate.Result{Narrator: f.name}, fmt.Errorf("fake: %w", narrate.ErrBudgetExhausted)
	}
	f.calls.Add(1)
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.maxInflight.Load()
		if n <= m || f.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		return narrate.Result{}, ctx.Err()
	}
	res := narrate.Result{Narrator: f.name, Calls: 1, TokensIn: 100, TokensOut: 30, CostUSD: 0.002, Texts: map[string]narrate.Text{}}
	if f.fail {
		return res, fmt.Errorf("fake: the model answered 500 three times")
	}
	for _, fd := range req.Findings {
		titles := make([]string, len(fd.Actions))
		for i := range titles {
			titles[i] = fmt.Sprintf("action %d by %s", i+1, f.name)
		}
		res.Texts[fd.Rule] = narrate.Text{Title: fd.Rule + " by " + f.name, Description: "about " + req.Facts.Title, ActionTitles: titles}
	}
	return res, nil
}

// scripted returns an Analyze func that answers the findings set for each
// deal, dropping deals no longer in the snapshot (closed or deleted), as
// the real rules would.
type scripted struct {
	mu       sync.Mutex
	findings []domain.Finding
	panicFor string // a workspace whose analysis panics
}

func (sc *scripted) set(fs ...domain.Finding) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.findings = fs
}

func (sc *scripted) analyze(snap domain.WorkspaceSnapshot, _ time.Time) []domain.Finding {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if snap.Workspace.ID == sc.panicFor {
		var m map[string]int
		m["a rule bug"]++ // a nil-map write, as a real rule bug would
	}
	in := map[string]bool{}
	for _, d := range snap.Deals {
		in[d.Deal.ID] = true
	}
	var out []domain.Finding
	for _, f := range sc.findings {
		if in[f.DealID] {
			out = append(out, f)
		}
	}
	return out
}

func finding(rule, dealID string, p domain.Priority, measure float64) domain.Finding {
	return domain.Finding{Rule: rule, DealID: dealID, Type: domain.InsightRisk, Priority: p, Severity: .5, Confidence: .9,
		Evidence: []domain.Evidence{{Name: "idle_days", Value: measure, Unit: "days"}},
		Actions:  []domain.Action{{Kind: domain.ActionContactBuyer, Title: "Call the buyer", DueInDays: 1}}}
}
