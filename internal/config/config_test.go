package config_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/config"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{Port: 8080, AppEnv: "development", RateLimitMax: 100, RateLimitWindow: 15 * time.Minute,
		MonitorInterval: 30 * time.Minute, AnthropicModel: config.DefaultAnthropicModel, LLMMaxConcurrency: 4,
		LLMTimeout: 60 * time.Second, LLMDailyBudgetUSD: 5, LogLevel: "info", HSTSMaxAge: 365 * 24 * time.Hour}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("defaults:\n got %+v\nwant %+v", c, want)
	}
	if c.IsProduction() || c.IsPostgres() {
		t.Fatal("defaults are development on SQLite")
	}
}

func TestLoadValues(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL": "postgres://u:p@db/v", "DATABASE_DIRECT_URL": "postgresql://u:p@direct/v", "PORT": "9090",
		"APP_ENV": "production", "PUBLIC_URL": "https://vectoros.acme.test/", "CORS_ORIGINS": " https://a.acme.test/ , https://b.acme.test",
		"TRUST_PROXY_HEADERS": "true", "RATE_LIMIT_MAX": "250", "RATE_LIMIT_WINDOW": "1m", "MONITOR_INTERVAL": "10m",
		"ANTHROPIC_API_KEY": " sk-ant-key ", "ANTHROPIC_MODEL": "claude-x", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9999",
		"LLM_MAX_CONCURRENCY": "8", "LLM_TIMEOUT": "30s", "LLM_DAILY_BUDGET_USD": "12.5", "SENTRY_DSN": "https://k@o1.ingest.sentry.io/2",
		"METRICS_TOKEN": "metrics-secret", "LOG_LEVEL": "DEBUG", "HSTS_MAX_AGE": "0",
	}
	c, err := config.Load(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{DatabaseURL: "postgres://u:p@db/v", DatabaseDirectURL: "postgresql://u:p@direct/v", Port: 9090,
		AppEnv: "production", PublicURL: "https://vectoros.acme.test", CORSOrigins: []string{"https://a.acme.test", "https://b.acme.test"},
		TrustProxyHeaders: true, RateLimitMax: 250, RateLimitWindow: time.Minute, MonitorInterval: 10 * time.Minute,
		AnthropicAPIKey: "sk-ant-key", AnthropicModel: "claude-x", AnthropicBaseURL: "http://127.0.0.1:9999", LLMMaxConcurrency: 8,
		LLMTimeout: 30 * time.Second, LLMDailyBudgetUSD: 12.5, SentryDSN: "https://k@o1.ingest.sentry.io/2", MetricsToken: "metrics-secret",
		LogLevel: "debug"}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("values:\n got %+v\nwant %+v", c, want)
	}
	if !c.IsProduction() || !c.IsPostgres() {
		t.Fatal("production on PostgreSQL")
	}
}

