package observe

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vectoros/vectoros/internal/store"
)

// FiguresSource reads the deployment-wide figures (store.DeploymentFigures).
type FiguresSource func(ctx context.Context, now time.Time) (store.DeploymentFigures, error)

// figuresTimeout bounds one reading, so a slow database cannot hold a scrape.
const figuresTimeout = 5 * time.Second

// runStatuses are the final run statuses, each always exported.
var runStatuses = []string{"succeeded", "failed", "skipped"}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, labels, nil)
}

// The deployment-wide series. Help texts say "deployment-wide" so whoever
// writes a query knows to aggregate with max().
var (
	dRuns = desc("monitor_runs_total",
		"Deployment-wide: monitor workspace runs that ended, by status (succeeded, failed, skipped), from monitor_runs.", "status")
	dRunSeconds = desc("monitor_run_seconds_total",
		"Deployment-wide: summed duration of ended monitor runs, by status; divide by monitor_runs_total for the mean.", "status")
	dDeals    = desc("monitor_deals_analysed_total", "Deployment-wide: open deals analysed by ended monitor runs.")
	dCreated  = desc("monitor_insights_created_total", "Deployment-wide: insights created by ended monitor runs.")
	dUpdated  = desc("monitor_insights_updated_total", "Deployment-wide: insights updated (priority or evidence changed) by ended monitor runs.")
	dResolved = desc("monitor_insights_resolved_total", "Deployment-wide: insights resolved by ended monitor runs.")
	dCritical = desc("monitor_critical_alerts_total", "Deployment-wide: insights that became critical in ended monitor runs.")
	dLLMRuns  = desc("monitor_llm_calls_total", "Deployment-wide: LLM calls recorded on ended monitor runs (by any process).")
	dTokens   = desc("monitor_llm_tokens_total", "Deployment-wide: LLM tokens recorded on ended monitor runs, by direction (in, out).", "direction")
	dCost     = desc("monitor_llm_cost_usd_total", "Deployment-wide: estimated LLM cost in US dollars recorded on ended monitor runs.")
	dCycles   = desc("monitor_cycles_total",
		"Deployment-wide: completed monitoring cycles, by outcome (succeeded: no run failed; failed).", "outcome")
	dLastSuccess = desc("monitor_last_success_timestamp_seconds",
		"Deployment-wide: Unix time the last monitoring cycle without a failed run completed (as /health/monitor); 0 before the first.")
	dLastCycleAt = desc("monitor_last_cycle_timestamp_seconds", "Deployment-wide: Unix time the last monitoring cycle completed.")
	dLastCycle   = desc("monitor_last_cycle_duration_seconds", "Deployment-wide: how long the last completed monitoring cycle took.")
	dUsers       = desc("users", "Deployment-wide: user accounts (sign-ups).")
	dWAU         = desc("weekly_active_users", "Deployment-wide: users seen in the last 7 days (users.last_seen_at, written at most hourly).")
	dWorkspaces  = desc("workspaces", "Deployment-wide: workspaces.")
	dDealsNow    = desc("deals", "Deployment-wide: deals that exist, by status (open, won, lost).", "status")
	dFeedback    = desc("insight_feedback", "Deployment-wide: insight feedback recorded, by action (viewed, actioned, dismissed, snoozed, …).", "action")
	dInsights    = desc("insights_open",
		"Deployment-wide: open insights (any status but resolved), by rule and priority.", "rule", "priority")
	dUp = desc("figures_up", "1 when the last reading of the deployment-wide figures from the database succeeded; 0 when it failed and older values are shown.")
)

// figuresCollector exports the deployment-wide figures, read at scrape
// time and reused for ttl, so Prometheus scraping every replica every few
// seconds costs the database one set of COUNT queries per ttl per replica.
type figuresCollector struct {
	read FiguresSource
	ttl  time.Duration
	now  func() time.Time
	log  *slog.Logger

	mu   sync.Mutex
	at   time.Time // when last read successfully
	f    *store.DeploymentFigures
	good bool // the last attempt succeeded
}

