package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// API key secrets look like vos_<43 base64url characters> (32 random bytes).
// The first APIKeyPrefixLen characters are stored in clear to find the row;
// the whole secret only as its SHA-256.
const (
	APIKeyScheme    = "vos_"
	APIKeyPrefixLen = len(APIKeyScheme) + 8
	apiKeySecretLen = len(APIKeyScheme) + 43
)

// apiKeyTouchEvery bounds how often last_used_at is written: a busy script
// must not turn every read into a write.
const apiKeyTouchEvery = time.Minute

const apiKeyCols = "id, workspace_id, name, prefix, hash, role, created_by, expires_at, last_used_at, revoked_at, created_at"

func scanAPIKey(sc interface{ Scan(...any) error }) (domain.APIKey, error) {
	var k domain.APIKey
	var hash string
	err := sc.Scan(&k.ID, &k.WorkspaceID, &k.Name, &k.Prefix, &hash, &k.Role, &k.CreatedBy,
		nullTimeScan{&k.ExpiresAt}, nullTimeScan{&k.LastUsedAt}, nullTimeScan{&k.RevokedAt}, timeScan{&k.CreatedAt})
	if err != nil {
		return k, err
	}
	k.Hash, err = hex.DecodeString(hash)
	return k, err
}

// NewAPIKey is the input of CreateAPIKey.
type NewAPIKey struct {
	Name      string
	Role      domain.Role
	ExpiresAt *time.Time // nil: never
}

// CreateAPIKey validates and stores a new key of the workspace and returns
// it with its secret, which is never available again. creatorRole caps the
// key's role: nobody can mint more power than they hold.
func (s *Store) CreateAPIKey(ctx context.Context, workspaceID string, n NewAPIKey, createdBy domain.Actor, creatorRole domain.Role) (domain.APIKey, string, error) {
	now := s.Now()
	var v domain.Validation
	n.Name = strings.TrimSpace(n.Name)
	switch {
	case n.Name == "":
		v.Add("name", "is required")
	case len(n.Name) > 100:
		v.Add("name", "must be at most 100 characters")
	}
	switch {
	case !n.Role.Valid():
		v.Add("role", "must be one of member, admin, owner")
	case n.Role.Rank() > creatorRole.Rank():
		v.Add("role", "must not be above your own role (%s)", creatorRole)
	}
	if n.ExpiresAt != nil && !n.ExpiresAt.After(now) {
		v.Add("expires_at", "must be in the future")
	}
	if err := v.Err(); err != nil {
		return domain.APIKey{}, "", err
	}
	secret, err := newSecret(APIKeyScheme)
	if err != nil {
		return domain.APIKey{}, "", fmt.Errorf("store: create api key: %w", err)
	}
	sum := sha256.Sum256([]byte(secret))
	k := domain.APIKey{ID: newID(), WorkspaceID: workspaceID, Name: n.Name, Prefix: secret[:APIKeyPrefixLen],
		Hash: sum[:], Role: n.Role, CreatedBy: createdBy.Kind + ":" + createdBy.ID, ExpiresAt: truncp(n.ExpiresAt), CreatedAt: now}
	_, err = s.q.exec(ctx, `INSERT INTO api_keys (`+apiKeyCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,NULL,NULL,$9)`,
		k.ID, k.WorkspaceID, k.Name, k.Prefix, hex.EncodeToString(k.Hash), k.Role, k.CreatedBy, tsp(k.ExpiresAt), ts(now))
	if err != nil {
		return domain.APIKey{}, "", fmt.Errorf("store: create api key: %w", err)
	}
	return k, secret, nil
}

// newSecret returns scheme + 32 random bytes in unpadded base64url.
func newSecret(scheme string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return scheme + base64.RawURLEncoding.EncodeToString(b), nil
}

func invalidKey(msg string) error {
	return &domain.Error{Kind: domain.KindUnauthorized, Message: msg}
}

// AuthenticateAPIKey finds the key a secret belongs to: by its visible
// prefix, then by comparing SHA-256 digests in constant time. Unknown,
// revoked and expired keys are KindUnauthorized. It returns the key's
// workspace too (one query: this runs on every keyed request) and records
// use at most once a minute.
func (s *Store) AuthenticateAPIKey(ctx context.Context, secret string) (domain.APIKey, domain.Workspace, error) {
	var w domain.Workspace
	if len(secret) != apiKeySecretLen || !strings.HasPrefix(secret, APIKeyScheme) {
		return domain.APIKey{}, w, invalidKey("the API key is not valid")
	}
	var k domain.APIKey
	var hash string
	err := s.q.queryRow(ctx, `SELECT k.id, k.workspace_id, k.name, k.prefix, k.hash, k.role, k.created_by, k.expires_at,
			k.last_used_at, k.revoked_at, k.created_at, w.name, w.currency, w.time_zone, w.created_at, w.updated_at
		FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id WHERE k.prefix = $1`, secret[:APIKeyPrefixLen]).
		Scan(&k.ID, &k.WorkspaceID, &k.Name, &k.Prefix, &hash, &k.Role, &k.CreatedBy, nullTimeScan{&k.ExpiresAt},
			nullTimeScan{&k.LastUsedAt}, nullTimeScan{&k.RevokedAt}, timeScan{&k.CreatedAt},
			&w.Name, &w.Currency, &w.TimeZone, timeScan{&w.CreatedAt}, timeScan{&w.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return domain.APIKey{}, w, invalidKey("the API key is not valid")
	}
	if err == nil {
		k.Hash, err = hex.DecodeString(hash)
	}
	if err != nil {
		return domain.APIKey{}, w, fmt.Errorf("store: authenticate api key: %w", mapErr(err))
	}
	w.ID = k.WorkspaceID
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], k.Hash) != 1 {
		return domain.APIKey{}, w, invalidKey("the API key is not valid")
	}
	now := s.Now()
	if k.RevokedAt != nil {
		return domain.APIKey{}, w, invalidKey("the API key was revoked")
	}
	if k.ExpiresAt != nil && !k.ExpiresAt.After(now) {
		return domain.APIKey{}, w, invalidKey("the API key has expired")
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= apiKeyTouchEvery {
		// The condition repeats the check so concurrent requests write once.
		if _, err := s.q.exec(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)`,
			ts(now), k.ID, ts(now.Add(-apiKeyTouchEvery))); err != nil {
			return domain.APIKey{}, w, fmt.Errorf("store: touch api key: %w", err)
		}
		k.LastUsedAt = &now
	}
	return k, w, nil
}

// GetAPIKey returns a key of the workspace.
func (s *Store) GetAPIKey(ctx context.Context, workspaceID, id string) (domain.APIKey, error) {
	k, err := scanAPIKey(s.q.queryRow(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return k, fmt.Errorf("store: get api key: %w", rowErr(err, "api key"))
	}
	return k, nil
}

// ListAPIKeys returns a workspace's keys, revoked ones included, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, workspaceID string) ([]domain.APIKey, error) {
	rows, err := s.q.query(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: list api keys: %w", err)
	}
	defer rows.Close()
	var out []domain.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list api keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey ends a key's use at once. Revoking twice keeps the first time.
func (s *Store) RevokeAPIKey(ctx context.Context, workspaceID, id string) (domain.APIKey, error) {
	err := s.q.execOne(ctx, "api key", `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE workspace_id = $2 AND id = $3`,
		ts(s.Now()), workspaceID, id)
	if err != nil {
		return domain.APIKey{}, fmt.Errorf("store: revoke api key: %w", err)
	}
	return s.GetAPIKey(ctx, workspaceID, id)
}
