package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func narratorConfig(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func narratorRequest() narrate.Request {
	v := int64(5_000_000)
	return narrate.Request{
		Facts: narrate.Facts{DealID: "d1", Title: "Test Deal - High Value", StageName: "Negotiation", Currency: "USD",
			Value: &v, Probability: 20, Today: domain.Date{Year: 2026, Month: 11, Day: 27}},
		Findings: []domain.Finding{{Rule: "high_value_at_risk", DealID: "d1", Type: domain.InsightRisk, Priority: domain.PriorityCritical,
			Evidence: []domain.Evidence{{Name: "value", Value: 50000, Unit: "money"}, {Name: "probability", Value: 20, Unit: "percent"}},
			Actions:  []domain.Action{{Kind: domain.ActionEscalate, Title: "Review the deal with your manager", DueInDays: 1}}}},
	}
}

func TestNewNarratorTemplateWithoutKey(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		n, err := newNarrator(narratorConfig(t, nil), s, clock.Now, slog.New(slog.DiscardHandler), nil)
		if err != nil || n.Name() != narrate.TemplateName {
			t.Fatalf("narrator %v, err %v; want the template", n, err)
		}
	})
}

func TestNewNarratorRefusesUnpricedModel(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		_, err := newNarrator(narratorConfig(t, map[string]string{"ANTHROPIC_API_KEY": "k", "ANTHROPIC_MODEL": "claude-next-9"}),
			s, clock.Now, slog.New(slog.DiscardHandler), nil)
		if err == nil || !strings.Contains(err.Error(), "ANTHROPIC_MODEL") {
			t.Errorf("err = %v", err)
		}
	})
}

// The budget is shared by every replica: spend recorded by other processes'
// runs today stops this process's calls before any request is sent.
func TestNewNarratorClaudeBudgetAcrossReplicas(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		fake := claudefake.New("sk-ant-app")
		defer fake.Close()
		cfg := narratorConfig(t, map[string]string{"ANTHROPIC_API_KEY": fake.APIKey, "ANTHROPIC_BASE_URL": fake.URL,
			"LLM_DAILY_BUDGET_USD": "0.5", "LLM_MAX_CONCURRENCY": "2"})
		n, err := newNarrator(cfg, s, clock.Now, slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		if n.Name() != config.DefaultAnthropicModel || n.Name() != narrate.DefaultModel {
			t.Fatalf("narrator %q; config and price table must agree on the default model", n.Name())
		}
		res, err := n.Narrate(ctx, narratorRequest())
		if err != nil || res.Calls != 1 || len(res.Texts) != 1 {
			t.Fatalf("under budget: err %v, calls %d, texts %d", err, res.Calls, len(res.Texts))
		}
		// Another replica finished a run that spent $0.60 today.
		id := store.NewRunID()
		if err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
			_, err := mt.CreateRun(ctx, id, nil, "ws-other", domain.TriggerPeriodic)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FinishRun(ctx, domain.MonitorRun{ID: id, Status: domain.RunSucceeded, LLMCalls: 40, CostUSD: 0.6}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(narrate.DefaultSpendRefresh)
		res, err = n.Narrate(ctx, narratorRequest())
		if !errors.Is(err, narrate.ErrBudgetExhausted) || res.Calls != 0 || fake.Calls() != 1 {
			t.Fatalf("over budget: err %v, calls %d, fake %d; want ErrBudgetExhausted and no request", err, res.Calls, fake.Calls())
		}
	})
}

// The path an operator takes: ANTHROPIC_* in the environment, `vectoros
// cycle` twice. The first cycle sends one request per flagged deal (never a
// contact email); the second, over the unchanged pipeline, sends none.
func TestCycleCommandNarratesWithClaude(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			dbURL := testdb.URL(t, kind)
			s, err := store.Open(ctx, store.Options{URL: dbURL, Now: time.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			u, err := s.CreateUser(ctx, "cli.owner@example.com", "CLI Owner", "hash")
			if err != nil {
				t.Fatal(err)
			}
			w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "CLI narration"}, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			v, p := int64(5_000_000), 20
			if _, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "Test Deal - High Value", Value: &v, Stage: "negotiation",
				Probability: &p, ContactEmail: "buyer@deal.example"}, domain.SystemActor); err != nil {
				t.Fatal(err)
			}
			fake := claudefake.New("sk-ant-cli")
			defer fake.Close()
			vars := map[string]string{"DATABASE_URL": dbURL, "ANTHROPIC_API_KEY": fake.APIKey, "ANTHROPIC_BASE_URL": fake.URL,
				"LOG_LEVEL": "warn", "APP_ENV": "test"}
			cycle := func() string {
				var out, errs bytes.Buffer
				env := Env{Getenv: func(k string) string { return vars[k] }, Stdout: &out, Stderr: &errs, Now: time.Now}
				if code := Main(ctx, []string{"cycle"}, env); code != 0 {
					t.Fatalf("vectoros cycle exited %d:\n%s\n%s", code, out.String(), errs.String())
				}
				return out.String()
			}
			out := cycle()
			if fake.Calls() != 1 || strings.Contains(string(fake.Requests()[0].Raw), "deal.example") {
				t.Fatalf("first cycle: %d requests (want 1, without the contact email)\n%s", fake.Calls(), out)
			}
			ins, _, err := s.ListInsights(ctx, w.ID, domain.InsightFilter{Open: true, Limit: 50})
			if err != nil || len(ins) == 0 {
				t.Fatalf("insights %v, err %v", ins, err)
			}
			for _, in := range ins {
				if in.Narrator != narrate.DefaultModel || !strings.HasPrefix(in.Title, "Needs attention") {
					t.Errorf("%s: narrator %q, title %q", in.Fingerprint, in.Narrator, in.Title)
				}
			}
			out = cycle()
			if fake.Calls() != 1 {
				t.Fatalf("second cycle sent %d more requests\n%s", fake.Calls()-1, out)
			}
		})
	}
}
