package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
)

const workspaceCols = "id, name, currency, time_zone, created_at, updated_at"

func scanWorkspace(sc interface{ Scan(...any) error }) (domain.Workspace, error) {
	var w domain.Workspace
	err := sc.Scan(&w.ID, &w.Name, &w.Currency, &w.TimeZone, timeScan{&w.CreatedAt}, timeScan{&w.UpdatedAt})
	return w, err
}

// NewWorkspace is the input of CreateWorkspace.
type NewWorkspace struct {
	Name     string
	Currency string // default USD
	TimeZone string // default UTC
}

// Validate checks a new workspace's fields.
func (n *NewWorkspace) Validate() error {
	var v domain.Validation
	n.Name = strings.TrimSpace(n.Name)
	if n.Currency == "" {
		n.Currency = "USD"
	}
	if n.TimeZone == "" {
		n.TimeZone = "UTC"
	}
	n.Currency = strings.ToUpper(n.Currency)
	if n.Name == "" {
		v.Add("name", "is required")
	} else if len(n.Name) > 100 {
		v.Add("name", "must be at most 100 characters")
	}
	if _, ok := domain.CurrencyDecimals(n.Currency); !ok {
		v.Add("currency", "must be an ISO 4217 code such as USD or EUR")
	}
	if !ValidTimeZone(n.TimeZone) {
		v.Add("time_zone", "must be an IANA time zone such as Europe/Berlin")
	}
	return v.Err()
}

// CreateWorkspace creates a workspace with the default pipeline and makes
// ownerID its owner, in one transaction.
func (s *Store) CreateWorkspace(ctx context.Context, n NewWorkspace, ownerID string) (domain.Workspace, error) {
	if err := n.Validate(); err != nil {
		return domain.Workspace{}, err
	}
	now := s.Now()
	w := domain.Workspace{ID: newID(), Name: n.Name, Currency: n.Currency, TimeZone: n.TimeZone, CreatedAt: now, UpdatedAt: now}
	err := s.inTx(ctx, func(q runner) error {
		if _, err := q.exec(ctx, `INSERT INTO workspaces (id, name, currency, time_zone, settings, created_at, updated_at)
			VALUES ($1,$2,$3,$4,'{}',$5,$5)`, w.ID, w.Name, w.Currency, w.TimeZone, ts(now)); err != nil {
			return err
		}
		for _, st := range domain.DefaultStages() {
			if err := insertStage(ctx, q, w.ID, st); err != nil {
				return err
			}
		}
		_, err := q.exec(ctx, `INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1,$2,$3,$4)`,
			w.ID, ownerID, domain.RoleOwner, ts(now))
		return err
	})
	if err != nil {
		return w, fmt.Errorf("store: create workspace: %w", err)
	}
	return w, nil
}

// GetWorkspace returns a workspace by id.
func (s *Store) GetWorkspace(ctx context.Context, id string) (domain.Workspace, error) {
	w, err := scanWorkspace(s.q.queryRow(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = $1`, id))
	if err != nil {
		return w, fmt.Errorf("store: get workspace: %w", rowErr(err, "workspace"))
	}
	return w, nil
}

// RenameWorkspace changes a workspace's name.
func (s *Store) RenameWorkspace(ctx context.Context, id, name string) (domain.Workspace, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return domain.Workspace{}, &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
			Fields: []domain.FieldError{{Field: "name", Message: "is required and at most 100 characters"}}}
	}
	if err := s.q.execOne(ctx, "workspace", `UPDATE workspaces SET name = $1, updated_at = $2 WHERE id = $3`, name, ts(s.Now()), id); err != nil {
		return domain.Workspace{}, fmt.Errorf("store: rename workspace: %w", err)
	}
	return s.GetWorkspace(ctx, id)
}

// DeleteWorkspace removes a workspace and, by cascade, everything in it.
func (s *Store) DeleteWorkspace(ctx context.Context, id string) error {
	if err := s.q.execOne(ctx, "workspace", `DELETE FROM workspaces WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store: delete workspace: %w", err)
	}
	return nil
}

// ListWorkspaceIDs returns every workspace id, oldest first (the monitor's
// cycle enumerates them).
func (s *Store) ListWorkspaceIDs(ctx context.Context) ([]string, error) {
	rows, err := s.q.query(ctx, `SELECT id FROM workspaces ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list workspaces: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: list workspaces: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ListMemberships returns the workspaces a user belongs to, with roles.
func (s *Store) ListMemberships(ctx context.Context, userID string) ([]domain.Membership, error) {
	rows, err := s.q.query(ctx, `SELECT w.id, w.name, w.currency, w.time_zone, w.created_at, w.updated_at, m.role
		FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
		WHERE m.user_id = $1 ORDER BY w.name, w.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list memberships: %w", err)
	}
	defer rows.Close()
	var out []domain.Membership
	for rows.Next() {
		var m domain.Membership
		if err := rows.Scan(&m.Workspace.ID, &m.Workspace.Name, &m.Workspace.Currency, &m.Workspace.TimeZone,
			timeScan{&m.Workspace.CreatedAt}, timeScan{&m.Workspace.UpdatedAt}, &m.Role); err != nil {
			return nil, fmt.Errorf("store: list memberships: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
