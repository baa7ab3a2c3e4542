package store

import (
	"context"
	"fmt"

	"github.com/vectoros/vectoros/internal/domain"
)

// WorkspaceAccess returns a workspace with the user's role in it, in one
// query: the authorization check every workspace route makes. A workspace
// the user is not a member of is not found, exactly like a missing one.
func (s *Store) WorkspaceAccess(ctx context.Context, workspaceID, userID string) (domain.Workspace, domain.Role, error) {
	var w domain.Workspace
	var role domain.Role
	err := s.q.queryRow(ctx, `SELECT w.id, w.name, w.currency, w.time_zone, w.created_at, w.updated_at, m.role
		FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
		WHERE m.workspace_id = $1 AND m.user_id = $2`, workspaceID, userID).
		Scan(&w.ID, &w.Name, &w.Currency, &w.TimeZone, timeScan{&w.CreatedAt}, timeScan{&w.UpdatedAt}, &role)
	if err != nil {
		return w, "", fmt.Errorf("store: workspace access: %w", rowErr(err, "workspace"))
	}
	return w, role, nil
}

// GetMember returns one member of a workspace with name and email.
func (s *Store) GetMember(ctx context.Context, workspaceID, userID string) (domain.Member, error) {
	var m domain.Member
	err := s.q.queryRow(ctx, `SELECT m.workspace_id, m.user_id, m.role, u.email, u.name, m.created_at
		FROM workspace_members m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 AND m.user_id = $2`, workspaceID, userID).
		Scan(&m.WorkspaceID, &m.UserID, &m.Role, &m.Email, &m.Name, timeScan{&m.CreatedAt})
	if err != nil {
		return m, fmt.Errorf("store: get member: %w", rowErr(err, "member"))
	}
	return m, nil
}
