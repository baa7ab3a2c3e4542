package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/client"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
	"github.com/vectoros/vectoros/internal/observe/metricstest"
	"github.com/vectoros/vectoros/internal/observe/sentrytest"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func planted(what string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "PLANTED" + what + hex.EncodeToString(b)
}

// TestNoSecretInLogs plants secrets in a full run's configuration and
// requests, runs the real server through Main at debug level, and greps
// everything it logged (and everything Sentry received) for them: the
// Claude key, the Sentry DSN, the metrics token and a database password in
// the configuration; a user's password at sign-up, sign-in (API and web
// form) and a failed sign-in; an API key's secret in Authorization, and a
// made-up one. The run signs up, creates a workspace and a key, adds deals
// with the key, runs the monitor (whose Claude endpoint fails once with an
// answer that echoes the key, as providers' errors sometimes do), sends the
// Sentry test event and scrapes /metrics.
func TestNoSecretInLogs(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			secrets := map[string]string{
				"ANTHROPIC_API_KEY": "sk-ant-api03-" + planted("anthropic"),
				"METRICS_TOKEN":     planted("metrics"),
				"user password":     planted("password") + " horse battery",
				"wrong password":    planted("wrongpassword") + " staple",
				"bogus API key":     "vos_" + planted("bogus"),
			}
			dbURL := testdb.URL(t, kind)
			if kind == store.Postgres {
				// Trust authentication ignores the password; the URL still carries it.
				u, err := url.Parse(dbURL)
				if err != nil {
					t.Fatal(err)
				}
				secrets["database password"] = planted("dbpass")
				u.User = url.UserPassword(u.User.Username(), secrets["database password"])
				dbURL = u.String()
			}
			ingest := sentrytest.NewServer(t)
			secrets["SENTRY_DSN"] = ingest.DSN()
			fake := claudefake.New(secrets["ANTHROPIC_API_KEY"])
			defer fake.Close()
			fake.Respond(func(n int, r *claudefake.Request) claudefake.Reply {
				if n == 1 {
					return claudefake.Error(401, "authentication_error", "invalid x-api-key: "+secrets["ANTHROPIC_API_KEY"])
				}
				return claudefake.Good(r)
			})
			env := map[string]string{"DATABASE_URL": dbURL, "PORT": "0", "LOG_LEVEL": "debug",
				"ANTHROPIC_API_KEY": secrets["ANTHROPIC_API_KEY"], "ANTHROPIC_BASE_URL": fake.URL,
				"SENTRY_DSN": secrets["SENTRY_DSN"], "METRICS_TOKEN": secrets["METRICS_TOKEN"]}
			srv := start(t, env, "serve")
			base := srv.url()

			owner := client.New(base)
			if _, err := owner.Signup(ctx, client.SignupInput{Email: "owner@example.com", Password: secrets["user password"]}); err != nil {
				t.Fatal(err)
			}
			if _, err := client.New(base).Login(ctx, "owner@example.com", secrets["wrong password"]); client.StatusOf(err) != 401 {
				t.Fatalf("wrong password: %v", err)
			}
			if _, err := owner.Login(ctx, "owner@example.com", secrets["user password"]); err != nil {
				t.Fatal(err)
			}
			form := url.Values{"email": {"owner@example.com"}, "password": {secrets["user password"]}}
			if resp, err := http.PostForm(base+"/signin", form); err != nil {
				t.Fatal(err)
			} else {
				resp.Body.Close()
			}
			ws, err := owner.CreateWorkspace(ctx, client.WorkspaceInput{Name: "Acme"})
			if err != nil {
				t.Fatal(err)
			}
			key, err := owner.CreateAPIKey(ctx, ws.ID, client.APIKeyInput{Name: "ci", Role: "admin"})
			if err != nil {
				t.Fatal(err)
			}
			secrets["API key"] = key.Secret
			bot := client.New(base, client.WithAPIKey(key.Secret))
			for _, title := range []string{"Test Deal - High Value", "Second deal"} {
				v, p := "50000", 20
				if _, err := bot.CreateDeal(ctx, ws.ID, client.DealInput{Title: title, Value: jsonNumber(v), Stage: "negotiation", Probability: &p}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := bot.RunMonitor(ctx, ws.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := client.New(base, client.WithAPIKey(secrets["bogus API key"])).Deals(ctx, ws.ID, client.DealQuery{}); client.StatusOf(err) != 401 {
				t.Fatalf("bogus key: %v", err)
			}
			if _, err := owner.TestSentry(ctx); err != nil {
				t.Fatal(err)
			}
			metricstest.Scrape(t, base+"/metrics", secrets["METRICS_TOKEN"])
			if resp, err := http.Get(base + "/health"); err != nil { // logged at debug level
				t.Fatal(err)
			} else {
				resp.Body.Close()
			}
			if fake.Calls() < 2 {
				t.Fatalf("the monitor made %d Claude calls; the run should have narrated both deals", fake.Calls())
			}
			if code := srv.stop(t); code != 0 {
				t.Fatalf("serve exited %d", code)
			}

			logs := srv.stderr.String()
			if !strings.Contains(logs, "level=DEBUG") || !strings.Contains(logs, "narration failed") {
				t.Fatalf("the run did not log what the test needs (debug lines, the failed narration):\n%s", logs)
			}
			// The echoed key was caught by the redactor, not merely absent.
			if !strings.Contains(logs, "invalid x-api-key: [redacted]") {
				t.Errorf("the failed narration's echoed key was not redacted in place")
			}
			for what, secret := range secrets {
				if strings.Contains(logs, secret) {
					t.Errorf("the %s is in the log", what)
				}
			}
			// Sentry: nothing but the DSN's own key (its envelope header names it).
			raw := ingest.Raw()
			if raw == "" {
				t.Fatal("Sentry received nothing")
			}
			for what, secret := range secrets {
				if what != "SENTRY_DSN" && strings.Contains(raw, secret) {
					t.Errorf("the %s reached Sentry", what)
				}
			}
			// Every access-log line names its request.
			n := 0
			for _, line := range strings.Split(logs, "\n") {
				if strings.Contains(line, "msg=request ") {
					n++
					if !strings.Contains(line, "request_id=") {
						t.Errorf("request line without request_id: %s", line)
					}
				}
			}
			if n < 10 {
				t.Errorf("%d request lines, want one per request", n)
			}
		})
	}
}

func jsonNumber(s string) *json.Number { n := json.Number(s); return &n }
