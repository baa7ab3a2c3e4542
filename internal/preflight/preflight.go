// Package preflight is the production-readiness checklist as code: each
// check looks at plain settings, the database or (with Online) the outside
// services, and answers PASS, WARN or FAIL with how to fix it. It reads no
// environment itself: internal/app builds the Input from the configuration,
// so tests drive every check with plain values and real databases.
package preflight

import (
	"context"
	"crypto/x509"
	"net/http"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/store"
)

// Status is a check's verdict.
type Status string

// Verdicts. SKIP means the check could not run because something it needs
// (the database) already failed; it does not fail preflight by itself.
const (
	Pass Status = "PASS"
	Warn Status = "WARN"
	Fail Status = "FAIL"
	Skip Status = "SKIP"
)

// Result is one line of the report.
type Result struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Settings are the configuration values the checks judge, already parsed
// (leniently) by internal/app.
type Settings struct {
	AppEnv           string
	DatabaseLabel    string // what to call the database in output, secrets masked
	PublicURL        string
	CORSOrigins      []string
	RateLimitMax     int
	RateLimitWindow  time.Duration
	MonitorInterval  time.Duration
	AnthropicAPIKey  string
	AnthropicModel   string
	AnthropicBaseURL string
	LLMDailyBudget   float64
	SentryDSN        string
	MetricsToken     string
	// Values holds the raw value of every configuration variable that is
	// set, by name, for the placeholder scan. Values are never printed.
	Values map[string]string
	// Problems are the configuration's validation problems, each starting
	// with the variable it is about (config.Problems' convention).
	Problems []string
}

// Input is everything the checks look at.
type Input struct {
	Now      time.Time
	Version  string // the release reported with the Sentry test event
	Settings Settings
	// Store is the database, or nil with StoreErr saying why it could not
	// be opened.
	Store    *store.Store
	StoreErr error
	// Dir is the working directory, where the .env file would be read.
	Dir string
	// Online lets checks call outside services: the certificate of
	// PUBLIC_URL, one tiny Claude request, one Sentry test event.
	Online bool
	// HTTPClient makes the online calls (nil: a client with a timeout).
	HTTPClient *http.Client
	// RootCAs verifies PUBLIC_URL's certificate (nil: the system's).
	RootCAs *x509.CertPool

	uncovered []string // configuration problems no specific check reports
}

// Check is one item of the checklist. Covers names the configuration
// variables whose validation problems this check reports (the "config"
// check reports the rest).
type Check struct {
	ID      string
	Title   string
	Covers  []string
	NeedsDB bool
	Run     func(ctx context.Context, in *Input) Result
}

// Report is the outcome of a preflight run.
type Report struct {
	CheckedAt time.Time `json:"checked_at"`
	Version   string    `json:"version"`
	AppEnv    string    `json:"app_env"`
	Database  string    `json:"database"`
	Ready     bool      `json:"ready"`
	Summary   Summary   `json:"summary"`
	Results   []Result  `json:"checks"`
}

// Summary counts results by status.
type Summary struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

// Checks returns the standard checklist, in report order. Later areas
// (metrics, log redaction) add theirs by appending to this list.
func Checks() []Check {
	return []Check{
		productionCheck(),
		configCheck(),
		databaseCheck(),
		schemaCheck(),
		indexesCheck(),
		corsCheck(),
		rateLimitCheck(),
		publicURLCheck(),
		secretsCheck(),
		llmCheck(),
		sentryCheck(),
		metricsCheck(),
		monitorCheck(),
		backupCheck(),
		dotenvCheck(),
	}
}

// Run runs the checks in order. A check that needs the database is skipped
// when the database check did not pass.
func Run(ctx context.Context, in Input, checks []Check) Report {
	if in.HTTPClient == nil {
		in.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	}
	covered := map[string]bool{}
	for _, c := range checks {
		for _, v := range c.Covers {
			covered[v] = true
		}
	}
	for _, p := range in.Settings.Problems {
		if !covered[problemVar(p)] {
			in.uncovered = append(in.uncovered, p)
		}
	}
	rep := Report{CheckedAt: in.Now.UTC(), Version: in.Version, AppEnv: in.Settings.AppEnv, Database: in.Settings.DatabaseLabel}
	dbOK := in.Store != nil && in.StoreErr == nil
	for _, c := range checks {
		var r Result
		if c.NeedsDB && !dbOK {
			r = Result{Status: Skip, Detail: "not checked: the database is not reachable"}
		} else {
			r = c.Run(ctx, &in)
		}
		r.ID, r.Title = c.ID, c.Title
		if probs := problemsFor(in.Settings.Problems, c.Covers); len(probs) > 0 && r.Status != Fail {
			r.Status, r.Detail = Fail, strings.Join(probs, "; ")
			if r.Fix == "" {
				r.Fix = "correct the variable; docs/configuration.md lists every variable and its rule"
			}
		}
		if c.ID == "database" && r.Status == Fail {
			dbOK = false
		}
		rep.Results = append(rep.Results, r)
		switch r.Status {
		case Pass:
			rep.Summary.Pass++
		case Warn:
			rep.Summary.Warn++
		case Fail:
			rep.Summary.Fail++
		case Skip:
			rep.Summary.Skip++
		}
	}
	rep.Ready = rep.Summary.Fail == 0
	return rep
}

// problemVar is the variable a configuration problem is about: its leading
// upper-case word ("CORS_ORIGINS must …", "RATE_LIMIT_MAX=0 …").
func problemVar(p string) string {
	end := strings.IndexFunc(p, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') })
	if end < 0 {
		return p
	}
	return p[:end]
}

func problemsFor(problems []string, vars []string) []string {
	var out []string
	for _, p := range problems {
		for _, v := range vars {
			if problemVar(p) == v {
				out = append(out, p)
			}
		}
	}
	return out
}
