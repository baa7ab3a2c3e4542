package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations
var migrationsFS embed.FS

// migrationLockKey is the PostgreSQL advisory lock that serialises
// migrations across replicas starting together.
const migrationLockKey = 7_415_062_201

// ErrSchemaOutdated means the database needs `vectoros migrate`.
var ErrSchemaOutdated = errors.New("the database schema is older than this binary needs: run `vectoros migrate`")

// SchemaStatus describes the database schema relative to this binary.
type SchemaStatus struct {
	Current       int64 // applied goose version
	Required      int64 // newest migration this binary embeds
	RiverCurrent  int   // applied River version
	RiverRequired int   // newest River migration
	Pending       []string
}

// Newer reports whether the database was migrated by a newer binary.
func (s SchemaStatus) Newer() bool { return s.Current > s.Required }

// OK reports whether this binary can run on the schema.
func (s SchemaStatus) OK() bool { return s.Current >= s.Required && s.RiverCurrent >= s.RiverRequired }

// Migrations returns the embedded migration files of a dialect.
func Migrations(d Dialect) (fs.FS, error) {
	sub, err := fs.Sub(migrationsFS, "migrations/"+string(d))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return sub, nil
}

func (s *Store) gooseProvider(db *sql.DB) (*goose.Provider, error) {
	fsys, err := Migrations(s.dialect)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db, fsys)
	if err != nil {
		return nil, fmt.Errorf("store: goose: %w", err)
	}
	return p, nil
}

func (s *Store) riverMigrator(db *sql.DB) (*rivermigrate.Migrator[*sql.Tx], error) {
	if s.dialect == Postgres {
		return rivermigrate.New(riverdatabasesql.New(db), nil)
	}
	return rivermigrate.New(riversqlite.New(db), nil)
}

// Migrate applies VectorOS's migrations, then River's, holding a lock so
// concurrent starts do not race. A database migrated by a newer binary is
// left alone: Status/CheckSchema decide whether this binary may run on it.
func (s *Store) Migrate(ctx context.Context) error {
	db := s.db
	if s.dialect == Postgres && s.directURL != "" {
		direct, err := sql.Open("pgx", s.directURL)
		if err != nil {
			return fmt.Errorf("store: migrate: open direct URL: %w", err)
		}
		defer direct.Close()
		db = direct
	}
	unlock, err := s.lockMigrations(ctx, db)
	if err != nil {
		return err
	}
	defer unlock()

	p, err := s.gooseProvider(db)
	if err != nil {
		return err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: versions: %w", err)
	}
	if current <= target {
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
	}
	m, err := s.riverMigrator(db)
	if err != nil {
		return fmt.Errorf("store: migrate: river: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("store: migrate: river: %w", err)
	}
	return nil
}

func (s *Store) lockMigrations(ctx context.Context, db *sql.DB) (func(), error) {
	if s.dialect == Postgres {
		conn, err := db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: migrate: lock: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			conn.Close()
			return nil, fmt.Errorf("store: migrate: lock: %w", err)
		}
		return func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey)
			conn.Close()
		}, nil
	}
	// SQLite: an exclusive lock on a file beside the database keeps two
	// processes from migrating the same file at once.
	f, err := os.OpenFile(s.path+".migrate-lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: migrate: lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Status reports the applied and required schema versions of both
// migration sets.
func (s *Store) Status(ctx context.Context) (SchemaStatus, error) {
	var st SchemaStatus
	p, err := s.gooseProvider(s.db)
	if err != nil {
		return st, err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return st, fmt.Errorf("store: schema status: %w", err)
	}
	st.Current, st.Required = current, target
	if current < target {
		statuses, err := p.Status(ctx)
		if err == nil {
			for _, ms := range statuses {
				if ms.State == goose.StatePending {
					st.Pending = append(st.Pending, ms.Source.Path)
				}
			}
		}
	}
	m, err := s.riverMigrator(s.db)
	if err != nil {
		return st, fmt.Errorf("store: schema status: river: %w", err)
	}
	all := m.AllVersions()
	if len(all) > 0 {
		st.RiverRequired = all[len(all)-1].Version
	}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		// No River table yet: nothing applied.
		existing = nil
	}
	for _, v := range existing {
		st.RiverCurrent = max(st.RiverCurrent, v.Version)
	}
	return st, nil
}

// CheckSchema returns nil when this binary can run on the database. A
// schema migrated by a newer binary is accepted (with warn) unless one of
// the newer migrations marked itself breaking in schema_compat.
func (s *Store) CheckSchema(ctx context.Context, warn func(msg string, args ...any)) (SchemaStatus, error) {
	st, err := s.Status(ctx)
	if err != nil {
		return st, err
	}
	if !st.OK() {
		return st, fmt.Errorf("store: schema at version %d (River %d), this binary needs %d (River %d): %w",
			st.Current, st.RiverCurrent, st.Required, st.RiverRequired, ErrSchemaOutdated)
	}
	if st.Newer() {
		var breaking sql.NullInt64
		err := s.q.queryRow(ctx, "SELECT MIN(version) FROM schema_compat WHERE breaking AND version > $1", st.Required).Scan(&breaking)
		if err != nil {
			return st, fmt.Errorf("store: schema compat: %w", err)
		}
		if breaking.Valid {
			return st, fmt.Errorf("store: schema version %d is a breaking change this binary (version %d) cannot run on: deploy a newer binary", breaking.Int64, st.Required)
		}
		if warn != nil {
			warn("database schema is newer than this binary; running under expand/contract compatibility",
				"schema_version", st.Current, "binary_schema_version", st.Required)
		}
	}
	return st, nil
}
