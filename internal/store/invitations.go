package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// Invitation links are valid for InvitationTTL unless the inviter picks
// another duration up to MaxInvitationTTL.
const (
	InvitationTTL    = 7 * 24 * time.Hour
	MaxInvitationTTL = 30 * 24 * time.Hour
	invitationScheme = "vinv_"
)

const invitationCols = "id, workspace_id, email, role, token_hash, invited_by, expires_at, accepted_at, created_at"

func scanInvitation(sc interface{ Scan(...any) error }) (domain.Invitation, error) {
	var in domain.Invitation
	err := sc.Scan(&in.ID, &in.WorkspaceID, &in.Email, &in.Role, &in.TokenHash, &in.InvitedBy,
		timeScan{&in.ExpiresAt}, nullTimeScan{&in.AcceptedAt}, timeScan{&in.CreatedAt})
	return in, err
}

// NewInvitation is the input of CreateInvitation.
type NewInvitation struct {
	Email string
	Role  domain.Role
	TTL   time.Duration // 0: InvitationTTL
}

// ValidEmail reports whether s is a bare email address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateInvitation stores an invitation and returns it with the link token,
// which only the response ever holds: the database keeps its SHA-256.
// inviterRole caps the role offered.
func (s *Store) CreateInvitation(ctx context.Context, workspaceID string, n NewInvitation, invitedBy domain.Actor, inviterRole domain.Role) (domain.Invitation, string, error) {
	now := s.Now()
	var v domain.Validation
	n.Email = NormalizeEmail(n.Email)
	if !ValidEmail(n.Email) {
		v.Add("email", "must be an email address such as jane@example.com")
	}
	switch {
	case !n.Role.Valid():
		v.Add("role", "must be one of member, admin, owner")
	case n.Role.Rank() > inviterRole.Rank():
		v.Add("role", "must not be above your own role (%s)", inviterRole)
	}
	if n.TTL == 0 {
		n.TTL = InvitationTTL
	}
	if n.TTL < time.Hour || n.TTL > MaxInvitationTTL {
		v.Add("expires_in_hours", "must be from 1 to %d hours", int(MaxInvitationTTL/time.Hour))
	}
	if err := v.Err(); err != nil {
		return domain.Invitation{}, "", err
	}
	token, err := newSecret(invitationScheme)
	if err != nil {
		return domain.Invitation{}, "", fmt.Errorf("store: create invitation: %w", err)
	}
	in := domain.Invitation{ID: newID(), WorkspaceID: workspaceID, Email: n.Email, Role: n.Role, TokenHash: tokenHash(token),
		InvitedBy: invitedBy.Kind + ":" + invitedBy.ID, ExpiresAt: now.Add(n.TTL), CreatedAt: now}
	_, err = s.q.exec(ctx, `INSERT INTO invitations (`+invitationCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,NULL,$8)`,
		in.ID, in.WorkspaceID, in.Email, in.Role, in.TokenHash, in.InvitedBy, ts(in.ExpiresAt), ts(now))
	if err != nil {
		return domain.Invitation{}, "", fmt.Errorf("store: create invitation: %w", err)
	}
	return in, token, nil
}

// ListInvitations returns a workspace's invitations, newest first.
func (s *Store) ListInvitations(ctx context.Context, workspaceID string) ([]domain.Invitation, error) {
	rows, err := s.q.query(ctx, `SELECT `+invitationCols+` FROM invitations WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: list invitations: %w", err)
	}
	defer rows.Close()
	var out []domain.Invitation
	for rows.Next() {
		in, err := scanInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list invitations: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// RevokeInvitation deletes an invitation that was not accepted yet.
func (s *Store) RevokeInvitation(ctx context.Context, workspaceID, id string) error {
	err := s.q.execOne(ctx, "invitation", `DELETE FROM invitations WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL`, workspaceID, id)
	if err != nil {
		return fmt.Errorf("store: revoke invitation: %w", err)
	}
	return nil
}

// AcceptInvitation makes the user a member of the invitation's workspace.
// The token must be unused, unexpired and addressed to the user's email.
// A user who is already a member keeps their role.
func (s *Store) AcceptInvitation(ctx context.Context, token string, user domain.User) (domain.Membership, error) {
	var m domain.Membership
	if !strings.HasPrefix(token, invitationScheme) {
		return m, domain.ErrNotFound("invitation")
	}
	now := s.Now()
	err := s.inTx(ctx, func(q runner) error {
		in, err := scanInvitation(q.queryRow(ctx, `SELECT `+invitationCols+` FROM invitations WHERE token_hash = $1`, tokenHash(token)))
		if err != nil {
			return rowErr(err, "invitation")
		}
		switch {
		case in.AcceptedAt != nil:
			return domain.Errorf(domain.KindConflict, "this invitation was already used")
		case !in.ExpiresAt.After(now):
			return domain.Errorf(domain.KindConflict, "this invitation has expired: ask for a new one")
		case in.Email != NormalizeEmail(user.Email):
			return domain.Errorf(domain.KindForbidden, "this invitation is for another email address")
		}
		var existing int
		if err := q.queryRow(ctx, `SELECT COUNT(*) FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`,
			in.WorkspaceID, user.ID).Scan(&existing); err != nil {
			return err
		}
		if existing == 0 {
			if _, err := q.exec(ctx, `INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1,$2,$3,$4)`,
				in.WorkspaceID, user.ID, in.Role, ts(now)); err != nil {
				return err
			}
		}
		if err := q.execOne(ctx, "invitation", `UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL`, ts(now), in.ID); err != nil {
			return err
		}
		err = q.queryRow(ctx, `SELECT w.id, w.name, w.currency, w.time_zone, w.created_at, w.updated_at, m.role
			FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.workspace_id = $1 AND m.user_id = $2`,
			in.WorkspaceID, user.ID).Scan(&m.Workspace.ID, &m.Workspace.Name, &m.Workspace.Currency, &m.Workspace.TimeZone,
			timeScan{&m.Workspace.CreatedAt}, timeScan{&m.Workspace.UpdatedAt}, &m.Role)
		return err
	})
	if err != nil {
		return m, fmt.Errorf("store: accept invitation: %w", err)
	}
	return m, nil
}
