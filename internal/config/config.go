// Package config reads VectorOS's configuration from the environment and
// validates it, reporting every problem at once. Only internal/app uses it;
// everything else receives plain values.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the validated configuration of one process.
type Config struct {
	DatabaseURL       string // empty means SQLite at ./data/vectoros.db
	DatabaseDirectURL string
	Port              int
	AppEnv            string // development | production | test
	PublicURL         string
	CORSOrigins       []string
	TrustProxyHeaders bool
	RateLimitMax      int
	RateLimitWindow   time.Duration
	MonitorInterval   time.Duration
	AnthropicAPIKey   string
	AnthropicModel    string
	AnthropicBaseURL  string
	LLMMaxConcurrency int
	LLMTimeout        time.Duration
	LLMDailyBudgetUSD float64
	SentryDSN         string
	MetricsToken      string
	LogLevel          string
	// HSTSMaxAge is the Strict-Transport-Security max-age sent in
	// production; 0 sends none.
	HSTSMaxAge time.Duration
}

// Vars lists every environment variable VectorOS reads, in documentation
// order. A test checks docs/configuration.md names each.
var Vars = []string{
	"DATABASE_URL", "DATABASE_DIRECT_URL", "PORT", "APP_ENV", "PUBLIC_URL", "CORS_ORIGINS",
	"TRUST_PROXY_HEADERS", "RATE_LIMIT_MAX", "RATE_LIMIT_WINDOW", "MONITOR_INTERVAL",
	"ANTHROPIC_API_KEY", "ANTHROPIC_MODEL", "ANTHROPIC_BASE_URL", "LLM_MAX_CONCURRENCY",
	"LLM_TIMEOUT", "LLM_DAILY_BUDGET_USD", "SENTRY_DSN", "METRICS_TOKEN", "LOG_LEVEL",
	"HSTS_MAX_AGE",
}

// secretVars are never printed.
var secretVars = map[string]bool{"ANTHROPIC_API_KEY": true, "SENTRY_DSN": true, "METRICS_TOKEN": true,
	"DATABASE_URL": true, "DATABASE_DIRECT_URL": true}

// Default model; the price table in internal/narrate pins its cost.
const DefaultAnthropicModel = "claude-sonnet-4-6"

// Problems is every configuration problem found, one per line.
type Problems []string

func (p Problems) Error() string {
	return "configuration is invalid:\n  - " + strings.Join(p, "\n  - ")
}

// IsProduction reports whether unsafe settings must be refused.
func (c Config) IsProduction() bool { return c.AppEnv == "production" }

// Load reads and validates the configuration. It returns Problems listing
// every problem when anything is wrong.
func Load(getenv func(string) string) (Config, error) {
	c, problems := LoadLenient(getenv)
	if len(problems) > 0 {
		return c, problems
	}
	return c, nil
}

// LoadLenient reads the configuration, applies defaults for values it cannot
// parse, and returns the problems instead of failing (preflight uses it).
func LoadLenient(getenv func(string) string) (Config, Problems) {
	var p Problems
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{
		DatabaseURL:       get("DATABASE_URL"),
		DatabaseDirectURL: get("DATABASE_DIRECT_URL"),
		AppEnv:            or(get("APP_ENV"), "development"),
		PublicURL:         strings.TrimRight(get("PUBLIC_URL"), "/"),
		AnthropicAPIKey:   get("ANTHROPIC_API_KEY"),
		AnthropicModel:    or(get("ANTHROPIC_MODEL"), DefaultAnthropicModel),
		AnthropicBaseURL:  get("ANTHROPIC_BASE_URL"),
		SentryDSN:         get("SENTRY_DSN"),
		MetricsToken:      get("METRICS_TOKEN"),
		LogLevel:          strings.ToLower(or(get("LOG_LEVEL"), "info")),
	}
	c.Port = intVar(get, "PORT", 8080, 0, 65535, &p) // 0: any free port (tests)
	c.RateLimitMax = intVar(get, "RATE_LIMIT_MAX", 100, 0, 1_000_000, &p)
	c.LLMMaxConcurrency = intVar(get, "LLM_MAX_CONCURRENCY", 4, 1, 64, &p)
	c.RateLimitWindow = durVar(get, "RATE_LIMIT_WINDOW", 15*time.Minute, time.Second, &p)
	c.MonitorInterval = durVar(get, "MONITOR_INTERVAL", 30*time.Minute, time.Second, &p)
	c.LLMTimeout = durVar(get, "LLM_TIMEOUT", 60*time.Second, time.Second, &p)
	c.HSTSMaxAge = durVar(get, "HSTS_MAX_AGE", 365*24*time.Hour, 0, &p)
	c.TrustProxyHeaders = boolVar(get, "TRUST_PROXY_HEADERS", &p)
	c.LLMDailyBudgetUSD = 5
	if v := get("LLM_DAILY_BUDGET_USD"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f != f {
			p = append(p, fmt.Sprintf("LLM_DAILY_BUDGET_USD must be a non-negative number of dollars, got %q", v))
		} else {
			c.LLMDailyBudgetUSD = f
		}
	}
	for _, o := range strings.Split(get("CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, strings.TrimRight(o, "/"))
		}
	}
	p = append(p, c.validate()...)
	return c, p
}

