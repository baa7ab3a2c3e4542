package store

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests are internal (the runner is unexported) and so cannot use
// testdb, which imports this package; they need no schema anyway.

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// records returns the JSON log records written so far.
func (l *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// TestSlowQueryWarns runs a query slower than SlowQuery through the store's
// runner on each database (a recursive CTE on SQLite, pg_sleep on
// PostgreSQL) and a fast one, and checks exactly the slow one logs a WARN
// with its duration and SQL text but never its arguments.
func TestSlowQueryWarns(t *testing.T) {
	const secretArg = "argument-that-must-not-be-logged"
	cases := []struct {
		name, url, slow string
	}{
		{"sqlite", "sqlite:" + filepath.Join(t.TempDir(), "slow.db"),
			// Counting to 3 million takes well over 100 ms on any machine
			// this runs on (about 1 s on the 2-core development box).
			`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)
			 SELECT COUNT(*) FROM c WHERE $1 <> ''`},
	}
	if pg := os.Getenv("VECTOROS_TEST_POSTGRES_URL"); pg != "" {
		cases = append(cases, struct{ name, url, slow string }{"postgres", pg,
			`SELECT COUNT(*) FROM (SELECT pg_sleep(0.15)) s WHERE $1::text <> ''`})
	} else if os.Getenv("VECTOROS_TEST_REQUIRE_POSTGRES") == "1" {
		t.Fatal("VECTOROS_TEST_REQUIRE_POSTGRES=1 but VECTOROS_TEST_POSTGRES_URL is not set")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var logs logBuffer
			s, err := Open(ctx, Options{URL: tc.url, Now: time.Now,
				Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()

			var one int
			if err := s.q.queryRow(ctx, `SELECT 1 WHERE $1 <> ''`, secretArg).Scan(&one); err != nil {
				t.Fatal(err)
			}
			if recs := logs.records(t); len(recs) != 0 {
				t.Fatalf("a fast query logged: %v", recs)
			}

			start := time.Now()
			var n int
			if err := s.q.queryRow(ctx, tc.slow, secretArg).Scan(&n); err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			if took <= SlowQuery {
				t.Fatalf("the slow query took only %s; make it slower", took)
			}
			recs := logs.records(t)
			if len(recs) != 1 {
				t.Fatalf("want one record for the slow query, got %v", recs)
			}
			r := recs[0]
			if r["level"] != "WARN" || r["msg"] != "slow query" {
				t.Fatalf("record %v, want a WARN \"slow query\"", r)
			}
			if d, _ := r["duration"].(float64); time.Duration(d) <= SlowQuery || time.Duration(d) > took {
				t.Errorf("logged duration %v, want above %s and at most %s", time.Duration(d), SlowQuery, took)
			}
			if q, _ := r["query"].(string); !strings.HasPrefix(q, strings.Fields(tc.slow)[0]+" ") || strings.Contains(q, "\n") {
				t.Errorf("logged query %q, want the SQL on one line", q)
			}
			if b, _ := json.Marshal(r); bytes.Contains(b, []byte(secretArg)) {
				t.Errorf("the query's argument was logged: %s", b)
			}

			// Through a transaction too: the runner there is the same.
			logs.mu.Lock()
			logs.b.Reset()
			logs.mu.Unlock()
			if err := s.inTx(ctx, func(q runner) error { return q.queryRow(ctx, tc.slow, secretArg).Scan(&n) }); err != nil {
				t.Fatal(err)
			}
			if recs := logs.records(t); len(recs) != 1 || recs[0]["msg"] != "slow query" {
				t.Fatalf("in a transaction: %v", recs)
			}
		})
	}
}
