package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Failed sign-ins are counted in the database (table login_failures), so
// every replica sees the same counts and a restart forgets nothing. A key is
// "email:<address>" for an account or "ip:<address>" for a client.

// LoginPolicy says how many failures within Window lock a key, and for how long.
type LoginPolicy struct {
	MaxFailures int
	Window      time.Duration
	Lock        time.Duration
}

// LoginLockedUntil returns the latest lock still in force among keys, or
// the zero time when none is locked.
func (s *Store) LoginLockedUntil(ctx context.Context, keys ...string) (time.Time, error) {
	now := s.Now()
	var until time.Time
	for _, k := range keys {
		var locked *time.Time
		err := s.q.queryRow(ctx, `SELECT locked_until FROM login_failures WHERE key = $1`, k).Scan(nullTimeScan{&locked})
		if err != nil && err != sql.ErrNoRows {
			return time.Time{}, fmt.Errorf("store: login lock: %w", mapErr(err))
		}
		if locked != nil && locked.After(now) && locked.After(until) {
			until = *locked
		}
	}
	return until, nil
}

// RecordLoginFailure counts one failure against key and locks it when the
// count within the policy's window reaches the maximum. It returns the lock
// end when the key is now locked, else the zero time. The count is bumped in
// one statement so concurrent failures are all counted.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, p LoginPolicy) (time.Time, error) {
	now := s.Now()
	var failures int
	err := s.q.queryRow(ctx, `INSERT INTO login_failures (key, failures, window_start, locked_until) VALUES ($1, 1, $2, NULL)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_failures.window_start <= $3 THEN 1 ELSE login_failures.failures + 1 END,
			window_start = CASE WHEN login_failures.window_start <= $3 THEN $2 ELSE login_failures.window_start END
		RETURNING failures`, key, ts(now), ts(now.Add(-p.Window))).Scan(&failures)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: record login failure: %w", mapErr(err))
	}
	if failures < p.MaxFailures {
		return time.Time{}, nil
	}
	until := now.Add(p.Lock)
	// A lock starts a fresh window: after it ends, the full allowance returns.
	if _, err := s.q.exec(ctx, `UPDATE login_failures SET locked_until = $1, failures = 0, window_start = $2 WHERE key = $3`,
		ts(until), ts(now), key); err != nil {
		return time.Time{}, fmt.Errorf("store: lock login: %w", err)
	}
	return until, nil
}

// ClearLoginFailures forgets a key's failures (after a successful sign-in).
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := s.q.exec(ctx, `DELETE FROM login_failures WHERE key = $1`, key); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}
