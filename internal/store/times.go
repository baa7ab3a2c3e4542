package store

import (
	"fmt"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// Every time goes in through ts/tsp and comes out through timeScan, so the
// two databases behave the same: UTC, microsecond precision. SQLite hands
// back time.Time for TIMESTAMP columns but text for aggregates such as MAX().

// ts prepares a time for a query parameter.
func ts(t time.Time) any { return t.UTC().Truncate(time.Microsecond) }

// tsp prepares an optional time; nil becomes NULL.
func tsp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

// datep prepares an optional calendar date as YYYY-MM-DD text, which both
// databases accept for their DATE columns.
func datep(d *domain.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02",
}

// ParseTime reads a time as either driver may return it.
func ParseTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case string:
		return parseTimeText(x)
	case []byte:
		return parseTimeText(string(x))
	}
	return time.Time{}, fmt.Errorf("store: cannot read %T as a time", v)
}

func parseTimeText(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("store: cannot parse time %q", s)
}

// timeScan scans a NOT NULL time column.
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(v any) error {
	if v == nil {
		return fmt.Errorf("store: NULL in a NOT NULL time")
	}
	t, err := ParseTime(v)
	*s.t = t
	return err
}

// nullTimeScan scans an optional time column.
type nullTimeScan struct{ t **time.Time }

func (s nullTimeScan) Scan(v any) error {
	if v == nil {
		*s.t = nil
		return nil
	}
	t, err := ParseTime(v)
	if err != nil {
		return err
	}
	*s.t = &t
	return nil
}

// nullDateScan scans an optional DATE column into a calendar date.
type nullDateScan struct{ d **domain.Date }

func (s nullDateScan) Scan(v any) error {
	if v == nil {
		*s.d = nil
		return nil
	}
	var d domain.Date
	switch x := v.(type) {
	case time.Time:
		d = domain.DateOf(x.UTC())
	case string, []byte:
		t, err := ParseTime(x)
		if err != nil {
			return err
		}
		d = domain.DateOf(t)
	default:
		return fmt.Errorf("store: cannot read %T as a date", v)
	}
	*s.d = &d
	return nil
}
