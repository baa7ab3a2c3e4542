package preflight_test

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/preflight"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// goodSettings would pass every check that looks at settings alone.
func goodSettings() preflight.Settings {
	st := preflight.Settings{
		AppEnv: "production", DatabaseLabel: "test database", PublicURL: "https://vectoros.acme.test",
		RateLimitMax: 100, RateLimitWindow: 15 * time.Minute, MonitorInterval: 30 * time.Minute,
		AnthropicAPIKey: "sk-ant-api03-livekey0123456789", AnthropicModel: "claude-sonnet-4-6", LLMDailyBudget: 5,
		SentryDSN: "https://0123456789abcdef@o42.ingest.sentry.io/4242", MetricsToken: "3f9a1c7e5b2d4f608a1c3e5f7b9d2a4c",
	}
	st.Values = map[string]string{"APP_ENV": st.AppEnv, "PUBLIC_URL": st.PublicURL, "ANTHROPIC_API_KEY": st.AnthropicAPIKey, "SENTRY_DSN": st.SentryDSN}
	return st
}

// healthy returns an input on s whose every check passes: a fresh monitor
// heartbeat and (SQLite) a backup taken an hour ago.
func healthy(t *testing.T, s *store.Store, now time.Time) preflight.Input {
	t.Helper()
	ctx := context.Background()
	done := now.Add(-10 * time.Minute)
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO monitor_cycles (id, trigger, expected, succeeded, failed, started_at, completed_at)
		VALUES ('hb', 'periodic', 1, 1, 0, $1, $2)`, done.Add(-time.Minute).UTC(), done.UTC()); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordBackup(ctx, store.BackupRecord{Path: "/backups/vectoros.db", Bytes: 1 << 20, TakenAt: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return preflight.Input{Now: now, Version: "test", Settings: goodSettings(), Store: s, Dir: t.TempDir()}
}

func result(t *testing.T, rep preflight.Report, id string) preflight.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no %q check in the report", id)
	return preflight.Result{}
}

func execSQL(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := s.DB().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestChecks drives each check to each of its verdicts on both databases.
func TestChecks(t *testing.T) {
	type tc struct {
		name   string
		check  string
		mutate func(t *testing.T, in *preflight.Input, s *store.Store)
		want   preflight.Status
		detail string // a fragment the detail must contain
		// only restricts a case to one database.
		only store.Dialect
	}
	// Cases that change the database get a fresh one; the rest share one
	// per kind (PostgreSQL databases are not free to make).
	changesDB := map[string]bool{"outdated schema": true, "newer compatible schema": true, "index missing": true,
		"no cycle yet": true, "never backed up": true}
	cases := []tc{
		{"healthy production", "production", nil, preflight.Pass, "APP_ENV is production", ""},
		{"development", "production", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.AppEnv = "development" }, preflight.Fail, `APP_ENV is "development"`, ""},

		{"valid config", "config", nil, preflight.Pass, "every variable parses", ""},
		{"bad port", "config", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.Problems = []string{`PORT must be a whole number from 1 to 65535, got "http"`}
		}, preflight.Fail, "PORT must be", ""},
		{"covered problem goes to its check", "config", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.Problems = []string{`CORS_ORIGINS entry "app" must be an origin such as https://app.example.com`}
		}, preflight.Pass, "every variable parses", ""},

		{"reachable", "database", nil, preflight.Pass, "answers: test database", ""},
		{"not opened", "database", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Store, in.StoreErr = nil, errors.New("no SQLite database at /srv/data/vectoros.db")
		}, preflight.Fail, "no SQLite database", ""},
		{"unreachable", "database", func(t *testing.T, in *preflight.Input, s *store.Store) { in.Store = unreachable(t, s.Dialect()) }, preflight.Fail, "not reachable", ""},
		{"schema skipped when unreachable", "schema", func(t *testing.T, in *preflight.Input, s *store.Store) { in.Store = unreachable(t, s.Dialect()) }, preflight.Skip, "not checked", ""},

		{"current schema", "schema", nil, preflight.Pass, "schema version " + latestSchemaVersion(t), ""},
		{"outdated schema", "schema", func(t *testing.T, _ *preflight.Input, s *store.Store) {
			execSQL(t, s, `DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)`)
		}, preflight.Fail, "this binary needs", ""},
		{"newer compatible schema", "schema", func(t *testing.T, _ *preflight.Input, s *store.Store) {
			execSQL(t, s, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)`)
		}, preflight.Warn, "newer than this binary", ""},

		{"indexes present", "indexes", nil, preflight.Pass, "indexes the migrations create are present", ""},
		{"index missing", "indexes", func(t *testing.T, _ *preflight.Input, s *store.Store) {
			execSQL(t, s, `DROP INDEX deals_ws_status_stage`)
		},
			preflight.Fail, "missing: deals_ws_status_stage", ""},

		{"same-origin", "cors", nil, preflight.Pass, "same-origin only", ""},
		{"listed https origins", "cors", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.CORSOrigins = []string{"https://app.acme.test"}
		}, preflight.Pass, "only from https://app.acme.test", ""},
		{"wildcard", "cors", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.CORSOrigins = []string{"https://app.acme.test", "*"}
		}, preflight.Fail, "CORS_ORIGINS is *", ""},
		{"plain http origin", "cors", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.CORSOrigins = []string{"http://app.acme.test"}
		}, preflight.Warn, "without https", ""},
		{"invalid origin from config", "cors", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.Problems = []string{`CORS_ORIGINS entry "app" must be an origin such as https://app.example.com`}
		}, preflight.Fail, `entry "app"`, ""},

		{"rate limit on", "rate_limit", nil, preflight.Pass, "100 API requests per 15m0s", ""},
		{"rate limit off", "rate_limit", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.RateLimitMax = 0 }, preflight.Fail, "RATE_LIMIT_MAX=0", ""},

		{"https offline", "public_url", nil, preflight.Pass, "is https (certificate not checked", ""},
		{"no public url", "public_url", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.PublicURL = "" }, preflight.Warn, "not set", ""},
		{"http public url", "public_url", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.PublicURL = "http://vectoros.acme.test"
		},
			preflight.Fail, "is not https", ""},

		{"live values", "secrets", nil, preflight.Pass, "none of the 4 configured variables", ""},
		{"stripe-style test key", "secrets", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.Values["ANTHROPIC_API_KEY"] = "sk_test_51HfakeKEY"
		}, preflight.Fail, `ANTHROPIC_API_KEY contains "sk_test_"`, ""},
		{"checklist sample DSN", "secrets", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.Values["SENTRY_DSN"] = "https://xxxxx@o123456.ingest.sentry.io/7890123"
		}, preflight.Fail, "SENTRY_DSN contains", ""},
		{"changeme token", "secrets", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.Values["METRICS_TOKEN"] = "ChangeMe"
		},
			preflight.Fail, `METRICS_TOKEN contains "changeme"`, ""},
		{"your-key", "secrets", func(_ *testing.T, in *preflight.Input, _ *store.Store) {
			in.Settings.Values["ANTHROPIC_API_KEY"] = "your-key-here"
		},
			preflight.Fail, `"your-key"`, ""},

		{"key set offline", "llm", nil, preflight.Pass, "not called: run with --online", ""},
		{"no key", "llm", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.AnthropicAPIKey = "" }, preflight.Warn, "template narrator", ""},
		{"zero budget", "llm", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.LLMDailyBudget = 0 }, preflight.Warn, "never called", ""},

		{"dsn set offline", "sentry", nil, preflight.Pass, "no test event sent", ""},
		{"no dsn", "sentry", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.SentryDSN = "" }, preflight.Warn, "only the logs", ""},
		{"malformed dsn", "sentry", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.SentryDSN = "sentry.io/42" }, preflight.Fail, "not a valid DSN", ""},

		{"metrics token", "metrics", nil, preflight.Pass, "requires the bearer token", ""},
		{"open metrics", "metrics", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.MetricsToken = "" }, preflight.Warn, "METRICS_TOKEN is not set", ""},
		{"short metrics token", "metrics", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.MetricsToken = "abc123" },
			preflight.Warn, "only 6 characters", ""},

		{"fresh heartbeat", "monitor", nil, preflight.Pass, "completed 10m ago (limit 1h0m0s)", ""},
		{"no cycle yet", "monitor", func(t *testing.T, _ *preflight.Input, s *store.Store) { execSQL(t, s, `DELETE FROM monitor_cycles`) }, preflight.Warn, "no monitoring cycle", ""},
		{"stale heartbeat", "monitor", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Now = in.Now.Add(2 * time.Hour) }, preflight.Fail,
			"completed 2h10m ago", ""},
		{"shorter interval", "monitor", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Settings.MonitorInterval = 4 * time.Minute }, preflight.Fail,
			"more than 2 × MONITOR_INTERVAL (8m0s)", ""},

		{"recent backup", "backup", nil, preflight.Pass, "last backup 1h ago: /backups/vectoros.db", store.SQLite},
		{"old backup", "backup", func(_ *testing.T, in *preflight.Input, _ *store.Store) { in.Now = in.Now.Add(26 * time.Hour) }, preflight.Fail,
			"is 27h old", store.SQLite},
		{"never backed up", "backup", func(t *testing.T, _ *preflight.Input, s *store.Store) { execSQL(t, s, `DELETE FROM app_state`) }, preflight.Fail,
			"no backup", store.SQLite},
		{"postgres backups are external", "backup", nil, preflight.Warn, "cannot be seen from here", store.Postgres},
	}
	for _, kind := range testdb.Kinds(t) {
		clock := testdb.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
		shared := testdb.Open(t, kind, clock.Now)
		base := healthy(t, shared, clock.Now())
		for _, c := range cases {
			if c.only != "" && c.only != kind {
				continue
			}
			t.Run(string(kind)+"/"+c.check+"/"+c.name, func(t *testing.T) {
				s, in := shared, base
				in.Settings.Values = maps.Clone(base.Settings.Values)
				if changesDB[c.name] {
					s = testdb.Open(t, kind, clock.Now)
					in = healthy(t, s, clock.Now())
				}
				if c.mutate != nil {
					c.mutate(t, &in, s)
				}
				r := result(t, preflight.Run(context.Background(), in, preflight.Checks()), c.check)
				if r.Status != c.want || !strings.Contains(r.Detail, c.detail) {
					t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Detail, c.want, c.detail)
				}
				if r.Status != preflight.Pass && r.Status != preflight.Skip && r.Fix == "" {
					t.Errorf("a %s without a fix", r.Status)
				}
			})
		}
	}
}