// TestLoadProblems: each bad value is reported, with the variable named
// first (preflight routes problems to checks by that name).
func TestLoadProblems(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want []string // each a fragment of one problem, in order
	}{
		{"valid development", map[string]string{"CORS_ORIGINS": "*", "RATE_LIMIT_MAX": "0", "PUBLIC_URL": "http://localhost:8080"}, nil},
		{"bad numbers", map[string]string{"PORT": "eighty", "RATE_LIMIT_MAX": "-1", "LLM_MAX_CONCURRENCY": "100"},
			[]string{"PORT must be a whole number", "RATE_LIMIT_MAX must be a whole number", "LLM_MAX_CONCURRENCY must be a whole number from 1 to 64"}},
		{"bad durations", map[string]string{"RATE_LIMIT_WINDOW": "15", "MONITOR_INTERVAL": "500ms", "LLM_TIMEOUT": "soon", "HSTS_MAX_AGE": "-1h"},
			[]string{"RATE_LIMIT_WINDOW must be a duration", "MONITOR_INTERVAL must be a duration of at least 1s", "LLM_TIMEOUT must be a duration",
				"HSTS_MAX_AGE must be a duration of at least 0s"}},
		{"bad words", map[string]string{"APP_ENV": "prod", "LOG_LEVEL": "verbose", "TRUST_PROXY_HEADERS": "maybe", "LLM_DAILY_BUDGET_USD": "-3"},
			[]string{"TRUST_PROXY_HEADERS must be true or false", "LLM_DAILY_BUDGET_USD must be a non-negative", "APP_ENV must be development, production or test", "LOG_LEVEL must be debug"}},
		{"bad urls", map[string]string{"DATABASE_URL": "mysql://db/v", "DATABASE_DIRECT_URL": "postgres://direct/v", "PUBLIC_URL": "vectoros.acme.test",
			"CORS_ORIGINS": "https://ok.acme.test,app.acme.test", "ANTHROPIC_BASE_URL": "/v1"},
			[]string{"DATABASE_URL must be empty", "DATABASE_DIRECT_URL is set but DATABASE_URL is not PostgreSQL", "PUBLIC_URL must be an absolute URL",
				`CORS_ORIGINS entry "app.acme.test"`, "ANTHROPIC_BASE_URL must be an absolute URL"}},
		{"sqlite without a path", map[string]string{"DATABASE_URL": "sqlite:"}, []string{"DATABASE_URL sqlite: needs a path"}},
		{"direct url not postgres", map[string]string{"DATABASE_URL": "postgres://db/v", "DATABASE_DIRECT_URL": "mysql://direct"},
			[]string{"DATABASE_DIRECT_URL must be a postgres:// URL"}},
		{"unsafe in production", map[string]string{"APP_ENV": "production", "CORS_ORIGINS": "*", "RATE_LIMIT_MAX": "0", "PUBLIC_URL": "http://vectoros.acme.test"},
			[]string{"CORS_ORIGINS must not be * in production", "RATE_LIMIT_MAX=0 disables rate limiting", "PUBLIC_URL must use https:// in production"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, problems := config.LoadLenient(envOf(c.env))
			if len(problems) != len(c.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(problems), len(c.want), strings.Join(problems, "\n"))
			}
			for i, p := range problems {
				if !strings.Contains(p, c.want[i]) {
					t.Errorf("problem %d: %q lacks %q", i, p, c.want[i])
				}
				name := strings.FieldsFunc(p, func(r rune) bool { return r == ' ' || r == '=' })[0]
				if !isVar(name) {
					t.Errorf("problem %q does not start with the variable it is about", p)
				}
			}
			_, err := config.Load(envOf(c.env))
			var all config.Problems
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if !errors.As(err, &all) || len(all) != len(problems) || !strings.HasPrefix(err.Error(), "configuration is invalid:") {
				t.Fatalf("Load must return every problem at once, got %v", err)
			}
			// Lenient loading keeps a usable configuration: defaults stand in for bad values.
			if cfg.Port == 0 || cfg.RateLimitWindow == 0 || cfg.MonitorInterval == 0 || cfg.LLMTimeout == 0 {
				t.Fatalf("lenient config lost its defaults: %+v", cfg)
			}
		})
	}
}

func isVar(name string) bool {
	for _, v := range config.Vars {
		if v == name {
			return true
		}
	}
	return false
}

func TestStringMasksSecrets(t *testing.T) {
	secrets := map[string]string{
		"DATABASE_URL":        "postgres://vectoros:pg-pass-9f8e7d@db.acme.test/vectoros?sslmode=require&password=qp-pass-1a2b",
		"DATABASE_DIRECT_URL": "postgres://vectoros:direct-pass-3c4d@direct.acme.test/vectoros",
		"ANTHROPIC_API_KEY":   "sk-ant-api03-SECRETPART-xyz", "SENTRY_DSN": "https://dsnkey0123456789@o1.ingest.sentry.io/2",
		"METRICS_TOKEN": "metrics-token-SECRET",
	}
	c, err := config.Load(envOf(secrets))
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	for _, leak := range []string{"pg-pass-9f8e7d", "qp-pass-1a2b", "direct-pass-3c4d", "SECRETPART", "dsnkey0123456789", "token-SECRET"} {
		if strings.Contains(s, leak) {
			t.Errorf("String() shows %q:\n%s", leak, s)
		}
	}
	for _, v := range config.Vars {
		if !strings.Contains(s, v+"=") {
			t.Errorf("String() lacks %s", v)
		}
	}
	if !strings.Contains(s, "db.acme.test") || !strings.Contains(s, "sk-a") {
		t.Errorf("masked values should still say which database and key they are:\n%s", s)
	}
	if got := len(c.Pairs()); got != len(config.Vars) {
		t.Errorf("Pairs has %d entries for %d variables", got, len(config.Vars))
	}
}

func TestMask(t *testing.T) {
	for _, c := range []struct{ in, leak string }{
		{"short", "short"},
		{"sk-ant-api03-abcdefghijkl", "abcdefghijkl"},
		{"postgres://u:secret@h/db", "secret"},
		{"https://publickey@o1.ingest.sentry.io/2", "publickey"},
	} {
		if got := config.Mask(c.in); strings.Contains(got, c.leak) || got == "" {
			t.Errorf("Mask(%q) = %q", c.in, got)
		}
	}
}
