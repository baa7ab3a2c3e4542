package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
)

// DealRef is what a list of insights shows about each deal it mentions.
type DealRef struct {
	ID       string
	Title    string
	Company  string
	Stage    string
	Status   domain.DealStatus
	Value    *int64
	Currency string
}

// DealRefs returns the named deals of the workspace by id, in one query
// (the insights page groups a page of insights by deal). Ids of other
// workspaces or of deleted deals are simply absent.
func (s *Store) DealRefs(ctx context.Context, workspaceID string, ids []string) (map[string]DealRef, error) {
	out := make(map[string]DealRef, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{workspaceID}
	marks := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		args = append(args, id)
		marks = append(marks, "$"+strconv.Itoa(len(args)))
	}
	rows, err := s.q.query(ctx, `SELECT id, title, company, stage, status, value, currency FROM deals
		WHERE workspace_id = $1 AND id IN (`+strings.Join(marks, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: deal refs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d DealRef
		var value *int64
		if err := rows.Scan(&d.ID, &d.Title, &d.Company, &d.Stage, &d.Status, &value, &d.Currency); err != nil {
			return nil, fmt.Errorf("store: deal refs: %w", err)
		}
		d.Value = value
		out[d.ID] = d
	}
	return out, rows.Err()
}
