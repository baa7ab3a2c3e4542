package store

import (
	"database/sql"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// A monitor run reads about ten times per open deal (the deal's own, its
// change log's, its activity facts). The SQLite driver parses a column
// declared TIMESTAMP or DATE by trying time.String's layout first and then
// its own list, so each value cost a failed time.Parse, with its error
// allocated, before the one that matched: most of a run's garbage. The
// snapshot queries therefore read SQLite times as text (CAST ... AS TEXT)
// and parse the one layout ts() writes by hand; anything else falls back to
// ParseTime, so every value reads as it did before.

// sqliteTimeLayout is how the SQLite driver writes a time.Time parameter
// (_time_format=sqlite); ts() makes it UTC to the microsecond.
const sqliteTimeLayout = "2006-01-02 15:04:05.999999999-07:00"

// insertTime is ts(t) for a value bound many times over: on SQLite the
// text the driver would write, formatted once instead of once per bind.
func (s *Store) insertTime(t time.Time) any {
	if s.dialect == SQLite {
		return t.UTC().Truncate(time.Microsecond).Format(sqliteTimeLayout)
	}
	return ts(t)
}

// timeText is col read as text on SQLite, as is on PostgreSQL (whose driver
// returns time.Time).
func (s *Store) timeText(col string) string {
	if s.dialect == SQLite {
		return "CAST(" + col + " AS TEXT)"
	}
	return col
}

// snapshotDealCols are dealCols with the times as timeText.
func (s *Store) snapshotDealCols() string {
	return `id, workspace_id, title, value, currency, stage, probability, ` + s.timeText("close_date") + `, contact_name,
	contact_email, company, owner_id, source, external_id, status, ` + s.timeText("stage_entered_at") + `, ` +
		s.timeText("last_activity_at") + `, ` + s.timeText("closed_at") + `, ` + s.timeText("created_at") + `, ` +
		s.timeText("updated_at")
}

// scanSnapshotDeal is scanDeal for snapshotDealCols.
func scanSnapshotDeal(sc interface{ Scan(...any) error }) (domain.Deal, error) {
	var d domain.Deal
	var value, prob sql.NullInt64
	var owner sql.NullString
	err := sc.Scan(&d.ID, &d.WorkspaceID, &d.Title, &value, &d.Currency, &d.Stage, &prob, fastDateScan{&d.CloseDate},
		&d.ContactName, &d.ContactEmail, &d.Company, &owner, &d.Source, &d.ExternalID, &d.Status,
		fastTimeScan{&d.StageEnteredAt}, nullFastTimeScan{&d.LastActivityAt}, nullFastTimeScan{&d.ClosedAt},
		fastTimeScan{&d.CreatedAt}, fastTimeScan{&d.UpdatedAt})
	d.Value, d.Probability = nullInt64(value), nullInt(prob)
	if owner.Valid {
		d.OwnerID = &owner.String
	}
	return d, err
}

// fastTime is ParseTime with a fast path for the text ts() stores.
func fastTime(v any) (time.Time, error) {
	if s, ok := v.(string); ok {
		if t, ok := parseStoredTime(s); ok {
			return t, nil
		}
	}
	return ParseTime(v)
}

// parseStoredTime parses "2006-01-02 15:04:05.999999999-07:00" (also with
// a T, a Z or no zone, read as UTC) and returns it in UTC; ok is false for
// anything else, valid or not.
func parseStoredTime(s string) (t time.Time, ok bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return t, false
	}
	bad := false
	num := func(a, b int) int {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				bad = true
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	if bad || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return t, false
	}
	i, nsec := 19, 0
	if i < len(s) && s[i] == '.' {
		i++
		digits := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if digits == 9 {
				return t, false
			}
			nsec = nsec*10 + int(s[i]-'0')
			digits++
		}
		if digits == 0 {
			return t, false
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	offset := 0
	switch zone := s[i:]; {
	case zone == "" || zone == "Z":
	case len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':':
		zh, zm := num(i+1, i+3), num(i+4, i+6)
		if bad || zh > 23 || zm > 59 {
			return t, false
		}
		offset = zh*3600 + zm*60
		if zone[0] == '-' {
			offset = -offset
		}
	default:
		return t, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 31 April: time.Date normalised it, time.Parse rejects it
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

// fastTimeScan scans a NOT NULL time column read as timeText.
type fastTimeScan struct{ t *time.Time }

func (s fastTimeScan) Scan(v any) error {
	if v == nil {
		return timeScan(s).Scan(v)
	}
	t, err := fastTime(v)
	*s.t = t
	return err
}

// nullFastTimeScan scans an optional time column read as timeText.
type nullFastTimeScan struct{ t **time.Time }

func (s nullFastTimeScan) Scan(v any) error {
	if v == nil {
		*s.t = nil
		return nil
	}
	t, err := fastTime(v)
	if err != nil {
		return err
	}
	*s.t = &t
	return nil
}

// fastDateScan scans an optional DATE column read as timeText.
type fastDateScan struct{ d **domain.Date }

func (s fastDateScan) Scan(v any) error {
	if str, ok := v.(string); ok && len(str) == 10 {
		if t, ok := parseStoredTime(str + " 00:00:00"); ok {
			d := domain.DateOf(t)
			*s.d = &d
			return nil
		}
	}
	return nullDateScan(s).Scan(v)
}
