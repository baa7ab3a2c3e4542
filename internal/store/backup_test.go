package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// padDatabase adds about 4 MB of app_state rows in one statement, so that a
// backup takes long enough for writers to commit while it runs.
func padDatabase(t *testing.T, s *store.Store, at time.Time) {
	t.Helper()
	_, err := s.DB().ExecContext(context.Background(), `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
		INSERT INTO app_state (key, value, updated_at) SELECT 'test.padding.' || i, hex(randomblob(1000)), $1 FROM n`, at.UTC())
	if err != nil {
		t.Fatal(err)
	}
}

func openSQLite(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + path, Now: time.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestBackupWhileWriting takes a backup while goroutines keep creating
// deals, restores it elsewhere, and finds every deal committed before the
// backup began, each with its created event (no torn transaction).
func TestBackupWhileWriting(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		if s.Dialect() == store.Postgres {
			_, err := s.Backup(ctx, filepath.Join(t.TempDir(), "b.db"), false)
			if !errors.Is(err, store.ErrNotSQLite) {
				t.Fatalf("postgres backup: got %v, want ErrNotSQLite", err)
			}
			return
		}
		u, w := fixture(t, s, "backup@example.com")
		padDatabase(t, s, clock.Now())

		var (
			mu        sync.Mutex
			committed []string
			stop      atomic.Bool
			wg        sync.WaitGroup
			writeErr  atomic.Value
		)
		for g := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: fmt.Sprintf("Live deal %d-%d", g, i), Value: money(250_000),
						Stage: "proposal"}, domain.Actor{Kind: domain.ActorUser, ID: u.ID})
					if err != nil {
						writeErr.Store(err)
						return
					}
					mu.Lock()
					committed = append(committed, d.ID)
					mu.Unlock()
				}
			}()
		}
		count := func() int { mu.Lock(); defer mu.Unlock(); return len(committed) }
		for count() < 30 {
			time.Sleep(time.Millisecond)
		}
		mu.Lock()
		before := append([]string(nil), committed...)
		mu.Unlock()

		dest := filepath.Join(t.TempDir(), "backups", "vectoros.db")
		res, err := s.Backup(ctx, dest, false)
		during := count() - len(before)
		stop.Store(true)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if e := writeErr.Load(); e != nil {
			t.Fatalf("a writer failed during the backup: %v", e)
		}
		if during == 0 {
			t.Fatal("no deal was committed while the backup ran: the test did not exercise concurrency")
		}
		t.Logf("backup of %d bytes; %d deals committed before it, %d while it ran", res.Bytes, len(before), during)
		if fi, err := os.Stat(dest); err != nil || fi.Size() != res.Bytes || fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup file: %v %v", fi, err)
		}
		rec, ok, err := s.LastBackup(ctx)
		if err != nil || !ok || rec.Path != res.Path || !rec.TakenAt.Equal(clock.Now()) {
			t.Fatalf("recorded backup: %+v ok=%v err=%v", rec, ok, err)
		}

		target := filepath.Join(t.TempDir(), "restored", "vectoros.db")
		rr, err := store.Restore(ctx, store.RestoreOptions{From: dest, Target: target, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		if rr.Previous != "" || !rr.Schema.OK() {
			t.Fatalf("restore result: %+v", rr)
		}
		r := openSQLite(t, target)
		if _, err := r.CheckSchema(ctx, nil); err != nil {
			t.Fatalf("restored schema: %v", err)
		}
		for _, id := range before {
			if _, err := r.GetDeal(ctx, w.ID, id); err != nil {
				t.Fatalf("deal %s committed before the backup is missing from it: %v", id, err)
			}
		}
		var deals, created int
		if err := r.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM deals`).Scan(&deals); err != nil {
			t.Fatal(err)
		}
		if err := r.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM deal_events WHERE kind = 'created'`).Scan(&created); err != nil {
			t.Fatal(err)
		}
		// Every deal in the copy was committed by a writer, so at most all of them.
		if deals != created || deals < len(before) || deals > len(committed) {
			t.Fatalf("restored %d deals and %d created events; want equal, between %d and %d",
				deals, created, len(before), len(committed))
		}
		if got := tableRows(rr.Tables, "deals"); got != int64(deals) {
			t.Fatalf("restore reported %d deals, found %d", got, deals)
		}
	})
}

func tableRows(tc []store.TableCount, table string) int64 {
	for _, c := range tc {
		if c.Table == table {
			return c.Rows
		}
	}
	return -1
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	ctx := context.Background()
	s := testdb.Open(t, store.SQLite, time.Now)
	dest := filepath.Join(t.TempDir(), "b.db")
	if _, err := s.Backup(ctx, dest, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(ctx, dest, false); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("second backup to the same file: got %v, want a conflict", err)
	}
	if _, err := s.Backup(ctx, dest, true); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if _, err := s.Backup(ctx, s.Path(), true); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("backup onto the live file: got %v", err)
	}
}
