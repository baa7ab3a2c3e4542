package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
)

// A large workspace is analysed in chunks of deals (design §4, "The
// workspace run"): LoadRunInputs reads the workspace-wide inputs once with
// cheap queries, then LoadDealChunk and OpenInsightStatesOfDeals read one
// chunk at a time, so a run holds one chunk's snapshot and insights, never
// the whole workspace's. A chunk is a list of deal ids sent as one JSON
// array parameter: no statement grows with the chunk, and no comparison
// of ids depends on the database's collation.

// RunInputs is what a monitor run reads once per workspace.
type RunInputs struct {
	Workspace domain.Workspace
	Stages    []domain.Stage
	// WonHistories holds won deals' stage histories, for learned norms.
	WonHistories map[string][]domain.DealEvent
	// OpenDealIDs are the workspace's open deals, in byte order.
	OpenDealIDs []string
	// OpenValues are the values (minor units) of the open deals that have
	// one, for the high-value threshold.
	OpenValues []int64
}

// Snapshot returns the inputs as a snapshot of the given deals.
func (in RunInputs) Snapshot(deals []domain.DealSnapshot) domain.WorkspaceSnapshot {
	return domain.WorkspaceSnapshot{Workspace: in.Workspace, Stages: in.Stages, Deals: deals, WonHistories: in.WonHistories}
}

