package observe_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/observe/metricstest"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func scrape(t *testing.T, m *observe.Metrics) metricstest.Series {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return metricstest.Parse(t, rec.Body)
}

func TestHTTPAndLLMSeries(t *testing.T) {
	m := observe.NewMetrics(observe.MetricsOptions{Version: "v1.2.3", Environment: "production"})
	m.ObserveHTTP("/api/v1/workspaces/{ws}/deals", 201, 30*time.Millisecond)
	m.ObserveHTTP("/api/v1/workspaces/{ws}/deals", 201, 700*time.Millisecond)
	m.ObserveHTTP("/api/v1/workspaces/{ws}/deals", 500, time.Millisecond)
	m.ObserveHTTP("", 404, time.Millisecond)
	m.LLMCall("ok")
	m.LLMCall("ok")
	m.LLMCall("error")
	got := scrape(t, m)
	deals := `route="/api/v1/workspaces/{ws}/deals"`
	got.Want(t, map[string]float64{
		`vectoros_http_requests_total{` + deals + `,status="201"}`:              2,
		`vectoros_http_requests_total{` + deals + `,status="500"}`:              1,
		`vectoros_http_requests_total{route="unmatched",status="404"}`:          1,
		`vectoros_http_request_duration_seconds_count{` + deals + `}`:           3,
		`vectoros_http_request_duration_seconds_bucket{` + deals + `,le="0.5"}`: 2,
		`vectoros_http_request_duration_seconds_bucket{` + deals + `,le="1"}`:   3,
		`vectoros_llm_calls_total{outcome="ok"}`:                                2,
		`vectoros_llm_calls_total{outcome="error"}`:                             1,
		// Present at zero before the first of its kind, so rate ratios work.
		`vectoros_llm_calls_total{outcome="rejected"}`:                   0,
		`vectoros_llm_calls_total{outcome="budget_exhausted"}`:           0,
		`vectoros_build_info{environment="production",version="v1.2.3"}`: 1,
	})
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if !got.Has(name) {
			t.Errorf("no %s series", name)
		}
	}
	if got.Has("vectoros_monitor_runs_total") || got.Has("go_sql_open_connections") {
		t.Error("figures or pool series without a source")
	}
}

func TestPoolSeries(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/p.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(4)
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	got := scrape(t, observe.NewMetrics(observe.MetricsOptions{DB: db}))
	got.Want(t, map[string]float64{
		`go_sql_max_open_connections{db_name="vectoros"}`: 4,
		`go_sql_open_connections{db_name="vectoros"}`:     1,
	})
}

// fakeFigures counts readings and can fail.
type fakeFigures struct {
	mu    sync.Mutex
	calls int
	err   error
	f     store.DeploymentFigures
}

func (f *fakeFigures) read(ctx context.Context, now time.Time) (store.DeploymentFigures, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.f, f.err
}

