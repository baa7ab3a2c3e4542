package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
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
	rows, err := s.q.query(ctx, `SELECT `+s.snapshotDealCols()+` FROM deals WHERE workspace_id = $1 AND status = 'open' ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return snap, fmt.Errorf("store: load snapshot: deals: %w", err)
	}
	index := map[string]int{}
	for rows.Next() {
		d, err := scanSnapshotDeal(rows)
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
	events, err := s.q.query(ctx, `SELECT `+s.snapshotEventCols()+`
		FROM deal_events e
		WHERE e.workspace_id = $1 AND e.kind IN `+snapshotEventKinds+`
		AND e.deal_id IN (SELECT id FROM deals WHERE workspace_id = $1 AND status = 'open')`, workspaceID)
	if err != nil {
		return snap, fmt.Errorf("store: load snapshot: events: %w", err)
	}
	all, err := collectSnapshotEvents(events, workspaceID)
	if err != nil {
		return snap, err
	}
	for _, e := range all {
		if i, ok := index[e.DealID]; ok {
			snap.Deals[i].Events = append(snap.Deals[i].Events, e)
		}
	}
	for i := range snap.Deals {
		sortEvents(snap.Deals[i].Events)
	}
	if snap.WonHistories, err = s.wonHistories(ctx, workspaceID); err != nil {
		return snap, err
	}
	return snap, nil
}

// wonHistories loads the stage history (created and stage_changed events)
// of the workspace's won deals, by deal id, oldest first.
func (s *Store) wonHistories(ctx context.Context, workspaceID string) (map[string][]domain.DealEvent, error) {
	won, err := s.q.query(ctx, `SELECT `+s.snapshotEventCols()+`
		FROM deal_events e
		WHERE e.workspace_id = $1 AND e.kind IN ('created', 'stage_changed')
		AND e.deal_id IN (SELECT id FROM deals WHERE workspace_id = $1 AND status = 'won')`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: load snapshot: won history: %w", err)
	}
	wonEvents, err := collectSnapshotEvents(won, workspaceID)
	if err != nil {
		return nil, err
	}
	out := map[string][]domain.DealEvent{}
	for _, e := range wonEvents {
		out[e.DealID] = append(out[e.DealID], e)
	}
	for _, h := range out {
		sortEvents(h)
	}
	return out, nil
}

const activityFactCols = `SELECT a.deal_id,
		MAX(CASE WHEN a.completed_at IS NOT NULL AND a.type IN ('email', 'call', 'meeting') THEN a.completed_at END),
		MAX(CASE WHEN a.completed_at IS NULL THEN a.scheduled_at END),
		SUM(CASE WHEN a.completed_at IS NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.completed_at IS NOT NULL THEN 1 ELSE 0 END)
		FROM activities a`

func (s *Store) loadActivityFacts(ctx context.Context, workspaceID string, deals []domain.DealSnapshot, index map[string]int) error {
	rows, err := s.q.query(ctx, activityFactCols+` WHERE a.workspace_id = $1 GROUP BY a.deal_id`, workspaceID)
	if err != nil {
		return fmt.Errorf("store: load snapshot: activities: %w", err)
	}
	return scanActivityFacts(rows, deals, index)
}

func scanActivityFacts(rows *sql.Rows, deals []domain.DealSnapshot, index map[string]int) error {
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
		var err error
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
	t, err := fastTime(v.V)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// snapshotEventCols are the change-log columns the rules read, all in the
// deal_events_ws_snapshot index so SQLite never visits the table.
func (s *Store) snapshotEventCols() string {
	return "e.id, e.deal_id, e.kind, e.old_value, e.new_value, " + s.timeText("e.at")
}

func collectSnapshotEvents(rows *sql.Rows, workspaceID string) ([]domain.DealEvent, error) {
	defer rows.Close()
	var out []domain.DealEvent
	for rows.Next() {
		e := domain.DealEvent{WorkspaceID: workspaceID}
		var oldV, newV sql.NullString
		if err := rows.Scan(&e.ID, &e.DealID, &e.Kind, &oldV, &newV, fastTimeScan{&e.At}); err != nil {
			return nil, fmt.Errorf("store: load snapshot: events: %w", err)
		}
		if oldV.Valid {
			e.OldValue = &oldV.String
		}
		if newV.Valid {
			e.NewValue = &newV.String
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// sortEvents orders one deal's events oldest first. Sorting per deal in Go
// lets the queries above read the change log in index order without a
// database-wide sort (or a join back to deals per row).
func sortEvents(ev []domain.DealEvent) {
	slices.SortFunc(ev, func(a, b domain.DealEvent) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
