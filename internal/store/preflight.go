package store

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

var (
	createIndexRE = regexp.MustCompile(`(?i)\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?`)
	dropIndexRE   = regexp.MustCompile(`(?i)\bDROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?"?(\w+)"?`)
)

// ExpectedIndexes lists the indexes the embedded migrations of a dialect
// create (and do not drop again), read from the migrations' Up sections so
// the list cannot drift from the schema.
func ExpectedIndexes(d Dialect) ([]string, error) {
	fsys, err := Migrations(d)
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: expected indexes: %w", err)
	}
	slices.Sort(files) // goose versions are zero-padded, so name order is apply order
	set := map[string]bool{}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("store: expected indexes: %w", err)
		}
		up := upSection(string(b))
		// Creates and drops are applied in the order they appear.
		for _, line := range strings.Split(up, "\n") {
			if i := strings.Index(line, "--"); i >= 0 {
				line = line[:i]
			}
			for _, m := range createIndexRE.FindAllStringSubmatch(line, -1) {
				set[strings.ToLower(m[1])] = true
			}
			for _, m := range dropIndexRE.FindAllStringSubmatch(line, -1) {
				delete(set, strings.ToLower(m[1]))
			}
		}
	}
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	slices.Sort(out)
	return out, nil
}

// upSection returns the part of a goose migration between "-- +goose Up"
// and "-- +goose Down".
func upSection(sql string) string {
	if i := strings.Index(sql, "-- +goose Up"); i >= 0 {
		sql = sql[i:]
	}
	if i := strings.Index(sql, "-- +goose Down"); i >= 0 {
		sql = sql[:i]
	}
	return sql
}

// IndexNames lists the indexes present in the database (SQLite's automatic
// primary-key indexes excluded), sorted.
func (s *Store) IndexNames(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'`
	if s.dialect == Postgres {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()`
	}
	rows, err := s.q.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: index names: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: index names: %w", err)
		}
		out = append(out, strings.ToLower(n))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: index names: %w", mapErr(err))
	}
	slices.Sort(out)
	return out, nil
}

// MissingIndexes returns the expected indexes the database lacks.
func (s *Store) MissingIndexes(ctx context.Context) (expected, missing []string, err error) {
	expected, err = ExpectedIndexes(s.dialect)
	if err != nil {
		return nil, nil, err
	}
	have, err := s.IndexNames(ctx)
	if err != nil {
		return expected, nil, err
	}
	for _, name := range expected {
		if _, found := slices.BinarySearch(have, name); !found {
			missing = append(missing, name)
		}
	}
	return expected, missing, nil
}
