// Package store is VectorOS's one data layer over database/sql, for SQLite
// (modernc.org/sqlite) and PostgreSQL (pgx stdlib) alike. The SQL is shared:
// both drivers take $N placeholders; the few dialect differences live in
// dialect.go. Every tenant query filters by workspace_id.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the database behind a Store.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultSQLitePath is where the database lives when DATABASE_URL is empty.
const DefaultSQLitePath = "./data/vectoros.db"

// SlowQuery is the duration above which a query is logged as a warning.
const SlowQuery = 100 * time.Millisecond

// sqlitePoolSize caps the SQLite pool: one writer at a time anyway, and more
// connections only add lock contention (design §7).
const sqlitePoolSize = 4

// Options configure Open.
type Options struct {
	URL       string           // "", "sqlite:PATH" or "postgres://…"
	DirectURL string           // unpooled PostgreSQL URL for migrations
	Now       func() time.Time // the clock; every stored time comes from it
	Logger    *slog.Logger
}

// Store is the data layer. It is safe for concurrent use.
type Store struct {
	db        *sql.DB
	dialect   Dialect
	dsn       string // driver DSN, reused for River's own handle
	path      string // SQLite file path
	directURL string
	now       func() time.Time
	log       *slog.Logger
	q         runner
	// writeMu serialises this process's SQLite writers (nil on PostgreSQL).
	// SQLite admits one writer at a time anyway; queueing them here, in
	// FIFO-ish Go order, keeps a busy loop of writers from starving another
	// past busy_timeout (its busy handler sleeps up to 100 ms between tries).
	writeMu *sync.Mutex
}

// Open connects to the database named by opts.URL. It does not migrate.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Now == nil {
		return nil, errors.New("store: open: a clock is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{now: opts.Now, log: opts.Logger, directURL: opts.DirectURL}
	var err error
	switch {
	case strings.HasPrefix(opts.URL, "postgres://"), strings.HasPrefix(opts.URL, "postgresql://"):
		s.dialect, s.dsn = Postgres, opts.URL
		s.db, err = sql.Open("pgx", opts.URL)
	default:
		path := strings.TrimPrefix(opts.URL, "sqlite:")
		if path == "" {
			path = DefaultSQLitePath
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("store: open: create database folder: %w", err)
		}
		s.dialect, s.path, s.dsn = SQLite, path, SQLiteDSN(path)
		s.db, err = sql.Open("sqlite", s.dsn)
		if err == nil {
			s.db.SetMaxOpenConns(sqlitePoolSize)
			s.db.SetMaxIdleConns(sqlitePoolSize)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if s.dialect == Postgres {
		s.db.SetMaxOpenConns(20)
		s.db.SetMaxIdleConns(10)
		s.db.SetConnMaxIdleTime(5 * time.Minute)
	}
	if s.dialect == SQLite {
		s.writeMu = &sync.Mutex{}
	}
	s.q = runner{ex: s.db, log: s.log, writeMu: s.writeMu}
	return s, nil
}

// SQLiteDSN is the modernc DSN with the flags VectorOS relies on: WAL for
// concurrent readers, a busy timeout, foreign keys (cascades), SQLite's own
// time format (so date functions and text comparisons work) and IMMEDIATE
// transactions (a read-then-write transaction never fails to upgrade its lock).
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)&_time_format=sqlite&_txlock=immediate"
}

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// DB returns the pool, for the session store and health checks.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns which database this is.
func (s *Store) Dialect() Dialect { return s.dialect }

// DSN returns the driver name and DSN, so River can open its own handle.
func (s *Store) DSN() (driver, dsn string) {
	if s.dialect == Postgres {
		return "pgx", s.dsn
	}
	return "sqlite", s.dsn
}

// Path returns the SQLite file path ("" on PostgreSQL).
func (s *Store) Path() string { return s.path }

// Now returns the store's clock reading, in UTC at microsecond precision
// (PostgreSQL's), so what is written is exactly what is read back.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(q runner) error) error {
	if s.writeMu != nil {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	if err := fn(runner{ex: tx, log: s.log}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// executor is what *sql.DB and *sql.Tx have in common.
type executor interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// runner runs queries on a pool or a transaction and logs slow ones, so no
// query escapes the 100 ms warning.
type runner struct {
	ex  executor
	log *slog.Logger
	// writeMu is the store's SQLite writer lock, set only on the pool's
	// runner: a transaction's runner already holds it.
	writeMu *sync.Mutex
}

func (r runner) slow(ctx context.Context, start time.Time, query string) {
	if d := time.Since(start); d > SlowQuery {
		r.log.LogAttrs(ctx, slog.LevelWarn, "slow query", slog.Duration("duration", d), slog.String("query", squash(query)))
	}
}

func (r runner) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if r.writeMu != nil {
		r.writeMu.Lock()
		defer r.writeMu.Unlock()
	}
	defer r.slow(ctx, time.Now(), query)
	res, err := r.ex.ExecContext(ctx, query, args...)
	return res, mapErr(err)
}

func (r runner) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	defer r.slow(ctx, time.Now(), query)
	rows, err := r.ex.QueryContext(ctx, query, args...)
	return rows, mapErr(err)
}

func (r runner) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	defer r.slow(ctx, time.Now(), query)
	return r.ex.QueryRowContext(ctx, query, args...)
}

// execOne runs a statement that must change exactly one row; zero rows
// means the target does not exist (in this workspace).
func (r runner) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := r.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

func squash(q string) string { return strings.Join(strings.Fields(q), " ") }
