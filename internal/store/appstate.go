package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// app_state keys. Each holds one operational fact that outlives a process
// and that `vectoros preflight` reads.
const (
	// StateLastBackup is the last successful `vectoros backup` (BackupRecord JSON).
	StateLastBackup = "backup.last"
	// StateMonitorHeartbeat is the completion time (RFC 3339) of the
	// monitor's last cycle with no failed run. The monitor may write it; the
	// heartbeat is also derived from monitor_cycles, so it is optional.
	StateMonitorHeartbeat = "monitor.last_success"
)

// AppState is one row of app_state.
type AppState struct {
	Key       string
	Value     string
	UpdatedAt time.Time
}

// SetAppState stores value under key, replacing any previous value.
func (s *Store) SetAppState(ctx context.Context, key, value string) error {
	_, err := s.q.exec(ctx, `INSERT INTO app_state (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, ts(s.Now()))
	if err != nil {
		return fmt.Errorf("store: set app state %q: %w", key, err)
	}
	return nil
}

// GetAppState returns the row under key, or a KindNotFound error.
func (s *Store) GetAppState(ctx context.Context, key string) (AppState, error) {
	st := AppState{Key: key}
	err := s.q.queryRow(ctx, `SELECT value, updated_at FROM app_state WHERE key = $1`, key).
		Scan(&st.Value, timeScan{&st.UpdatedAt})
	if err != nil {
		return st, fmt.Errorf("store: get app state %q: %w", key, rowErr(err, "app state "+key))
	}
	return st, nil
}

// BackupRecord is what a backup leaves in app_state for preflight.
type BackupRecord struct {
	Path    string    `json:"path"`
	Bytes   int64     `json:"bytes"`
	TakenAt time.Time `json:"taken_at"` // when the snapshot began
}

// RecordBackup remembers a successful backup.
func (s *Store) RecordBackup(ctx context.Context, r BackupRecord) error {
	r.TakenAt = r.TakenAt.UTC()
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("store: record backup: %w", err)
	}
	return s.SetAppState(ctx, StateLastBackup, string(b))
}

// LastBackup returns the last recorded backup; ok is false when none was.
func (s *Store) LastBackup(ctx context.Context) (r BackupRecord, ok bool, err error) {
	st, err := s.getOptionalState(ctx, StateLastBackup)
	if err != nil || st == nil {
		return r, false, err
	}
	if err := json.Unmarshal([]byte(st.Value), &r); err != nil {
		return r, false, fmt.Errorf("store: last backup: unreadable record: %w", err)
	}
	return r, true, nil
}

// MonitorHeartbeat returns when the monitor last completed a cycle in which
// no workspace run failed: the newer of monitor_cycles and the optional
// app_state heartbeat. It returns nil when no such cycle exists.
func (s *Store) MonitorHeartbeat(ctx context.Context) (*time.Time, error) {
	var v sql.Null[any]
	err := s.q.queryRow(ctx, `SELECT MAX(completed_at) FROM monitor_cycles WHERE completed_at IS NOT NULL AND failed = 0`).Scan(&v)
	if err != nil {
		return nil, fmt.Errorf("store: monitor heartbeat: %w", mapErr(err))
	}
	var last *time.Time
	if v.Valid && v.V != nil {
		t, err := ParseTime(v.V)
		if err != nil {
			return nil, fmt.Errorf("store: monitor heartbeat: %w", err)
		}
		last = &t
	}
	st, err := s.getOptionalState(ctx, StateMonitorHeartbeat)
	if err != nil {
		return nil, err
	}
	if st != nil {
		t, perr := time.Parse(time.RFC3339Nano, st.Value)
		if perr != nil {
			t = st.UpdatedAt // a value that is not a time still says when it was written
		}
		if t = t.UTC(); last == nil || t.After(*last) {
			last = &t
		}
	}
	return last, nil
}

func (s *Store) getOptionalState(ctx context.Context, key string) (*AppState, error) {
	st, err := s.GetAppState(ctx, key)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}
