package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// snapshotEventKinds are the change-log facts the rules read.
var snapshotEventKinds = `('created', 'stage_changed', 'value_changed', 'close_date_changed', 'reopened')`

// LoadSnapshot loads everything a monitor run analyses for one workspace
// with five set-based queries, whatever the number of deals.
func (s *Store) LoadSnapshot(ctx context.Context, workspaceID string) (domain.WorkspaceSnapshot, error) {
	var snap domain.WorkspaceSnapshot
	var err error
	snap.Workspace, snap.Stages, err = workspaceAndStages(ctx, s.q, workspaceID)
	if err != nil {
		return snap, fmt.Errorf("store: load snapshot: %w", err)
	}
	rows, err := s.q.query(ctx, `SELECT `+dealCols+` FROM deals WHERE workspace_id = $1 AND status = 'open' ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return snap, fmt.Errorf("store: load snapshot: deals: %w", err)
	}
	index := map[string]int{}
	for rows.Next() {
		d, err := scanDeal(rows)
		if err != nil {
			rows.Close()
			return snap, fmt.Errorf("store: load snapshot: deals: %w", err)
		}
		index[d.ID] = len(snap.Deals)
		snap.Deals = append(snap.Deals, domain.DealSnapshot{Deal: d})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return snap, fmt.Errorf("store: load snapshot: deals: %w", err)
	}
	if err := s.loadActivityFacts(ctx, workspaceID, snap.Deals, index); err != nil {
		return snap, err
	}
	events, err := s.q.query(ctx, `SELECT e.id, e.workspace_id, e.deal_id, e.kind, e.old_value, e.new_value, e.actor_kind, e.actor_id, e.at
		FROM deal_events e JOIN deals d ON d.id = e.deal_id
		WHERE e.workspace_id = $1 AND d.status = 'open' AND e.kind IN `+snapshotEventKinds+` ORDER BY e.deal_id, e.at, e.id`, workspaceID)
	if err != nil {
		return snap, fmt.Errorf("store: load snapshot: events: %w", err)
	}
	all, err := collectEvents(events)
	if err != nil {
		return snap, err
	}
	for _, e := range all {
		if i, ok := index[e.DealID]; ok {
			snap.Deals[i].Events = append(snap.Deals[i].Events, e)
		}
	}
	won, err := s.q.query(ctx, `SELECT e.id, e.workspace_id, e.deal_id, e.kind, e.old_value, e.new_value, e.actor_kind, e.actor_id, e.at
		FROM deal_events e JOIN deals d ON d.id = e.deal_id
		WHERE e.workspace_id = $1 AND d.status = 'won' AND e.kind IN ('created', 'stage_changed') ORDER BY e.deal_id, e.at, e.id`, workspaceID)
	if err != nil {
		return snap, fmt.Errorf("store: load snapshot: won history: %w", err)
	}
	wonEvents, err := collectEvents(won)
	if err != nil {
		return snap, err
	}
	snap.WonHistories = map[string][]domain.DealEvent{}
	for _, e := range wonEvents {
		snap.WonHistories[e.DealID] = append(snap.WonHistories[e.DealID], e)
	}
	return snap, nil
}

func (s *Store) loadActivityFacts(ctx context.Context, workspaceID string, deals []domain.DealSnapshot, index map[string]int) error {
	rows, err := s.q.query(ctx, `SELECT a.deal_id,
		MAX(CASE WHEN a.completed_at IS NOT NULL AND a.type IN ('email', 'call', 'meeting') THEN a.completed_at END),
		MAX(CASE WHEN a.completed_at IS NULL THEN a.scheduled_at END),
		SUM(CASE WHEN a.completed_at IS NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.completed_at IS NOT NULL THEN 1 ELSE 0 END)
		FROM activities a JOIN deals d ON d.id = a.deal_id
		WHERE a.workspace_id = $1 AND d.status = 'open' GROUP BY a.deal_id`, workspaceID)
	if err != nil {
		return fmt.Errorf("store: load snapshot: activities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dealID string
		var lastEng, nextOpen sql.Null[any]
		var open, done int
		if err := rows.Scan(&dealID, &lastEng, &nextOpen, &open, &done); err != nil {
			return fmt.Errorf("store: load snapshot: activities: %w", err)
		}
		i, ok := index[dealID]
		if !ok {
			continue
		}
		ds := &deals[i]
		ds.OpenActivities, ds.CompletedActivities = open, done
		if ds.LastEngagementAt, err = aggTime(lastEng); err != nil {
			return err
		}
		if ds.LatestOpenScheduledAt, err = aggTime(nextOpen); err != nil {
			return err
		}
	}
	return rows.Err()
}

// aggTime reads a time produced by an aggregate: SQLite returns text there.
func aggTime(v sql.Null[any]) (*time.Time, error) {
	if !v.Valid || v.V == nil {
		return nil, nil
	}
	t, err := ParseTime(v.V)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
