package store_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/internal/store"
)

// TestMigrationVersionsMatch keeps the dialects in step: every version
// exists for both databases, with the same name.
func TestMigrationVersionsMatch(t *testing.T) {
	names := func(d store.Dialect) []string {
		fsys, err := store.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sql") || strings.HasSuffix(e.Name(), ".go") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	lite, pg := names(store.SQLite), names(store.Postgres)
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("migrations differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
}