// LoadRunInputs reads the workspace, its stages, the won deals' stage
// histories and the id and value of every open deal. A deleted workspace
// is a domain.KindNotFound error.
func (s *Store) LoadRunInputs(ctx context.Context, workspaceID string) (RunInputs, error) {
	var in RunInputs
	var err error
	in.Workspace, in.Stages, err = workspaceAndStages(ctx, s.q, workspaceID)
	if err != nil {
		return in, fmt.Errorf("store: load snapshot: %w", err)
	}
	rows, err := s.q.query(ctx, `SELECT id, value FROM deals WHERE workspace_id = $1 AND status = 'open'`, workspaceID)
	if err != nil {
		return in, fmt.Errorf("store: load snapshot: open deals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var value *int64
		if err := rows.Scan(&id, &value); err != nil {
			return in, fmt.Errorf("store: load snapshot: open deals: %w", err)
		}
		in.OpenDealIDs = append(in.OpenDealIDs, id)
		if value != nil {
			in.OpenValues = append(in.OpenValues, *value)
		}
	}
	if err := rows.Err(); err != nil {
		return in, fmt.Errorf("store: load snapshot: open deals: %w", err)
	}
	rows.Close()
	slices.Sort(in.OpenDealIDs)
	if in.WonHistories, err = s.wonHistories(ctx, workspaceID); err != nil {
		return in, err
	}
	return in, nil
}

// chunkFilter is the condition that picks a chunk's rows of a table
// indexed by (workspace_id, ..., deal_id) through column col, with its
// arguments after the workspace ($1). On SQLite, which compares text
// byte-wise as Go does, it is the range from the chunk's first id to its
// last (sorted ids): one index range per statement instead of a seek per
// id; rows of other deals in the range are dropped by the caller. On
// PostgreSQL a range would follow the column's collation, so it is the list.
func (s *Store) chunkFilter(col string, ids []string, list string) (string, []any) {
	if s.dialect == SQLite {
		return col + " BETWEEN $2 AND $3", []any{ids[0], ids[len(ids)-1]}
	}
	return col + " IN (" + s.idList(2) + ")", []any{list}
}

// idList is a subquery yielding the ids of the JSON array parameter $n.
func (s *Store) idList(n int) string {
	if s.dialect == Postgres {
		return fmt.Sprintf("SELECT json_array_elements_text($%d::json)", n)
	}
	return fmt.Sprintf("SELECT value FROM json_each($%d)", n)
}

func idsJSON(ids []string) (string, error) {
	b, err := json.Marshal(ids)
	if err != nil {
		return "", fmt.Errorf("deal ids: %w", err)
	}
	return string(b), nil
}

// LoadDealChunk loads the snapshots of the deals among ids (sorted) that
// are still open deals of the workspace, with their activity facts and
// change log, in three queries. The deals come back in id order.
func (s *Store) LoadDealChunk(ctx context.Context, workspaceID string, ids []string) ([]domain.DealSnapshot, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := idsJSON(ids)
	if err != nil {
		return nil, fmt.Errorf("store: load snapshot: %w", err)
	}
	// Looked up by primary key and filtered here: with the workspace and
	// status in the WHERE clause SQLite may prefer the (workspace, status)
	// index and scan every open deal of the workspace for each chunk.
	rows, err := s.q.query(ctx, `SELECT `+s.snapshotDealCols()+` FROM deals WHERE id IN (`+s.idList(1)+`)`, list)
	if err != nil {
		return nil, fmt.Errorf("store: load snapshot: deals: %w", err)
	}
	deals := make([]domain.DealSnapshot, 0, len(ids))
	for rows.Next() {
		d, err := scanSnapshotDeal(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: load snapshot: deals: %w", err)
		}
		if d.WorkspaceID == workspaceID && d.Status == domain.DealOpen {
			deals = append(deals, domain.DealSnapshot{Deal: d})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load snapshot: deals: %w", err)
	}
	slices.SortFunc(deals, func(a, b domain.DealSnapshot) int { return strings.Compare(a.Deal.ID, b.Deal.ID) })
	index := make(map[string]int, len(deals))
	for i := range deals {
		index[deals[i].Deal.ID] = i
	}
	if !slices.IsSorted(ids) {
		return nil, fmt.Errorf("store: load snapshot: deal ids not sorted")
	}
	cond, args := s.chunkFilter("a.deal_id", ids, list)
	facts, err := s.q.query(ctx, activityFactCols+` WHERE a.workspace_id = $1 AND `+cond+` GROUP BY a.deal_id`,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: load snapshot: activities: %w", err)
	}
	if err := scanActivityFacts(facts, deals, index); err != nil {
		return nil, err
	}
	cond, args = s.chunkFilter("e.deal_id", ids, list)
	events, err := s.q.query(ctx, `SELECT `+s.snapshotEventCols()+`
		FROM deal_events e WHERE e.workspace_id = $1 AND e.kind IN `+snapshotEventKinds+` AND `+cond,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: load snapshot: events: %w", err)
	}
	if err := scanChunkEvents(events, workspaceID, deals, index); err != nil {
		return nil, err
	}
	for i := range deals {
		sortEvents(deals[i].Events)
	}
	return deals, nil
}

// scanChunkEvents appends each event to its deal's change log, straight
// from the rows (no workspace-wide slice); events of deals not in the chunk
// (the SQLite range also covers closed deals) are dropped.
func scanChunkEvents(rows *sql.Rows, workspaceID string, deals []domain.DealSnapshot, index map[string]int) error {
	defer rows.Close()
	for rows.Next() {
		e := domain.DealEvent{WorkspaceID: workspaceID}
		var oldV, newV sql.NullString
		if err := rows.Scan(&e.ID, &e.DealID, &e.Kind, &oldV, &newV, fastTimeScan{&e.At}); err != nil {
			return fmt.Errorf("store: load snapshot: events: %w", err)
		}
		i, ok := index[e.DealID]
		if !ok {
			continue
		}
		e.DealID = deals[i].Deal.ID // one string per deal, not one per event
		if oldV.Valid {
			e.OldValue = &oldV.String
		}
		if newV.Valid {
			e.NewValue = &newV.String
		}
		deals[i].Events = append(deals[i].Events, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: load snapshot: events: %w", err)
	}
	return nil
}

const insightStateCols = `id, deal_id, rule, fingerprint, priority, max_priority_notified, status, snoozed_until, evidence, narration_key`

// OpenInsightStatesOfDeals returns the open insights of the given deals.
func (s *Store) OpenInsightStatesOfDeals(ctx context.Context, workspaceID string, ids []string) ([]InsightState, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := idsJSON(ids)
	if err != nil {
		return nil, fmt.Errorf("store: open insights: %w", err)
	}
	// On SQLite the unary + keeps the workspace out of index selection:
	// through (workspace_id, status) every chunk would read every open
	// insight of the workspace instead of its deals' through insights_deal.
	ws := "workspace_id"
	if s.dialect == SQLite {
		ws = "+workspace_id"
	}
	return s.insightStates(ctx, `SELECT `+insightStateCols+` FROM insights
		WHERE deal_id IN (`+s.idList(2)+`) AND `+ws+` = $1 AND status <> 'resolved'`, workspaceID, list)
}

// OpenInsightDealIDs returns the ids of the deals that have an open
// insight, in byte order. It reads only the partial unique index of open
// fingerprints (domain.Fingerprint is the rule, a colon and the deal id).
func (s *Store) OpenInsightDealIDs(ctx context.Context, workspaceID string) ([]string, error) {
	rows, err := s.q.query(ctx, `SELECT fingerprint FROM insights WHERE workspace_id = $1 AND status <> 'resolved'
		ORDER BY fingerprint`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: open insight deals: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []string
	for rows.Next() {
		var fp string
		if err := rows.Scan(&fp); err != nil {
			return nil, fmt.Errorf("store: open insight deals: %w", err)
		}
		_, deal, ok := strings.Cut(fp, ":")
		if !ok {
			return nil, fmt.Errorf("store: open insight deals: fingerprint %q has no deal id", fp)
		}
		if !seen[deal] {
			seen[deal] = true
			out = append(out, deal)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: open insight deals: %w", err)
	}
	slices.Sort(out)
	return out, nil
}