// unreachable returns a store of the dialect that cannot connect.
func unreachable(t *testing.T, d store.Dialect) *store.Store {
	t.Helper()
	url := "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
	if d == store.SQLite {
		url = "sqlite:" + t.TempDir() // a directory, not a database file
	}
	s, err := store.Open(context.Background(), store.Options{URL: url, Now: time.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestHealthyIsReady: with everything in order the report is ready and has
// no FAIL (warnings only where the database kind cannot be checked).
func TestHealthyIsReady(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		rep := preflight.Run(context.Background(), healthy(t, s, clock.Now()), preflight.Checks())
		if !rep.Ready || rep.Summary.Fail != 0 || rep.Summary.Skip != 0 {
			t.Fatalf("healthy input not ready: %+v", rep)
		}
		for _, r := range rep.Results {
			if r.Status != preflight.Pass && !(r.ID == "backup" && s.Dialect() == store.Postgres) {
				t.Errorf("%s: %s %s", r.ID, r.Status, r.Detail)
			}
		}
	})
}

// TestSecretsNeverPrinted: a report mentions which variable holds a test
// value, never the value.
func TestSecretsNeverPrinted(t *testing.T) {
	s := testdb.Open(t, store.SQLite, time.Now)
	in := healthy(t, s, time.Now())
	secret := "sk_test_51SuperSecretValue42"
	in.Settings.Values["ANTHROPIC_API_KEY"], in.Settings.AnthropicAPIKey = secret, secret
	var b strings.Builder
	rep := preflight.Run(context.Background(), in, preflight.Checks())
	_ = preflight.WriteText(&b, rep)
	_ = preflight.WriteJSON(&b, rep)
	if strings.Contains(b.String(), "SuperSecret") || strings.Contains(b.String(), in.Settings.SentryDSN) {
		t.Fatalf("the report prints a secret:\n%s", b.String())
	}
}

// latestSchemaVersion is the newest migration this binary embeds, as the
// schema check reports it.
func latestSchemaVersion(t *testing.T) string {
	t.Helper()
	s := testdb.Open(t, store.SQLite, time.Now)
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(st.Required, 10) + ","
}
