package app

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/preflight"
	"github.com/vectoros/vectoros/internal/store"
)

// errNotReady makes preflight exit 1 after printing its report.
var errNotReady = errors.New("preflight: not ready for production (see the FAIL lines above)")

func newPreflightCmd(env Env) *cobra.Command {
	var asJSON, online bool
	cmd := &cobra.Command{
		Use:   "preflight",
		Short: "Check production readiness: each check PASS / WARN / FAIL with its fix; exit 1 on any FAIL",
		Long: "preflight reads the configuration leniently (problems become FAIL lines rather than a start-up error),\n" +
			"looks at the database, the monitor's heartbeat and the last backup, and prints the checklist.\n" +
			"With --online it also checks PUBLIC_URL's certificate, sends Claude a one-token request and Sentry a\n" +
			"test event. It changes nothing, except that --online spends a token and creates one Sentry event.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, problems := config.LoadLenient(env.Getenv)
			in := preflight.Input{Now: env.Now(), Version: Version(), Settings: preflightSettings(cfg, problems, env.Getenv), Online: online}
			in.Dir, _ = os.Getwd()
			s, err := openForPreflight(cmd, cfg, problems, env)
			if err != nil {
				in.StoreErr = err
			} else {
				defer s.Close()
				in.Store = s
			}
			rep := preflight.Run(cmd.Context(), in, preflight.Checks())
			if asJSON {
				err = preflight.WriteJSON(cmd.OutOrStdout(), rep)
			} else {
				err = preflight.WriteText(cmd.OutOrStdout(), rep)
			}
			if err != nil {
				return err
			}
			if !rep.Ready {
				return errNotReady
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().BoolVar(&online, "online", false, "also call out: TLS certificate, one tiny Claude request, one Sentry test event")
	return cmd
}

// openForPreflight opens the database without creating or migrating
// anything: a missing SQLite file is reported, not made.
func openForPreflight(cmd *cobra.Command, cfg config.Config, problems config.Problems, env Env) (*store.Store, error) {
	if p := databaseURLProblem(problems); p != "" {
		return nil, errors.New(p + " (no connection was tried)")
	}
	if !cfg.IsPostgres() {
		path := sqlitePath(cfg)
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no SQLite database at %s: run `vectoros migrate` (serve also creates it) or fix DATABASE_URL", path)
		}
	}
	return store.Open(cmd.Context(), store.Options{URL: cfg.DatabaseURL, DirectURL: cfg.DatabaseDirectURL, Now: env.Now,
		Logger: newLogger(cfg, env.Stderr)})
}

// preflightSettings hands the checks plain values.
func preflightSettings(cfg config.Config, problems config.Problems, getenv func(string) string) preflight.Settings {
	st := preflight.Settings{
		AppEnv: cfg.AppEnv, PublicURL: cfg.PublicURL, CORSOrigins: cfg.CORSOrigins,
		RateLimitMax: cfg.RateLimitMax, RateLimitWindow: cfg.RateLimitWindow, MonitorInterval: cfg.MonitorInterval,
		AnthropicAPIKey: cfg.AnthropicAPIKey, AnthropicModel: cfg.AnthropicModel, AnthropicBaseURL: cfg.AnthropicBaseURL,
		LLMDailyBudget: cfg.LLMDailyBudgetUSD, SentryDSN: cfg.SentryDSN, MetricsToken: cfg.MetricsToken,
		Problems: problems, Values: map[string]string{},
	}
	switch {
	case databaseURLProblem(problems) != "":
		st.DatabaseLabel = "invalid DATABASE_URL"
	case cfg.IsPostgres():
		st.DatabaseLabel = "postgres " + postgresLabel(cfg.DatabaseURL)
	default:
		st.DatabaseLabel = "sqlite " + sqlitePath(cfg)
	}
	for _, k := range config.Vars {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			st.Values[k] = v
		}
	}
	return st
}

func databaseURLProblem(problems config.Problems) string {
	for _, p := range problems {
		if strings.HasPrefix(p, "DATABASE_URL ") {
			return p
		}
	}
	return ""
}

// postgresLabel names a PostgreSQL database without its password or
// parameters: user, host and database are what an operator needs to see.
func postgresLabel(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return config.Mask(raw)
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}
