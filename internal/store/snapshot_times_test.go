package store

import (
	"database/sql"
	"math/rand/v2"
	"testing"
	"time"
)

// The fast path reads every text it accepts as ParseTime does, and leaves
// everything else to ParseTime.
func TestParseStoredTime(t *testing.T) {
	tests := []struct {
		in   string
		fast bool // taken by the fast path
	}{
		{"2026-06-30 05:13:20+00:00", true},
		{"2026-06-30 05:13:20.123456+00:00", true},
		{"2026-06-30 05:13:20.1+00:00", true},
		{"2026-06-30 05:13:20.123456789+00:00", true},
		{"2026-06-30T05:13:20.5Z", true},
		{"2026-06-30 05:13:20.000001-07:30", true},
		{"2026-06-30 23:59:59+05:45", true},
		{"2026-06-30 05:13:20", true},
		{"2024-02-29 00:00:00+00:00", true},
		{"2026-06-30 05:13:20.1234567891+00:00", false},
		{"2026-06-30 05:13:20.+00:00", false},
		{"2026-02-29 00:00:00+00:00", false},
		{"2026-04-31 00:00:00+00:00", false},
		{"2026-13-01 00:00:00+00:00", false},
		{"2026-06-30 24:00:00+00:00", false},
		{"2026-06-30 05:13:60+00:00", false},
		{"2026-06-30 05:13:20+0000", false},
		{"2026-06-30 05:13:20 +0000 UTC", false},
		{" 2026-06-30 05:13:20+00:00", false},
		{"2026-06-30", false},
		{"garbage", false},
		{"", false},
		{"2026-0a-30 05:13:20+00:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseStoredTime(tt.in)
			if ok != tt.fast {
				t.Fatalf("fast path %v, want %v", ok, tt.fast)
			}
			want, werr := ParseTime(tt.in)
			if ok && (werr != nil || !got.Equal(want) || got.Location() != time.UTC) {
				t.Fatalf("fast %v, ParseTime %v %v", got, want, werr)
			}
			viaScan, err := fastTime(tt.in)
			if (err == nil) != (werr == nil) || (err == nil && !viaScan.Equal(want)) {
				t.Fatalf("fastTime %v %v, ParseTime %v %v", viaScan, err, want, werr)
			}
		})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		at := time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).UTC().Truncate(time.Microsecond)
		for _, layout := range timeLayouts[:4] {
			s := at.Format(layout)
			got, ok := parseStoredTime(s)
			if !ok || !got.Equal(at) {
				t.Fatalf("%q: %v %v, want %v", s, got, ok, at)
			}
		}
	}
}

// insertTime writes on SQLite the very text the driver writes for ts().
func TestInsertTimeIsTheDriversText(t *testing.T) {
	s := &Store{dialect: SQLite}
	db, err := sql.Open("sqlite", ":memory:?_time_format=sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, at := range []time.Time{
		time.Date(2026, 11, 27, 5, 13, 20, 0, time.UTC),
		time.Date(2026, 11, 27, 5, 13, 20, 123456789, time.FixedZone("x", -7*3600)),
		time.Date(2024, 2, 29, 23, 59, 59, 100000, time.UTC),
	} {
		var driver, ours string
		if err := db.QueryRow(`SELECT CAST($1 AS TEXT), CAST($2 AS TEXT)`, ts(at), s.insertTime(at)).Scan(&driver, &ours); err != nil {
			t.Fatal(err)
		}
		if driver != ours {
			t.Fatalf("driver wrote %q, insertTime %q", driver, ours)
		}
	}
}
