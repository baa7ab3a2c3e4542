package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
	"github.com/vectoros/vectoros/internal/observe/metricstest"
	"github.com/vectoros/vectoros/internal/observe/sentrytest"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// proc is a command run through Main in the background, as the binary
// would run it.
type proc struct {
	addr   string // what the command passed to Env.Ready
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

// start runs args and waits until the command is ready.
func start(t *testing.T, env map[string]string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &proc{stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	ready := make(chan string, 1)
	go func() {
		p.done <- Main(ctx, args, Env{Getenv: func(k string) string { return env[k] }, Stdout: &syncBuffer{}, Stderr: p.stderr,
			Now: time.Now, Ready: func(addr string) { ready <- addr }})
	}()
	select {
	case p.addr = <-ready:
	case code := <-p.done:
		t.Fatalf("%v exited %d: %s", args, code, p.stderr.String())
	case <-time.After(90 * time.Second):
		t.Fatalf("%v did not start: %s", args, p.stderr.String())
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// url is the base URL of the address the command listens on.
func (p *proc) url() string { return "http://127.0.0.1" + p.addr[strings.LastIndex(p.addr, ":"):] }

// stop cancels the command (SIGTERM in the binary) and returns its exit code.
func (p *proc) stop(t *testing.T) int {
	t.Helper()
	p.cancel()
	select {
	case code := <-p.done:
		p.done <- code // stop may be called again (cleanup)
		return code
	case <-time.After(60 * time.Second):
		t.Fatalf("did not stop within 60 s: %s", p.stderr.String())
		return -1
	}
}

func TestSecretValues(t *testing.T) {
	cfg := config.Config{AnthropicAPIKey: "sk-ant-key", MetricsToken: "tok", SentryDSN: "https://pubkey123@o1.ingest.sentry.io/7",
		DatabaseURL: "postgres://app:p%40ss%2Fw0rd@db:5432/v", DatabaseDirectURL: "postgres://direct@db/v"}
	got := secretValues(cfg)
	for _, want := range []string{"sk-ant-key", "tok", cfg.SentryDSN, "pubkey123", "p@ss/w0rd", "p%40ss%2Fw0rd"} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("%q is not among the secrets %q", want, got)
		}
	}
	for _, g := range got {
		if g == "direct" || g == "app" {
			t.Errorf("a user name %q is not a secret", g)
		}
	}
}

// TestMonitorFailureReachesSentry: a run that fails (here a panicking rule
// engine) reaches the Sentry ingest endpoint through the app's hook, tagged
// with its workspace, run and cycle; a run that succeeds sends nothing.
func TestMonitorFailureReachesSentry(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		ingest := sentrytest.NewServer(t)
		obs, log, err := newObservability(config.Config{SentryDSN: ingest.DSN(), AppEnv: "production"}, discardLogger())
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(ctx, "o@example.com", "O", "hash")
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "W"}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "d"}, domain.SystemActor); err != nil { // something to analyse
			t.Fatal(err)
		}
		boom := func(domain.WorkspaceSnapshot, time.Time) []domain.Finding { panic("rule engine exploded") }
		m := monitor.New(monitor.Options{Store: s, Logger: log, Analyze: boom, Finished: obs.runFinished})
		rep, err := m.RunCycle(ctx, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Failed() != 1 {
			t.Fatalf("runs %+v, want one failed", rep.Runs)
		}
		ok := monitor.New(monitor.Options{Store: s, Logger: log, Finished: obs.runFinished})
		if rep2, err := ok.RunCycle(ctx, nil, nil); err != nil || rep2.Failed() != 0 {
			t.Fatalf("second cycle: %v %+v", err, rep2.Runs)
		}
		obs.close()
		evs := ingest.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events, want 1 (the failed run)", len(evs))
		}
		e := evs[0]
		want := map[string]string{"workspace_id": w.ID, "run_id": rep.Runs[0].ID, "cycle_id": rep.Cycle.ID, "trigger": "cli", "component": "monitor"}
		for k, v := range want {
			if e.Tags[k] != v {
				t.Errorf("tag %s = %q, want %q", k, e.Tags[k], v)
			}
		}
		if e.Environment != "production" || e.Release != Version() || !strings.Contains(e.Text(), "rule engine exploded") {
			t.Errorf("event %q env %q release %q", e.Text(), e.Environment, e.Release)
		}
	})
}