func (c Config) validate() Problems {
	var p Problems
	switch c.AppEnv {
	case "development", "production", "test":
	default:
		p = append(p, fmt.Sprintf("APP_ENV must be development, production or test, got %q", c.AppEnv))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		p = append(p, fmt.Sprintf("LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel))
	}
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		p = append(p, "DATABASE_URL "+err.Error())
	}
	if c.DatabaseDirectURL != "" {
		if !strings.HasPrefix(c.DatabaseDirectURL, "postgres://") && !strings.HasPrefix(c.DatabaseDirectURL, "postgresql://") {
			p = append(p, "DATABASE_DIRECT_URL must be a postgres:// URL (the unpooled endpoint used for migrations)")
		} else if !c.IsPostgres() {
			p = append(p, "DATABASE_DIRECT_URL is set but DATABASE_URL is not PostgreSQL")
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || u.Scheme == "" || u.Host == "" {
			p = append(p, fmt.Sprintf("PUBLIC_URL must be an absolute URL such as https://vectoros.example.com, got %q", c.PublicURL))
		}
	}
	for _, o := range c.CORSOrigins {
		if o == "*" {
			if c.IsProduction() {
				p = append(p, "CORS_ORIGINS must not be * in production: list the front-end origins")
			}
			continue
		}
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			p = append(p, fmt.Sprintf("CORS_ORIGINS entry %q must be an origin such as https://app.example.com", o))
		}
	}
	if c.AnthropicBaseURL != "" {
		if u, err := url.Parse(c.AnthropicBaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			p = append(p, fmt.Sprintf("ANTHROPIC_BASE_URL must be an absolute URL, got %q", c.AnthropicBaseURL))
		}
	}
	if c.IsProduction() {
		if c.RateLimitMax == 0 {
			p = append(p, "RATE_LIMIT_MAX=0 disables rate limiting, which is refused in production")
		}
		if c.PublicURL != "" && !strings.HasPrefix(c.PublicURL, "https://") {
			p = append(p, "PUBLIC_URL must use https:// in production")
		}
	}
	return p
}

// IsPostgres reports whether DATABASE_URL names PostgreSQL.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

func checkDatabaseURL(u string) error {
	switch {
	case u == "", strings.HasPrefix(u, "sqlite:"):
		if u == "sqlite:" {
			return errors.New("sqlite: needs a path, e.g. sqlite:./data/vectoros.db")
		}
		return nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		if _, err := url.Parse(u); err != nil {
			return errors.New("is not a valid postgres:// URL")
		}
		return nil
	}
	return errors.New("must be empty (SQLite at ./data/vectoros.db), sqlite:PATH or postgres://…")
}

// String lists the configuration with secrets masked, for logs and
// `vectoros preflight`.
func (c Config) String() string {
	var b strings.Builder
	for _, kv := range c.Pairs() {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
	}
	return b.String()
}

// Pairs returns (variable, display value) pairs with secrets masked.
func (c Config) Pairs() [][2]string {
	vals := map[string]string{
		"DATABASE_URL": c.DatabaseURL, "DATABASE_DIRECT_URL": c.DatabaseDirectURL,
		"PORT": strconv.Itoa(c.Port), "APP_ENV": c.AppEnv, "PUBLIC_URL": c.PublicURL,
		"CORS_ORIGINS": strings.Join(c.CORSOrigins, ","), "TRUST_PROXY_HEADERS": strconv.FormatBool(c.TrustProxyHeaders),
		"RATE_LIMIT_MAX": strconv.Itoa(c.RateLimitMax), "RATE_LIMIT_WINDOW": c.RateLimitWindow.String(),
		"MONITOR_INTERVAL": c.MonitorInterval.String(), "ANTHROPIC_API_KEY": c.AnthropicAPIKey,
		"ANTHROPIC_MODEL": c.AnthropicModel, "ANTHROPIC_BASE_URL": c.AnthropicBaseURL,
		"LLM_MAX_CONCURRENCY": strconv.Itoa(c.LLMMaxConcurrency), "LLM_TIMEOUT": c.LLMTimeout.String(),
		"LLM_DAILY_BUDGET_USD": strconv.FormatFloat(c.LLMDailyBudgetUSD, 'f', -1, 64),
		"SENTRY_DSN":           c.SentryDSN, "METRICS_TOKEN": c.MetricsToken, "LOG_LEVEL": c.LogLevel,
	}
	out := make([][2]string, 0, len(Vars))
	for _, k := range Vars {
		v := vals[k]
		if secretVars[k] && v != "" {
			v = Mask(v)
		}
		out = append(out, [2]string{k, v})
	}
	return out
}

// Mask hides a secret, keeping only enough to recognise which one it is.
func Mask(s string) string {
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil {
			if u.User != nil {
				u.User = url.User("***")
			}
			u.RawQuery = ""
			return u.Redacted()
		}
	}
	if len(s) <= 8 {
		return "***"
	}
	return s[:4] + "…" + "***"
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func intVar(get func(string) string, k string, def, lo, hi int, p *Problems) int {
	v := get(k)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		*p = append(*p, fmt.Sprintf("%s must be a whole number from %d to %d, got %q", k, lo, hi, v))
		return def
	}
	return n
}

func durVar(get func(string) string, k string, def, lo time.Duration, p *Problems) time.Duration {
	v := get(k)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo {
		*p = append(*p, fmt.Sprintf("%s must be a duration of at least %s such as 30m or 90s, got %q", k, lo, v))
		return def
	}
	return d
}

func boolVar(get func(string) string, k string, p *Problems) bool {
	v := get(k)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		*p = append(*p, fmt.Sprintf("%s must be true or false, got %q", k, v))
	}
	return b
}
