package preflight_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/preflight"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./internal/preflight -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// schemaFree hides the numbers that change whenever a migration is added,
// so the golden files change only when the report does.
func schemaFree(b []byte) []byte {
	b = schemaRE.ReplaceAll(b, []byte("schema version V, job queue version R"))
	return indexesRE.ReplaceAll(b, []byte("all N indexes"))
}

var (
	schemaRE  = regexp.MustCompile(`schema version \d+, job queue version \d+`)
	indexesRE = regexp.MustCompile(`all \d+ indexes`)
)

// withoutDotenv drops the git check, whose answer depends on the machine.
func withoutDotenv() []preflight.Check {
	var out []preflight.Check
	for _, c := range preflight.Checks() {
		if c.ID != "dotenv" {
			out = append(out, c)
		}
	}
	return out
}

// TestReportGolden renders real runs on SQLite: a production configuration
// with the checklist's classic mistakes, and one whose database is gone.
func TestReportGolden(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	s := testdb.Open(t, store.SQLite, func() time.Time { return now })
	in := healthy(t, s, now)
	in.Now = now.Add(3 * time.Hour) // the monitor stopped two and a half hours ago
	in.Settings.DatabaseLabel = "sqlite /srv/vectoros/data/vectoros.db"
	in.Settings.CORSOrigins = []string{"*"}
	in.Settings.Values["ANTHROPIC_API_KEY"] = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
	in.Settings.SentryDSN = ""
	delete(in.Settings.Values, "SENTRY_DSN")
	in.Settings.Problems = []string{`LOG_LEVEL must be debug, info, warn or error, got "verbose"`,
		"CORS_ORIGINS must not be * in production: list the front-end origins"}

	down := preflight.Input{Now: now, Version: "test", Settings: goodSettings(),
		StoreErr: errors.New("no SQLite database at /srv/vectoros/data/vectoros.db: run `vectoros migrate` (serve also creates it) or fix DATABASE_URL")}
	down.Settings.DatabaseLabel = "sqlite /srv/vectoros/data/vectoros.db"

	for name, input := range map[string]preflight.Input{"mistakes": in, "database-down": down} {
		rep := preflight.Run(context.Background(), input, withoutDotenv())
		var text, js bytes.Buffer
		if err := preflight.WriteText(&text, rep); err != nil {
			t.Fatal(err)
		}
		if err := preflight.WriteJSON(&js, rep); err != nil {
			t.Fatal(err)
		}
		golden(t, name+".txt.golden", schemaFree(text.Bytes()))
		golden(t, name+".json.golden", schemaFree(js.Bytes()))
	}
}