// TestMetricsAfterCycle: the checklist's flow through the real binary's
// path: `serve --no-worker` answers the API while `vectoros cycle`, another
// process on the same database, runs the monitor; /metrics then shows the
// monitor's series (read from the database, whoever ran the cycle), the
// HTTP series of this process and the business series with their values.
func TestMetricsAfterCycle(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			env := map[string]string{"DATABASE_URL": testdb.URL(t, kind), "PORT": "0", "LOG_LEVEL": "warn", "METRICS_TOKEN": "scrape-token-1"}
			began := time.Now()
			srv := start(t, env, "serve", "--no-worker")
			c := client.New(srv.url())
			if _, err := c.Signup(ctx, client.SignupInput{Email: "owner@example.com", Password: "correct horse battery staple"}); err != nil {
				t.Fatal(err)
			}
			ws, err := c.CreateWorkspace(ctx, client.WorkspaceInput{Name: "Acme"})
			if err != nil {
				t.Fatal(err)
			}
			for i, stage := range []string{"negotiation", "lead", "qualified"} {
				v, p := json.Number("50000"), 20
				if _, err := c.CreateDeal(ctx, ws.ID, client.DealInput{Title: "Deal " + stage, Value: &v, Stage: stage, Probability: &p}); err != nil {
					t.Fatalf("deal %d: %v", i, err)
				}
			}
			if code, out, errOut := runMain(t, env, "cycle"); code != 0 {
				t.Fatalf("cycle exited %d: %s %s", code, out, errOut)
			}
			ins, err := c.Insights(ctx, ws.ID, client.InsightQuery{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(ins.Items) < 2 {
				t.Fatalf("%d insights after the cycle; the fixture should raise several", len(ins.Items))
			}
			for _, st := range []string{"viewed", "actioned"} {
				if _, err := c.UpdateInsight(ctx, ws.ID, ins.Items[0].ID, client.InsightPatch{Status: st}); err != nil {
					t.Fatal(err)
				}
			}
			runs, err := c.MonitorRuns(ctx, ws.ID, 10, "")
			if err != nil || len(runs.Items) != 1 || runs.Items[0].CompletedAt == nil {
				t.Fatalf("runs %+v %v", runs, err)
			}

			got := metricstest.Scrape(t, srv.url()+"/metrics", env["METRICS_TOKEN"])
			got.Want(t, map[string]float64{
				`vectoros_monitor_runs_total{status="succeeded"}`:    1,
				`vectoros_monitor_runs_total{status="failed"}`:       0,
				`vectoros_monitor_cycles_total{outcome="succeeded"}`: 1,
				`vectoros_monitor_deals_analysed_total`:              3,
				`vectoros_monitor_insights_created_total`:            float64(len(ins.Items)),
				`vectoros_monitor_insights_resolved_total`:           0,
				`vectoros_users`:                               1,
				`vectoros_weekly_active_users`:                 1,
				`vectoros_workspaces`:                          1,
				`vectoros_deals{status="open"}`:                3,
				`vectoros_insight_feedback{action="viewed"}`:   1,
				`vectoros_insight_feedback{action="actioned"}`: 1,
				`vectoros_figures_up`:                          1,
				`vectoros_http_requests_total{route="/api/v1/auth/signup",status="201"}`:                   1,
				`vectoros_http_requests_total{route="/api/v1/workspaces",status="201"}`:                    1,
				`vectoros_http_requests_total{route="/api/v1/workspaces/{ws}/deals",status="201"}`:         3,
				`vectoros_http_requests_total{route="/api/v1/workspaces/{ws}/insights/{id}",status="200"}`: 2,
				`vectoros_http_request_duration_seconds_count{route="/api/v1/workspaces/{ws}/deals"}`:      3,
				`vectoros_llm_calls_total{outcome="error"}`:                                                0,
			})
			last := got[`vectoros_monitor_last_success_timestamp_seconds`]
			runEnd := float64(runs.Items[0].CompletedAt.UnixMicro()) / 1e6
			if math.Abs(last-runEnd) > 1 || last < float64(began.Unix()) {
				t.Errorf("last success %.3f, want the cycle's end (the run ended at %.3f)", last, runEnd)
			}
			open := 0.0
			for k, v := range got {
				if strings.HasPrefix(k, "vectoros_insights_open{") {
					open += v
				}
			}
			if open != float64(len(ins.Items)) {
				t.Errorf("open insights by rule and priority sum to %v, want %d", open, len(ins.Items))
			}
			if !got.Has("go_sql_open_connections") || !got.Has("vectoros_build_info") {
				t.Error("no pool or build series")
			}
			if code := srv.stop(t); code != 0 {
				t.Fatalf("serve exited %d: %s", code, srv.stderr.String())
			}
		})
	}
}

