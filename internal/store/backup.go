package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// ErrNotSQLite is returned by Backup and Restore on PostgreSQL, whose
// backups belong to pg_dump or the provider's point-in-time restore.
var ErrNotSQLite = &domain.Error{Kind: domain.KindInvalid, Message: "backup and restore work on the SQLite database only; " +
	"back PostgreSQL up with pg_dump/pg_restore or your provider's point-in-time restore (Neon: restore a branch), " +
	"as docs/operations.md explains"}

// TableCount is the number of rows in one table.
type TableCount struct {
	Table string
	Rows  int64
}

// BackupResult describes a finished backup.
type BackupResult struct {
	Path    string // absolute
	Bytes   int64
	TakenAt time.Time // when the snapshot began: every transaction committed before it is in the file
	Tables  []TableCount
}

// Backup writes a consistent copy of the live SQLite database to dest while
// other connections keep writing. VACUUM INTO reads inside one read
// transaction, so the copy is exactly the database as of its start; WAL
// mode lets writers continue meanwhile. The copy is checked (quick_check),
// renamed into place only when complete, and recorded in app_state.
func (s *Store) Backup(ctx context.Context, dest string, overwrite bool) (BackupResult, error) {
	var res BackupResult
	if s.dialect != SQLite {
		return res, ErrNotSQLite
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return res, fmt.Errorf("store: backup: %w", err)
	}
	res.Path = abs
	if live, err := filepath.Abs(s.path); err == nil && live == abs {
		return res, domain.Errorf(domain.KindInvalid, "the backup file %s is the live database itself: choose another path", abs)
	}
	if _, err := os.Stat(abs); err == nil && !overwrite {
		return res, domain.Errorf(domain.KindConflict, "%s already exists: choose a new name (e.g. with the date) or pass --force to replace it", abs)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return res, fmt.Errorf("store: backup: create folder: %w", err)
	}
	tmp := abs + ".partial-" + randSuffix()
	defer removeSQLiteFiles(tmp) // no-op once renamed

	res.TakenAt = s.Now()
	// Not through the runner: a backup is expected to take longer than the
	// slow-query threshold, and a WARN per backup would be noise.
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
		return res, fmt.Errorf("store: backup: vacuum into: %w", mapErr(err))
	}
	// The copy holds password hashes: readable by the owner only.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return res, fmt.Errorf("store: backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return res, fmt.Errorf("store: backup: %w", err)
	}
	if res.Tables, err = checkSQLiteFile(ctx, tmp, "quick_check"); err != nil {
		return res, fmt.Errorf("store: backup: the copy failed its check: %w", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return res, fmt.Errorf("store: backup: %w", err)
	}
	if err := syncDir(filepath.Dir(abs)); err != nil {
		return res, fmt.Errorf("store: backup: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return res, fmt.Errorf("store: backup: %w", err)
	}
	res.Bytes = fi.Size()
	if err := s.RecordBackup(ctx, BackupRecord{Path: abs, Bytes: res.Bytes, TakenAt: res.TakenAt}); err != nil {
		return res, err
	}
	return res, nil
}

// checkSQLiteFile opens a standalone SQLite file that no one else uses (a
// fresh copy), runs the integrity pragma (integrity_check or quick_check)
// and counts the rows of every table.
func checkSQLiteFile(ctx context.Context, path, pragma string) ([]TableCount, error) {
	// No WAL pragma: the copy keeps its own journal mode and is left with no
	// -wal or -shm beside it.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_time_format=sqlite")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := integrityCheck(ctx, db, pragma); err != nil {
		return nil, err
	}
	return tableCounts(ctx, db)
}

func integrityCheck(ctx context.Context, db *sql.DB, pragma string) error {
	rows, err := db.QueryContext(ctx, "PRAGMA "+pragma)
	if err != nil {
		return fmt.Errorf("%s: %w", pragma, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("%s: %w", pragma, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", pragma, err)
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], fmt.Sprintf("… and %d more", len(problems)-5))
		}
		return fmt.Errorf("%s found: %s", pragma, strings.Join(problems, "; "))
	}
	return nil
}

func tableCounts(ctx context.Context, db *sql.DB) ([]TableCount, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]TableCount, 0, len(names))
	for _, n := range names {
		var c int64
		// Names come from sqlite_master of the file itself; quoting keeps odd ones harmless.
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+strings.ReplaceAll(n, `"`, `""`)+`"`).Scan(&c); err != nil {
			return nil, fmt.Errorf("count %s: %w", n, err)
		}
		out = append(out, TableCount{Table: n, Rows: c})
	}
	return out, nil
}

// TableCounts counts the rows of every table of a SQLite store.
func (s *Store) TableCounts(ctx context.Context) ([]TableCount, error) {
	if s.dialect != SQLite {
		return nil, ErrNotSQLite
	}
	out, err := tableCounts(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("store: table counts: %w", err)
	}
	return out, nil
}

func randSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// removeSQLiteFiles removes a database file and its journal companions.
func removeSQLiteFiles(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix)
	}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// copyFile copies src to dst (created, must not exist) and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
