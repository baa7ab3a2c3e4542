package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/vectoros/vectoros/internal/domain"
)

const eventCols = "id, workspace_id, deal_id, kind, old_value, new_value, actor_kind, actor_id, at"

func insertEvent(ctx context.Context, q runner, e domain.DealEvent) error {
	if e.ID == "" {
		e.ID = newID()
	}
	_, err := q.exec(ctx, `INSERT INTO deal_events (`+eventCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		e.ID, e.WorkspaceID, e.DealID, e.Kind, strOrNil(e.OldValue), strOrNil(e.NewValue), e.Actor.Kind, e.Actor.ID, ts(e.At))
	if err != nil {
		return fmt.Errorf("insert deal event: %w", err)
	}
	return nil
}

func scanEvent(sc interface{ Scan(...any) error }) (domain.DealEvent, error) {
	var e domain.DealEvent
	var oldV, newV sql.NullString
	err := sc.Scan(&e.ID, &e.WorkspaceID, &e.DealID, &e.Kind, &oldV, &newV, &e.Actor.Kind, &e.Actor.ID, timeScan{&e.At})
	if oldV.Valid {
		e.OldValue = &oldV.String
	}
	if newV.Valid {
		e.NewValue = &newV.String
	}
	return e, err
}

// ListDealEvents returns a deal's change log, oldest first.
func (s *Store) ListDealEvents(ctx context.Context, workspaceID, dealID string) ([]domain.DealEvent, error) {
	if _, err := s.GetDeal(ctx, workspaceID, dealID); err != nil {
		return nil, err
	}
	rows, err := s.q.query(ctx, `SELECT `+eventCols+` FROM deal_events WHERE workspace_id = $1 AND deal_id = $2 ORDER BY at, id`,
		workspaceID, dealID)
	if err != nil {
		return nil, fmt.Errorf("store: list deal events: %w", err)
	}
	return collectEvents(rows)
}

func collectEvents(rows *sql.Rows) ([]domain.DealEvent, error) {
	defer rows.Close()
	var out []domain.DealEvent
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan deal event: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