// TestWorkerMetrics: `vectoros worker --metrics-addr` serves the LLM call
// counter of the process that makes the calls (here against a fake Claude
// that fails one request in three) and the deployment-wide series.
func TestWorkerMetrics(t *testing.T) {
	kind := testdb.Kinds(t)[len(testdb.Kinds(t))-1] // PostgreSQL when configured: the replicas case
	url := testdb.URL(t, kind)
	st, _ := cycleFixture(t, url) // two workspaces, a flagged deal in each
	fake := claudefake.New("sk-ant-worker-metrics")
	defer fake.Close()
	fake.Respond(func(n int, r *claudefake.Request) claudefake.Reply {
		if n == 1 {
			return claudefake.Error(400, "invalid_request_error", "no") // not retried: one call, one error
		}
		return claudefake.Good(r)
	})
	env := map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "warn", "METRICS_TOKEN": "worker-token",
		"ANTHROPIC_API_KEY": fake.APIKey, "ANTHROPIC_BASE_URL": fake.URL}
	w := start(t, env, "worker", "--metrics-addr", "127.0.0.1:0")
	// Wait for the cycle the worker runs at start, in the database: a scrape
	// before it would cache the figures for 30 s.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		c, err := st.LastCompletedCycle(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no cycle within 60 s: %s", w.stderr.String())
		}
	}
	got := metricstest.Scrape(t, w.url()+"/metrics", "worker-token")
	calls := float64(fake.Calls())
	got.Want(t, map[string]float64{
		`vectoros_monitor_runs_total{status="succeeded"}`: 2,
		`vectoros_llm_calls_total{outcome="error"}`:       1,
		`vectoros_llm_calls_total{outcome="ok"}`:          calls - 1,
		`vectoros_monitor_llm_calls_total`:                calls,
	})
	if got[`vectoros_monitor_llm_tokens_total{direction="in"}`] <= 0 || got[`vectoros_monitor_llm_cost_usd_total`] <= 0 {
		t.Errorf("no tokens or cost recorded: %v %v", got[`vectoros_monitor_llm_tokens_total{direction="in"}`], got[`vectoros_monitor_llm_cost_usd_total`])
	}
	if got.Has("vectoros_http_requests_total") {
		t.Error("a worker has no HTTP series to show")
	}
	if resp, err := http.Get(w.url() + "/health"); err != nil || resp.StatusCode != 200 {
		t.Errorf("worker /health: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if code := w.stop(t); code != 0 {
		t.Fatalf("worker exited %d: %s", code, w.stderr.String())
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestLoggerFormatsAndRedacts: JSON in production, text otherwise, and no
// configured secret in either.
func TestLoggerFormatsAndRedacts(t *testing.T) {
	for _, env := range []string{"production", "development"} {
		var out syncBuffer
		cfg := config.Config{AppEnv: env, LogLevel: "info", MetricsToken: "a-metrics-token-value"}
		newLogger(cfg, &out).Info("scrape refused", "authorization", "Bearer a-metrics-token-value")
		got := out.String()
		isJSON := strings.HasPrefix(got, "{")
		if isJSON != (env == "production") || strings.Contains(got, "a-metrics-token-value") || !strings.Contains(got, "Bearer [redacted]") {
			t.Errorf("%s: %q", env, got)
		}
	}
}
