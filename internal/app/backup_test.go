package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// opsRun runs the command line with the given environment variables and
// returns the exit code, stdout and stderr.
func opsRun(t *testing.T, vars map[string]string, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Getenv: func(k string) string { return vars[k] }, Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }}
	code := Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func TestBackupAndRestoreCommands(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	url := testdb.URL(t, store.SQLite)
	s, err := store.Open(ctx, store.Options{URL: url, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, "ops@example.com", "Ops", "hash")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "Ops"}, u.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()

	out := filepath.Join(t.TempDir(), "vectoros-backup.db")
	code, stdout, stderr := opsRun(t, map[string]string{"DATABASE_URL": url}, now, "backup", "--out", out)
	if code != 0 {
		t.Fatalf("backup exited %d: %s", code, stderr)
	}
	for _, want := range []string{"Backed up", out, "as of     2026-11-27T10:00:00Z", "quick_check ok", "         1  users", "         6  stages"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("backup output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := opsRun(t, map[string]string{"DATABASE_URL": url}, now, "backup", "--out", out); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("second backup to the same file: exit %d, %s", code, stderr)
	}

	// Restore onto another (fresh) database: it then holds the user.
	other := testdb.URL(t, store.SQLite)
	code, stdout, stderr = opsRun(t, map[string]string{"DATABASE_URL": other}, now, "restore", "--from", out)
	if code != 0 {
		t.Fatalf("restore exited %d: %s", code, stderr)
	}
	for _, want := range []string{"Restored", "integrity_check ok", "previous  kept at", ".before-restore-20261127T100000Z", "         1  users"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("restore output lacks %q:\n%s", want, stdout)
		}
	}
	r, err := store.Open(ctx, store.Options{URL: other, Now: time.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.GetUserByEmail(ctx, "ops@example.com"); err != nil {
		t.Fatalf("restored database: %v", err)
	}
}

func TestBackupCommandsExplainPostgres(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": "postgres://vectoros@db.example.com/vectoros"}
	for _, args := range [][]string{{"backup", "--out", "x.db"}, {"restore", "--from", "x.db"}} {
		code, _, stderr := opsRun(t, vars, time.Now(), args...)
		if code != 1 || !strings.Contains(stderr, "pg_dump") || !strings.Contains(stderr, "docs/operations.md") {
			t.Errorf("%s on PostgreSQL: exit %d, stderr %q", args[0], code, stderr)
		}
	}
	if _, err := os.Stat("x.db"); err == nil {
		t.Error("a file was written")
	}
}
