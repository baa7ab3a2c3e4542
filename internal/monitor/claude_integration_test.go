package monitor_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// These tests run the monitor with the real rules and the Claude narrator
// against a fake Messages API: the path a cycle takes in production.

// claudePipeline creates a workspace with three open deals the rules flag,
// each with a contact email that must never reach the API.
func claudePipeline(t *testing.T, s *store.Store, clock *testdb.Clock) domain.Workspace {
	t.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "claude.owner@example.com", "Claude Owner", "hash")
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "Claude narration"}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	today := domain.DateOf(clock.Now().UTC())
	soon, past := today.AddDays(5), today.AddDays(-3)
	for _, n := range []store.NewDeal{
		{Title: "Test Deal - High Value", Value: claudeMoney(50_000), Stage: "negotiation", Probability: claudePct(20),
			ContactEmail: "buyer@high-value.example", Company: "Acme"},
		{Title: "Globex expansion", Value: claudeMoney(12_000), Stage: "proposal", Probability: claudePct(30), CloseDate: &soon,
			ContactEmail: "cfo@globex.example", Company: "Globex"},
		{Title: "Initech pilot", Value: claudeMoney(8_000), Stage: "qualified", CloseDate: &past,
			ContactEmail: "it@initech.example", Company: "Initech"},
	} {
		if _, err := s.CreateDeal(ctx, w.ID, n, domain.SystemActor); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func claudeMoney(major int64) *int64 { v := major * 100; return &v }
func claudePct(v int) *int           { return &v }

// claudeScript answers per deal: one invented number on the high-value
// deal (that finding keeps its template text, its siblings are worded), a
// schema-violating answer for Globex (every finding keeps the template), a
// good answer for the rest.
func claudeScript(_ int, r *claudefake.Request) claudefake.Reply {
	deal, _ := r.Facts["deal"].(map[string]any)
	in := claudefake.GoodInsights(r)
	u := claudefake.EstimateUsage(r, in)
	switch deal["title"] {
	case "Test Deal - High Value":
		in[0].Description = "Deals like this close at 45% when the buyer is engaged."
	case "Globex expansion":
		return claudefake.ToolInput(r, map[string]any{"insights": in, "confidence": 0.9}, u)
	}
	return claudefake.Tool(r, in, u)
}

func newClaudeMonitor(t *testing.T, s *store.Store, clock *testdb.Clock, fake *claudefake.Server, budget float64) (*monitor.Monitor, *narrate.Claude) {
	t.Helper()
	c, err := narrate.NewClaude(narrate.ClaudeConfig{APIKey: fake.APIKey, BaseURL: fake.URL, DailyBudgetUSD: budget,
		Spend: s.LLMSpend, Base: narrate.Template{}, Now: clock.Now, Logger: slog.New(slog.DiscardHandler),
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return monitor.New(monitor.Options{Store: s, Now: clock.Now, Narrator: c}), c
}

func claudeCycle(t *testing.T, m *monitor.Monitor, ws string) domain.MonitorRun {
	t.Helper()
	rep, err := m.RunCycle(context.Background(), []string{ws}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 1 || rep.Runs[0].Status != domain.RunSucceeded {
		t.Fatalf("cycle runs %+v", rep.Runs)
	}
	return rep.Runs[0]
}

func claudeInsights(t *testing.T, s *store.Store, ws string) []domain.Insight {
	t.Helper()
	out, _, err := s.ListInsights(context.Background(), ws, domain.InsightFilter{Open: true, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestClaudeSecondCycleSendsNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		w := claudePipeline(t, s, clock)
		fake := claudefake.New("sk-ant-monitor")
		defer fake.Close()
		fake.Respond(claudeScript)
		m, c := newClaudeMonitor(t, s, clock, fake, 5)

		run := claudeCycle(t, m, w.ID)
		if fake.Calls() != 3 || run.LLMCalls != 3 {
			t.Fatalf("first cycle: fake saw %d requests, run counted %d; want one per deal (3)", fake.Calls(), run.LLMCalls)
		}
		if run.TokensIn == 0 || run.TokensOut == 0 || run.CostUSD <= 0 || run.BudgetExhausted {
			t.Errorf("run accounting %+v", run)
		}
		for _, r := range fake.Requests() {
			if strings.Contains(string(r.Raw), ".example") {
				t.Errorf("a contact email reached the API: %s", r.Raw)
			}
		}
		// Every insight carries the model's key; the worded ones its text,
		// the rejected ones the template's.
		ins := claudeInsights(t, s, w.ID)
		worded, kept := 0, 0
		for _, in := range ins {
			if in.NarrationKey != narrate.Key(in.Fingerprint, in.Priority, c.Name()) {
				t.Errorf("%s: key %q, want the model's", in.Fingerprint, in.NarrationKey)
			}
			switch in.Narrator {
			case c.Name():
				worded++
				if !strings.HasPrefix(in.Title, "Needs attention: ") || in.CostUSD <= 0 {
					t.Errorf("%s worded by the model: %+v", in.Fingerprint, in)
				}
			case narrate.TemplateName:
				kept++
				if strings.HasPrefix(in.Title, "Needs attention") || strings.Contains(in.Description, "45%") {
					t.Errorf("%s kept the template, but shows the model's text: %q", in.Fingerprint, in.Description)
				}
			default:
				t.Errorf("%s: narrator %q", in.Fingerprint, in.Narrator)
			}
		}
		t.Logf("%d insights worded by the model, %d kept the template", worded, kept)
		if worded == 0 || kept < 2 {
			t.Fatalf("%d insights worded by the model, %d kept the template; want both kinds (rejected answers)", worded, kept)
		}

		// Second cycle on the unchanged pipeline: nothing is sent, not even
		// for the answers that were rejected.
		clock.Advance(30 * time.Minute)
		before := claudeInsightText(ins)
		run = claudeCycle(t, m, w.ID)
		if fake.Calls() != 3 || run.LLMCalls != 0 || run.CostUSD != 0 {
			t.Fatalf("second cycle: fake saw %d requests in all (want 3), run counted %d calls, $%v", fake.Calls(), run.LLMCalls, run.CostUSD)
		}
		if after := claudeInsightText(claudeInsights(t, s, w.ID)); after != before {
			t.Errorf("the second cycle changed the wording:\n%s\nwant\n%s", after, before)
		}
		if spent := c.SpentToday(context.Background()); spent <= 0 {
			t.Errorf("spent today %v, want the first cycle's cost", spent)
		}
	})
}

func claudeInsightText(ins []domain.Insight) string {
	var b strings.Builder
	for _, in := range ins {
		b.WriteString(in.Fingerprint + " " + in.Narrator + " " + in.Title + " | " + in.Description + "\n")
	}
	return b.String()
}

// An exhausted budget sends nothing, says so on the run and stores no key;
// once there is budget, a later cycle words the insights, and the one after
// sends nothing.
func TestClaudeBudgetExhaustedThenRestored(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		w := claudePipeline(t, s, clock)
		fake := claudefake.New("sk-ant-monitor")
		defer fake.Close()

		broke, _ := newClaudeMonitor(t, s, clock, fake, 0)
		run := claudeCycle(t, broke, w.ID)
		if !run.BudgetExhausted || run.LLMCalls != 0 || fake.Calls() != 0 {
			t.Fatalf("no budget: run %+v, fake %d requests", run, fake.Calls())
		}
		for _, in := range claudeInsights(t, s, w.ID) {
			if in.Narrator != narrate.TemplateName || in.NarrationKey != narrate.Key(in.Fingerprint, in.Priority, narrate.TemplateName) {
				t.Errorf("%s: narrator %q key %q; want the template's", in.Fingerprint, in.Narrator, in.NarrationKey)
			}
		}

		clock.Advance(30 * time.Minute)
		funded, _ := newClaudeMonitor(t, s, clock, fake, 5)
		run = claudeCycle(t, funded, w.ID)
		if run.BudgetExhausted || run.LLMCalls != 3 || fake.Calls() != 3 {
			t.Fatalf("with budget: run %+v, fake %d requests", run, fake.Calls())
		}
		clock.Advance(30 * time.Minute)
		if run = claudeCycle(t, funded, w.ID); run.LLMCalls != 0 || fake.Calls() != 3 {
			t.Fatalf("third cycle: run %+v, fake %d requests", run, fake.Calls())
		}
	})
}
