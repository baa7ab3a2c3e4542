package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/preflight"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// productionVars is a production configuration preflight passes (with
// warnings for the optional LLM and Sentry).
func productionVars(url string) map[string]string {
	return map[string]string{"APP_ENV": "production", "DATABASE_URL": url, "PUBLIC_URL": "https://vectoros.acme.test"}
}

func TestPreflightCommand(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			url := testdb.URL(t, kind)
			vars := productionVars(url)
			if kind == store.SQLite {
				if code, _, stderr := opsRun(t, vars, now.Add(-2*time.Hour), "backup", "--out", filepath.Join(t.TempDir(), "b.db")); code != 0 {
					t.Fatalf("backup: %s", stderr)
				}
			}
			code, stdout, stderr := opsRun(t, vars, now, "preflight")
			if code != 0 {
				t.Fatalf("a ready configuration exited %d:\n%s%s", code, stdout, stderr)
			}
			for _, want := range []string{"PASS  production", "PASS  schema", "PASS  indexes", "WARN  llm", "WARN  monitor", "0 failed"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, stdout)
				}
			}

			// The checklist's classic mistakes: FAIL lines and exit 1, not a start-up error.
			bad := productionVars(url)
			bad["CORS_ORIGINS"] = "*"
			bad["ANTHROPIC_API_KEY"] = "sk_test_abc123def456"
			bad["RATE_LIMIT_MAX"] = "0"
			code, stdout, stderr = opsRun(t, bad, now, "preflight")
			if code != 1 || strings.Contains(stderr, "configuration is invalid") {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, want := range []string{"FAIL  cors", "FAIL  secrets", "FAIL  rate_limit", "PASS  database"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, stdout)
				}
			}
			if strings.Contains(stdout, "abc123def456") {
				t.Error("the report prints the secret")
			}

			code, stdout, _ = opsRun(t, bad, now, "preflight", "--json")
			var rep preflight.Report
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != 1 || rep.Ready || rep.Summary.Fail != 3 {
				t.Fatalf("--json: exit %d, %+v, %v\n%s", code, rep.Summary, err, stdout)
			}
		})
	}
}

func TestPreflightWithoutDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "vectoros.db")
	code, stdout, _ := opsRun(t, productionVars("sqlite:"+path), time.Now(), "preflight")
	if code != 1 || !strings.Contains(stdout, "FAIL  database    no SQLite database at "+path) || !strings.Contains(stdout, "SKIP  schema") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
	if _, err := os.Stat(filepath.Dir(path)); err == nil {
		t.Fatal("preflight created the database folder")
	}
	vars := productionVars("mysql://nope")
	code, stdout, _ = opsRun(t, vars, time.Now(), "preflight")
	if code != 1 || !strings.Contains(stdout, "FAIL  database    DATABASE_URL must be") {
		t.Fatalf("invalid DATABASE_URL: exit %d:\n%s", code, stdout)
	}
}