func newFiguresCollector(read FiguresSource, ttl time.Duration, now func() time.Time, log *slog.Logger) *figuresCollector {
	return &figuresCollector{read: read, ttl: ttl, now: now, log: log}
}

func (c *figuresCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dRuns, dRunSeconds, dDeals, dCreated, dUpdated, dResolved, dCritical, dLLMRuns,
		dTokens, dCost, dCycles, dLastSuccess, dLastCycleAt, dLastCycle, dUsers, dWAU, dWorkspaces, dDealsNow,
		dFeedback, dInsights, dUp} {
		ch <- d
	}
}

// figures returns the cached figures, reading them again when older than
// the ttl. The lock also makes concurrent scrapes share one reading.
func (c *figuresCollector) figures() (*store.DeploymentFigures, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.f != nil && c.good && now.Sub(c.at) < c.ttl {
		return c.f, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), figuresTimeout)
	defer cancel()
	f, err := c.read(ctx, now)
	if err != nil {
		c.good = false
		c.log.Warn("metrics: reading deployment figures failed; showing the last ones read", "error", err)
		return c.f, false
	}
	c.f, c.at, c.good = &f, now, true
	return c.f, true
}

func (c *figuresCollector) Collect(ch chan<- prometheus.Metric) {
	f, ok := c.figures()
	up := 0.0
	if ok {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(dUp, prometheus.GaugeValue, up)
	if f == nil {
		return
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	var all store.RunTotals
	for _, st := range runStatuses {
		t := f.Runs[st]
		counter(dRuns, float64(t.Runs), st)
		counter(dRunSeconds, t.Seconds, st)
		all.DealsAnalysed += t.DealsAnalysed
		all.InsightsCreated += t.InsightsCreated
		all.InsightsUpdated += t.InsightsUpdated
		all.InsightsResolved += t.InsightsResolved
		all.CriticalAlerts += t.CriticalAlerts
		all.LLMCalls += t.LLMCalls
		all.TokensIn += t.TokensIn
		all.TokensOut += t.TokensOut
		all.CostUSD += t.CostUSD
	}
	counter(dDeals, float64(all.DealsAnalysed))
	counter(dCreated, float64(all.InsightsCreated))
	counter(dUpdated, float64(all.InsightsUpdated))
	counter(dResolved, float64(all.InsightsResolved))
	counter(dCritical, float64(all.CriticalAlerts))
	counter(dLLMRuns, float64(all.LLMCalls))
	counter(dTokens, float64(all.TokensIn), "in")
	counter(dTokens, float64(all.TokensOut), "out")
	counter(dCost, all.CostUSD)
	counter(dCycles, float64(f.CyclesSucceeded), "succeeded")
	counter(dCycles, float64(f.CyclesFailed), "failed")
	last := 0.0
	if f.LastSuccess != nil {
		last = unixSeconds(*f.LastSuccess)
	}
	gauge(dLastSuccess, last)
	if lc := f.LastCycle; lc != nil && lc.CompletedAt != nil {
		gauge(dLastCycleAt, unixSeconds(*lc.CompletedAt))
		gauge(dLastCycle, lc.CompletedAt.Sub(lc.StartedAt).Seconds())
	}
	gauge(dUsers, float64(f.Users))
	gauge(dWAU, float64(f.WeeklyActiveUsers))
	gauge(dWorkspaces, float64(f.Workspaces))
	for _, st := range []string{"open", "won", "lost"} {
		gauge(dDealsNow, float64(f.Deals[st]), st)
	}
	// Every action seen, plus the two the checklist asks about even at zero.
	actions := map[string]int64{"viewed": 0, "actioned": 0}
	for a, n := range f.Feedback {
		actions[a] = n
	}
	for _, a := range sortedKeys(actions) {
		gauge(dFeedback, float64(actions[a]), a)
	}
	for _, in := range f.OpenInsights {
		gauge(dInsights, float64(in.N), in.Rule, in.Priority)
	}
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }

func sortedKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
