// Package testdb gives tests real databases: a temp SQLite file always, and
// a fresh PostgreSQL database cloned from a migrated template when
// VECTOROS_TEST_POSTGRES_URL names an admin URL. With
// VECTOROS_TEST_REQUIRE_POSTGRES=1 a missing PostgreSQL fails the test
// instead of skipping it (CI sets both).
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/store"
)

// Clock is a settable test clock; the zero value starts at a fixed instant.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the current test time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		c.t = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	}
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.Now()
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Kinds returns the database kinds tests should run on: always "sqlite",
// plus "postgres" when configured.
func Kinds(t testing.TB) []store.Dialect {
	kinds := []store.Dialect{store.SQLite}
	if os.Getenv("VECTOROS_TEST_POSTGRES_URL") != "" {
		kinds = append(kinds, store.Postgres)
	} else if os.Getenv("VECTOROS_TEST_REQUIRE_POSTGRES") == "1" {
		t.Fatal("VECTOROS_TEST_REQUIRE_POSTGRES=1 but VECTOROS_TEST_POSTGRES_URL is not set")
	}
	return kinds
}

// Each runs fn as a subtest on every configured database kind, each with a
// fresh migrated database and its own clock.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store, clock *Clock)) {
	t.Helper()
	for _, kind := range Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			clock := NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
			fn(t, Open(t, kind, clock.Now), clock)
		})
	}
}

// URL returns a DATABASE_URL for a fresh migrated database of the kind,
// dropped when the test ends.
func URL(t testing.TB, kind store.Dialect) string {
	t.Helper()
	if kind == store.SQLite {
		path := filepath.Join(t.TempDir(), "vectoros.db")
		s, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + path, Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("migrate sqlite: %v", err)
		}
		return "sqlite:" + path
	}
	return postgresDB(t)
}

// Open returns a store on a fresh migrated database of the kind.
func Open(t testing.TB, kind store.Dialect, now func() time.Time) *store.Store {
	t.Helper()
	u := URL(t, kind)
	s, err := store.Open(context.Background(), store.Options{URL: u, Now: now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var (
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
)

// postgresDB clones the migrated template into a new database for one test.
func postgresDB(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("VECTOROS_TEST_POSTGRES_URL")
	if admin == "" {
		t.Skip("VECTOROS_TEST_POSTGRES_URL not set")
	}
	ctx := context.Background()
	tmplOnce.Do(func() { tmplName, tmplErr = ensureTemplate(ctx, admin) })
	if tmplErr != nil {
		t.Fatalf("postgres template: %v", tmplErr)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := "vt_" + randHex(8)
	var createErr error
	for range 20 { // another package may be cloning the template this instant
		if _, createErr = db.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tmplName)); createErr == nil ||
			!strings.Contains(createErr.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if createErr != nil {
		t.Fatalf("create test database: %v", createErr)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return withDatabase(admin, name)
}

// ensureTemplate creates (once per schema version, shared by every test
// package) a migrated database to clone.
func ensureTemplate(ctx context.Context, admin string) (string, error) {
	name := "vt_tmpl_" + migrationsHash()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(4242)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(4242)`)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	_, _ = conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, building))
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, building)); err != nil {
		return "", err
	}
	s, err := store.Open(ctx, store.Options{URL: withDatabase(admin, building), Now: time.Now})
	if err != nil {
		return "", err
	}
	err = s.Migrate(ctx)
	s.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	// Renaming last makes a half-built template invisible to other packages.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, building, name)); err != nil {
		return "", err
	}
	return name, nil
}

func migrationsHash() string {
	h := sha256.New()
	fsys, _ := store.Migrations(store.Postgres)
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(fsys, p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDatabase(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return admin
	}
	u.Path = "/" + name
	return u.String()
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
