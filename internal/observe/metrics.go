// Package observe is how VectorOS reports on itself: the Prometheus
// registry behind /metrics (metrics.go, figures.go), error reports to
// Sentry (sentry.go), and the log handlers that forward request errors to
// Sentry and keep configured secrets out of every log line (slog.go).
//
// Two kinds of series share the registry. Per-process series count what
// this process did (HTTP requests it answered, LLM calls it made, its
// database pool): sum them across processes. Deployment-wide series are
// read from the database at scrape time (monitor runs and cycles,
// accounts, deals, insight feedback, weekly active users): every process
// reports the same value, so aggregate them with max(), not sum(). The
// database is their source because a cycle spans processes, a separate
// `vectoros worker` may do the monitor's work while only web replicas are
// scraped, and the business counts must survive restarts.
package observe

import (
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every VectorOS series.
const Namespace = "vectoros"

// LLM call outcomes, as narrate.Claude reports them; each starts at zero so
// a ratio of rates is defined before the first failure.
var llmOutcomes = []string{"ok", "rejected", "error", "budget_exhausted"}

// durationBuckets cover fast API calls to the 60 s ?wait=1 monitor request.
var durationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// MetricsOptions configure NewMetrics.
type MetricsOptions struct {
	// Version and Environment label vectoros_build_info.
	Version, Environment string
	// DB, when set, adds its pool statistics (go_sql_*{db_name="vectoros"}).
	DB *sql.DB
	// Figures, when set, adds the deployment-wide series (figures.go).
	Figures FiguresSource
	// FiguresTTL is how long a reading of Figures is reused; 0 means 30 s.
	FiguresTTL time.Duration
	// Now is the clock of the figures cache and weekly activity; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Metrics is one process's Prometheus registry (never the global one, so
// tests and several servers in one process do not collide).
type Metrics struct {
	reg          *prometheus.Registry
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	llmCalls     *prometheus.CounterVec
}

// NewMetrics builds the registry with every series registered.
func NewMetrics(o MetricsOptions) *Metrics {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "http_requests_total",
			Help: "HTTP requests answered by this process, by route pattern and status code.",
		}, []string{"route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer HTTP requests in this process, by route pattern.",
			Buckets: durationBuckets,
		}, []string{"route"}),
		llmCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "llm_calls_total",
			Help: "LLM (Claude) calls made by this process's monitor, by outcome: ok, rejected (answer refused, template kept), error, budget_exhausted (not sent).",
		}, []string{"outcome"}),
	}
	for _, o := range llmOutcomes {
		m.llmCalls.WithLabelValues(o)
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "build_info", Help: "Always 1; labels name the running version and APP_ENV.",
		ConstLabels: prometheus.Labels{"version": o.Version, "environment": o.Environment},
	})
	build.Set(1)
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.llmCalls, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o.DB != nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(o.DB, Namespace))
	}
	if o.Figures != nil {
		ttl := o.FiguresTTL
		if ttl <= 0 {
			ttl = 30 * time.Second
		}
		m.reg.MustRegister(newFiguresCollector(o.Figures, ttl, o.Now, o.Logger))
	}
	return m
}

// ObserveHTTP records one answered request. route is the matched route
// pattern (never the raw path, which would make a series per id); "" is
// recorded as "unmatched".
func (m *Metrics) ObserveHTTP(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.httpRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
}

// LLMCall records an LLM call's outcome; it has the signature of
// narrate.ClaudeConfig.Observe.
func (m *Metrics) LLMCall(outcome string) {
	if m == nil {
		return
	}
	m.llmCalls.WithLabelValues(outcome).Inc()
}

// Handler serves the registry in the Prometheus text format. A collector
// that fails (the database is down) leaves its series out rather than
// failing the scrape: the HTTP and process series matter most then.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Registry returns the registry, for tests that gather it directly.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }
