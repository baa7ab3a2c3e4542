package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// backupFixture returns a backup file of a database holding one workspace,
// and the path of a separate live database (closed) to restore onto.
func backupFixture(t *testing.T) (backup, live string, wsID string) {
	t.Helper()
	ctx := context.Background()
	src := testdb.Open(t, store.SQLite, time.Now)
	_, w := fixture(t, src, "restore@example.com")
	backup = filepath.Join(t.TempDir(), "backup.db")
	if _, err := src.Backup(ctx, backup, false); err != nil {
		t.Fatal(err)
	}
	live = strings.TrimPrefix(testdb.URL(t, store.SQLite), "sqlite:")
	return backup, live, w.ID
}

// TestHoldSQLiteOpenHelper is not a test: TestRestoreRefusesOpenDatabase
// runs the test binary again with it to get another process that keeps a
// database open, as a running server does.
func TestHoldSQLiteOpenHelper(t *testing.T) {
	path := os.Getenv("VECTOROS_TEST_HOLD_SQLITE")
	if path == "" {
		t.Skip("helper process for TestRestoreRefusesOpenDatabase")
	}
	s := openSQLite(t, path)
	if err := s.SetAppState(context.Background(), "held", "yes"); err != nil {
		t.Fatal(err)
	}
	fmt.Println("READY")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
}

func TestRestoreRefusesOpenDatabase(t *testing.T) {
	ctx := context.Background()
	backup, live, wsID := backupFixture(t)

	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldSQLiteOpenHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "VECTOROS_TEST_HOLD_SQLITE="+live)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || strings.TrimSpace(line) != "READY" {
		t.Fatalf("helper did not start: %q %v", line, err)
	}

	if pid, err := store.SQLiteInUse(live); err != nil || pid != cmd.Process.Pid {
		t.Fatalf("in use: got pid %d (%v), want %d", pid, err, cmd.Process.Pid)
	}
	_, err := store.Restore(ctx, store.RestoreOptions{From: backup, Target: live, Now: time.Now})
	if !domain.IsKind(err, domain.KindConflict) || !strings.Contains(err.Error(), fmt.Sprint(cmd.Process.Pid)) {
		t.Fatalf("restore onto an open database: got %v, want a conflict naming the process", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Fatalf("the refused restore touched the database: %v", err)
	}

	res, err := store.Restore(ctx, store.RestoreOptions{From: backup, Target: live, Force: true, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	if res.InUseBy != cmd.Process.Pid || res.Previous == "" {
		t.Fatalf("forced restore: %+v", res)
	}
	if _, err := os.Stat(res.Previous); err != nil {
		t.Fatalf("previous database not kept: %v", err)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	if pid, err := store.SQLiteInUse(live); err != nil || pid != 0 {
		t.Fatalf("after the helper exited: pid %d, %v", pid, err)
	}
	r := openSQLite(t, live)
	if _, err := r.GetWorkspace(ctx, wsID); err != nil {
		t.Fatalf("restored database lacks the backup's workspace: %v", err)
	}
	if _, err := r.GetAppState(ctx, "held"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("restored database still has the replaced one's data: %v", err)
	}
	old := openSQLite(t, res.Previous)
	if st, err := old.GetAppState(ctx, "held"); err != nil || st.Value != "yes" {
		t.Fatalf("the database set aside lost its data: %+v %v", st, err)
	}
}

func TestRestoreChecksTheBackup(t *testing.T) {
	ctx := context.Background()
	backup, _, _ := backupFixture(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	damaged := append([]byte(nil), good...)
	for i := 4096 * 2; i < 4096*6 && i < len(damaged); i++ {
		damaged[i] = byte(i * 7)
	}
	// A plain SQLite file without VectorOS's migrations.
	foreign := filepath.Join(dir, "foreign.db")
	fs := openSQLite(t, foreign)
	if _, err := fs.DB().ExecContext(ctx, `CREATE TABLE notes (body TEXT)`); err != nil {
		t.Fatal(err)
	}
	fs.Close()
	// A backup from a future binary whose migration is breaking.
	future := write("future.db", good)
	fut := openSQLite(t, future)
	if _, err := fut.DB().ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)`); err != nil {
		t.Fatal(err)
	}
	if _, err := fut.DB().ExecContext(ctx, `INSERT INTO schema_compat (version, breaking) VALUES (999, true)`); err != nil {
		t.Fatal(err)
	}
	fut.Close()

	cases := []struct {
		name, from, want string
	}{
		{"not sqlite", write("notes.txt", []byte("hello, this is not a database at all")), "not a SQLite database"},
		{"damaged", write("damaged.db", damaged), "damaged"},
		{"not vectoros", foreign, "not a VectorOS database"},
		{"breaking newer schema", future, "cannot be used by this binary"},
		{"missing", filepath.Join(dir, "absent.db"), "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "live.db")
			if err := os.WriteFile(target, good, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := store.Restore(ctx, store.RestoreOptions{From: c.from, Target: target, Now: time.Now})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if b, _ := os.ReadFile(target); string(b) != string(good) {
				t.Fatal("a refused restore changed the target")
			}
			if m, _ := filepath.Glob(filepath.Join(filepath.Dir(target), "*.restore-*")); len(m) != 0 {
				t.Fatalf("left temporary files: %v", m)
			}
		})
	}
}
