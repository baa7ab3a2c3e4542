package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

const userCols = "id, email, name, password_hash, session_version, last_seen_at, created_at, updated_at"

func scanUser(sc interface{ Scan(...any) error }) (domain.User, error) {
	var u domain.User
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.SessionVersion,
		nullTimeScan{&u.LastSeenAt}, timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	return u, err
}

// NormalizeEmail is how emails are compared and stored: trimmed, lower case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser inserts a user. A taken email is a KindConflict error.
func (s *Store) CreateUser(ctx context.Context, email, name, passwordHash string) (domain.User, error) {
	now := s.Now()
	u := domain.User{ID: newID(), Email: NormalizeEmail(email), Name: strings.TrimSpace(name),
		PasswordHash: passwordHash, SessionVersion: 1, CreatedAt: now, UpdatedAt: now}
	_, err := s.q.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1,$2,$3,$4,$5,NULL,$6,$6)`,
		u.ID, u.Email, u.Name, u.PasswordHash, u.SessionVersion, ts(now))
	if err != nil {
		if domain.IsKind(err, domain.KindConflict) {
			return u, &domain.Error{Kind: domain.KindConflict, Message: "an account with this email already exists",
				Fields: []domain.FieldError{{Field: "email", Message: "is already registered"}}, Err: err}
		}
		return u, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// GetUser returns a user by id.
func (s *Store) GetUser(ctx context.Context, id string) (domain.User, error) {
	u, err := scanUser(s.q.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, fmt.Errorf("store: get user: %w", rowErr(err, "user"))
	}
	return u, nil
}

// GetUserByEmail returns a user by email (case-insensitive).
func (s *Store) GetUserByEmail(ctx context.Context, email string) (domain.User, error) {
	u, err := scanUser(s.q.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, NormalizeEmail(email)))
	if err != nil {
		return u, fmt.Errorf("store: get user by email: %w", rowErr(err, "user"))
	}
	return u, nil
}

// SetPassword replaces a user's password hash and bumps the session version,
// which ends every existing session of the user.
func (s *Store) SetPassword(ctx context.Context, userID, passwordHash string) error {
	err := s.q.execOne(ctx, "user", `UPDATE users SET password_hash = $1, session_version = session_version + 1,
		updated_at = $2 WHERE id = $3`, passwordHash, ts(s.Now()), userID)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	return nil
}

// TouchUser records that a user was active, at most once an hour so a busy
// user does not write on every request.
func (s *Store) TouchUser(ctx context.Context, userID string) error {
	now := s.Now()
	_, err := s.q.exec(ctx, `UPDATE users SET last_seen_at = $1 WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $3)`,
		ts(now), userID, ts(now.Add(-time.Hour)))
	if err != nil {
		return fmt.Errorf("store: touch user: %w", err)
	}
	return nil
}
