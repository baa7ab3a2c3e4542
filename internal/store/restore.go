package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// RestoreOptions configure Restore.
type RestoreOptions struct {
	From   string // the backup file
	Target string // the SQLite database path to replace
	// Force replaces the database even while another process has it open.
	// That process keeps writing to the file set aside until it restarts.
	Force bool
	Now   func() time.Time
}

// RestoreResult describes a finished restore.
type RestoreResult struct {
	Target   string // absolute
	Previous string // where the replaced database was moved ("" if there was none)
	Schema   SchemaStatus
	Tables   []TableCount
	// InUseBy is the process that had the target open when Force was used.
	InUseBy int
}

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Restore replaces the SQLite database at Target with the backup From. The
// backup is copied beside the target first and the copy is checked (full
// integrity_check, a VectorOS schema this binary can run on) before
// anything is replaced; the previous database (with its -wal and -shm) is
// renamed aside, never deleted. It refuses while another process has the
// target open, unless Force.
func Restore(ctx context.Context, o RestoreOptions) (RestoreResult, error) {
	var res RestoreResult
	if o.Now == nil {
		return res, errors.New("store: restore: a clock is required")
	}
	from, err := filepath.Abs(o.From)
	if err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	if res.Target, err = filepath.Abs(o.Target); err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	if err := checkMagic(from); err != nil {
		return res, err
	}
	if a, errA := os.Stat(from); errA == nil {
		if b, errB := os.Stat(res.Target); errB == nil && os.SameFile(a, b) {
			return res, domain.Errorf(domain.KindInvalid, "%s is the live database itself", from)
		}
	}
	if res.InUseBy, err = refuseInUse(res.Target, o.Force); err != nil {
		return res, err
	}

	if err := os.MkdirAll(filepath.Dir(res.Target), 0o750); err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	tmp := res.Target + ".restore-" + randSuffix()
	defer removeSQLiteFiles(tmp) // no-op once renamed
	if err := copyFile(from, tmp); err != nil {
		return res, fmt.Errorf("store: restore: copy the backup: %w", err)
	}
	if res.Tables, err = checkSQLiteFile(ctx, tmp, "integrity_check"); err != nil {
		return res, domain.Errorf(domain.KindInvalid, "%s is damaged, nothing was replaced: %v", from, err)
	}
	if res.Schema, err = checkBackupSchema(ctx, tmp, o.Now); err != nil {
		return res, err
	}

	// The check may have taken a while: look again right before the swap.
	if res.InUseBy, err = refuseInUse(res.Target, o.Force); err != nil {
		return res, err
	}
	if _, err := os.Stat(res.Target); err == nil {
		res.Previous = res.Target + ".before-restore-" + o.Now().UTC().Format("20060102T150405Z")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			err := os.Rename(res.Target+suffix, res.Previous+suffix)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return res, fmt.Errorf("store: restore: set the previous database aside: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, res.Target); err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	if err := syncDir(filepath.Dir(res.Target)); err != nil {
		return res, fmt.Errorf("store: restore: %w", err)
	}
	return res, nil
}

func checkMagic(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteMagic) {
		return domain.Errorf(domain.KindInvalid, "%s is not a SQLite database file", path)
	}
	return nil
}

// checkBackupSchema opens the checked copy as a store and compares its
// schema with this binary's. An older schema is fine (serve and migrate
// bring it forward); a newer one only if CheckSchema allows it.
func checkBackupSchema(ctx context.Context, path string, now func() time.Time) (SchemaStatus, error) {
	s, err := Open(ctx, Options{URL: "sqlite:" + path, Now: now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("store: restore: %w", err)
	}
	defer s.Close()
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&n); err != nil {
		return SchemaStatus{}, fmt.Errorf("store: restore: %w", err)
	}
	if n == 0 {
		return SchemaStatus{}, domain.Errorf(domain.KindInvalid, "the backup is a SQLite file but not a VectorOS database (no migration history)")
	}
	st, err := s.CheckSchema(ctx, nil)
	if err != nil && !errors.Is(err, ErrSchemaOutdated) {
		return st, domain.Errorf(domain.KindInvalid, "the backup's schema cannot be used by this binary: %v", err)
	}
	// Leave a single self-contained file: fold the WAL back in.
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return st, fmt.Errorf("store: restore: checkpoint: %w", err)
	}
	return st, nil
}

func refuseInUse(target string, force bool) (int, error) {
	pid, err := SQLiteInUse(target)
	if err != nil {
		return 0, fmt.Errorf("store: restore: %w", err)
	}
	if pid != 0 && !force {
		return pid, domain.Errorf(domain.KindConflict, "the database %s is open in process %d (a running vectoros?): "+
			"stop it first, or pass --force and restart every process that uses the database right after", target, pid)
	}
	return pid, nil
}

// Lock offsets of SQLite's unix VFS (os_unix.c): every connection to a WAL
// database holds a shared lock on the DMS byte of the -shm file for as
// long as it is open, and transactions lock bytes of the database file
// from PENDING_BYTE on.
const (
	shmDMSOffset     = 128
	pendingByte      = 0x40000000
	sharedLockBytes  = 2 + 510 // RESERVED, then the SHARED range
	lockProbeWhence  = 0       // io.SeekStart
	lockProbeDMSSize = 1
)

// SQLiteInUse returns the id of another process that has the SQLite
// database at path open (0 when none), by asking the kernel who holds
// SQLite's own POSIX locks. Locks held by this process are not seen.
func SQLiteInUse(path string) (int, error) {
	if pid, err := lockHolder(path+"-shm", shmDMSOffset, lockProbeDMSSize); pid != 0 || err != nil {
		return pid, err
	}
	return lockHolder(path, pendingByte, sharedLockBytes)
}

func lockHolder(path string, start, length int64) (int, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("check whether %s is in use: %w", path, err)
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: lockProbeWhence, Start: start, Len: length}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return 0, fmt.Errorf("check whether %s is in use: %w", path, err)
	}
	if lk.Type == syscall.F_UNLCK {
		return 0, nil
	}
	return int(lk.Pid), nil
}