func TestFiguresSeriesAndCache(t *testing.T) {
	clock := testdb.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	ok := time.Date(2026, 11, 27, 9, 30, 0, 250_000_000, time.UTC)
	start := ok.Add(-90 * time.Second)
	src := &fakeFigures{f: store.DeploymentFigures{
		Runs: map[string]store.RunTotals{
			"succeeded": {Runs: 5, Seconds: 12.5, DealsAnalysed: 40, InsightsCreated: 7, InsightsUpdated: 2, InsightsResolved: 3,
				CriticalAlerts: 1, LLMCalls: 4, TokensIn: 1000, TokensOut: 300, CostUSD: 0.125},
			"failed": {Runs: 1, Seconds: 2, DealsAnalysed: 3},
		},
		CyclesSucceeded: 3, CyclesFailed: 1,
		LastSuccess: &ok,
		LastCycle:   &domain.MonitorCycle{ID: "c", StartedAt: start, CompletedAt: &ok},
		Users:       9, WeeklyActiveUsers: 4, Workspaces: 3,
		Deals:        map[string]int64{"open": 20, "won": 2},
		Feedback:     map[string]int64{"viewed": 11, "dismissed": 1},
		OpenInsights: []store.InsightCount{{Rule: "stale", Priority: "high", N: 6}, {Rule: "overdue", Priority: "medium", N: 2}},
	}}
	m := observe.NewMetrics(observe.MetricsOptions{Figures: src.read, FiguresTTL: 30 * time.Second, Now: clock.Now})
	got := scrape(t, m)
	got.Want(t, map[string]float64{
		`vectoros_monitor_runs_total{status="succeeded"}`:        5,
		`vectoros_monitor_runs_total{status="failed"}`:           1,
		`vectoros_monitor_runs_total{status="skipped"}`:          0,
		`vectoros_monitor_run_seconds_total{status="succeeded"}`: 12.5,
		`vectoros_monitor_deals_analysed_total`:                  43,
		`vectoros_monitor_insights_created_total`:                7,
		`vectoros_monitor_insights_updated_total`:                2,
		`vectoros_monitor_insights_resolved_total`:               3,
		`vectoros_monitor_critical_alerts_total`:                 1,
		`vectoros_monitor_llm_calls_total`:                       4,
		`vectoros_monitor_llm_tokens_total{direction="in"}`:      1000,
		`vectoros_monitor_llm_tokens_total{direction="out"}`:     300,
		`vectoros_monitor_llm_cost_usd_total`:                    0.125,
		`vectoros_monitor_cycles_total{outcome="succeeded"}`:     3,
		`vectoros_monitor_cycles_total{outcome="failed"}`:        1,
		`vectoros_monitor_last_success_timestamp_seconds`:        float64(ok.UnixMilli()) / 1000,
		`vectoros_monitor_last_cycle_timestamp_seconds`:          float64(ok.UnixMilli()) / 1000,
		`vectoros_monitor_last_cycle_duration_seconds`:           90,
		`vectoros_users`:                                           9,
		`vectoros_weekly_active_users`:                             4,
		`vectoros_workspaces`:                                      3,
		`vectoros_deals{status="open"}`:                            20,
		`vectoros_deals{status="won"}`:                             2,
		`vectoros_deals{status="lost"}`:                            0,
		`vectoros_insight_feedback{action="viewed"}`:               11,
		`vectoros_insight_feedback{action="actioned"}`:             0,
		`vectoros_insight_feedback{action="dismissed"}`:            1,
		`vectoros_insights_open{priority="high",rule="stale"}`:     6,
		`vectoros_insights_open{priority="medium",rule="overdue"}`: 2,
		`vectoros_figures_up`:                                      1,
	})

	// Within the TTL a scrape reuses the reading; after it, reads again.
	clock.Advance(20 * time.Second)
	scrape(t, m)
	if src.calls != 1 {
		t.Fatalf("%d readings within the TTL, want 1", src.calls)
	}
	clock.Advance(11 * time.Second)
	src.f.Users = 10
	scrape(t, m).Want(t, map[string]float64{`vectoros_users`: 10})
	if src.calls != 2 {
		t.Fatalf("%d readings after the TTL, want 2", src.calls)
	}

	// A failed reading keeps the last values (counters must not vanish or
	// reset) and says so; the next scrape tries again.
	src.err = errors.New("database unreachable")
	clock.Advance(time.Minute)
	scrape(t, m).Want(t, map[string]float64{`vectoros_users`: 10, `vectoros_figures_up`: 0})
	scrape(t, m)
	if src.calls != 4 {
		t.Fatalf("%d readings, want a retry on every scrape while failing (4)", src.calls)
	}
	src.err = nil
	scrape(t, m).Want(t, map[string]float64{`vectoros_figures_up`: 1})
}

func TestNoSuccessYetIsZero(t *testing.T) {
	src := &fakeFigures{}
	got := scrape(t, observe.NewMetrics(observe.MetricsOptions{Figures: src.read}))
	got.Want(t, map[string]float64{`vectoros_monitor_last_success_timestamp_seconds`: 0, `vectoros_monitor_runs_total{status="failed"}`: 0})
	if got.Has("vectoros_monitor_last_cycle_duration_seconds") {
		t.Error("a last-cycle duration before any cycle")
	}
}

// TestFiguresFromTheStore reads real figures from both databases through
// the store, so the collector and the queries agree on what they mean.
func TestFiguresFromTheStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, "a@example.com", "A", "hash")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.TouchUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "W"}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "d"}, domain.Actor{Kind: domain.ActorUser, ID: u.ID}); err != nil {
			t.Fatal(err)
		}
		m := observe.NewMetrics(observe.MetricsOptions{DB: s.DB(), Figures: s.DeploymentFigures, Now: clock.Now})
		got := scrape(t, m)
		got.Want(t, map[string]float64{`vectoros_users`: 1, `vectoros_weekly_active_users`: 1, `vectoros_workspaces`: 1,
			`vectoros_deals{status="open"}`: 1, `vectoros_figures_up`: 1})
		for k := range got {
			if strings.Contains(k, "NaN") {
				t.Errorf("NaN in %s", k)
			}
		}
	})
}
