package store

import (
	"context"
	"fmt"

	"github.com/vectoros/vectoros/internal/domain"
)

// GetMemberRole returns a user's role in a workspace; not found when the
// user is not a member (which callers must show as "no such workspace").
func (s *Store) GetMemberRole(ctx context.Context, workspaceID, userID string) (domain.Role, error) {
	var role domain.Role
	err := s.q.queryRow(ctx, `SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`,
		workspaceID, userID).Scan(&role)
	if err != nil {
		return "", fmt.Errorf("store: member role: %w", rowErr(err, "workspace"))
	}
	return role, nil
}

// AddMember adds a user to a workspace with a role.
func (s *Store) AddMember(ctx context.Context, workspaceID, userID string, role domain.Role) error {
	if !role.Valid() {
		return domain.Errorf(domain.KindInvalid, "unknown role %q", role)
	}
	_, err := s.q.exec(ctx, `INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1,$2,$3,$4)`,
		workspaceID, userID, role, ts(s.Now()))
	if err != nil {
		return fmt.Errorf("store: add member: %w", err)
	}
	return nil
}

// ListMembers returns a workspace's members with their names and emails.
func (s *Store) ListMembers(ctx context.Context, workspaceID string) ([]domain.Member, error) {
	rows, err := s.q.query(ctx, `SELECT m.workspace_id, m.user_id, m.role, u.email, u.name, m.created_at
		FROM workspace_members m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 ORDER BY m.created_at, u.email`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: list members: %w", err)
	}
	defer rows.Close()
	var out []domain.Member
	for rows.Next() {
		var m domain.Member
		if err := rows.Scan(&m.WorkspaceID, &m.UserID, &m.Role, &m.Email, &m.Name, timeScan{&m.CreatedAt}); err != nil {
			return nil, fmt.Errorf("store: list members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetMemberRole changes a member's role. The last owner cannot be demoted.
func (s *Store) SetMemberRole(ctx context.Context, workspaceID, userID string, role domain.Role) error {
	if !role.Valid() {
		return domain.Errorf(domain.KindInvalid, "unknown role %q", role)
	}
	err := s.inTx(ctx, func(q runner) error {
		if role != domain.RoleOwner {
			if err := ensureAnotherOwner(ctx, q, workspaceID, userID); err != nil {
				return err
			}
		}
		return q.execOne(ctx, "member", `UPDATE workspace_members SET role = $1 WHERE workspace_id = $2 AND user_id = $3`,
			role, workspaceID, userID)
	})
	if err != nil {
		return fmt.Errorf("store: set member role: %w", err)
	}
	return nil
}

// RemoveMember takes a user out of a workspace. The last owner cannot leave.
func (s *Store) RemoveMember(ctx context.Context, workspaceID, userID string) error {
	err := s.inTx(ctx, func(q runner) error {
		if err := ensureAnotherOwner(ctx, q, workspaceID, userID); err != nil {
			return err
		}
		return q.execOne(ctx, "member", `DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID)
	})
	if err != nil {
		return fmt.Errorf("store: remove member: %w", err)
	}
	return nil
}

// ensureAnotherOwner fails when userID is the workspace's only owner.
func ensureAnotherOwner(ctx context.Context, q runner, workspaceID, userID string) error {
	var others, isOwner int
	err := q.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN user_id <> $2 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN user_id = $2 THEN 1 ELSE 0 END), 0)
		FROM workspace_members WHERE workspace_id = $1 AND role = 'owner'`, workspaceID, userID).Scan(&others, &isOwner)
	if err != nil {
		return err
	}
	if isOwner > 0 && others == 0 {
		return domain.Errorf(domain.KindConflict, "the last owner cannot leave or be demoted: make another member owner first")
	}
	return nil
}
