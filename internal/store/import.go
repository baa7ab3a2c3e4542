package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
)

// ImportedDeal is a deal with its history, as an import from another CRM
// (or the demo) brings it: times are kept as given, not stamped now.
type ImportedDeal struct {
	Deal       domain.Deal
	Events     []domain.DealEvent // the created event is added when absent
	Activities []domain.Activity
}

// ImportDeals inserts deals with their change log and activities in one
// transaction, validated like CreateDeal's input; ids are assigned where
// empty. Rows go in as multi-row INSERTs: an import is bound by round trips,
// not by the database.
func (s *Store) ImportDeals(ctx context.Context, workspaceID string, deals []ImportedDeal) error {
	err := s.inTx(ctx, func(q runner) error {
		ws, stages, err := workspaceAndStages(ctx, q, workspaceID)
		if err != nil {
			return err
		}
		var dealRows, eventRows, activityRows [][]any
		for i := range deals {
			if err := prepareImport(ws, stages, &deals[i]); err != nil {
				return fmt.Errorf("deal %d (%q): %w", i+1, deals[i].Deal.Title, err)
			}
			d := deals[i].Deal
			dealRows = append(dealRows, []any{d.ID, d.WorkspaceID, d.Title, int64OrNil(d.Value), d.Currency, d.Stage,
				intOrNil(d.Probability), datep(d.CloseDate), d.ContactName, d.ContactEmail, d.Company, strOrNil(d.OwnerID),
				d.Source, d.ExternalID, d.Status, ts(d.StageEnteredAt), tsp(d.LastActivityAt), tsp(d.ClosedAt), ts(d.CreatedAt), ts(d.UpdatedAt)})
			for _, e := range deals[i].Events {
				eventRows = append(eventRows, []any{e.ID, ws.ID, d.ID, e.Kind, strOrNil(e.OldValue), strOrNil(e.NewValue), e.Actor.Kind, e.Actor.ID, ts(e.At)})
			}
			for _, a := range deals[i].Activities {
				activityRows = append(activityRows, []any{a.ID, ws.ID, d.ID, a.Type, a.Subject, a.Content, tsp(a.ScheduledAt),
					tsp(a.CompletedAt), a.CreatedBy.Kind, a.CreatedBy.ID, ts(a.CreatedAt), ts(a.UpdatedAt)})
			}
		}
		if err := insertRows(ctx, q, s.maxParams(), "deals", dealCols, dealRows); err != nil {
			return err
		}
		if err := insertRows(ctx, q, s.maxParams(), "deal_events", eventCols, eventRows); err != nil {
			return err
		}
		return insertRows(ctx, q, s.maxParams(), "activities", activityCols, activityRows)
	})
	if err != nil {
		return fmt.Errorf("store: import deals: %w", err)
	}
	return nil
}

// prepareImport validates one imported deal and fills in what it derives:
// ids, status from the stage, the created event, last_activity_at.
func prepareImport(ws domain.Workspace, stages []domain.Stage, in *ImportedDeal) error {
	d := &in.Deal
	if d.ID == "" {
		d.ID = newID()
	}
	d.WorkspaceID = ws.ID
	if d.Currency == "" {
		d.Currency = ws.Currency
	}
	var v domain.Validation
	validateDealFields(&v, *d)
	stage, ok := domain.StageByKey(stages, d.Stage)
	if !ok {
		v.Add("stage", "must be one of the workspace's stages: %s", stageKeys(stages))
	}
	if d.Currency != ws.Currency {
		v.Add("currency", "must be the workspace's currency (%s)", ws.Currency)
	}
	if d.CreatedAt.IsZero() {
		v.Add("created_at", "is required for an import")
	}
	for i, a := range in.Activities {
		if !a.Type.Valid() {
			v.Add(fmt.Sprintf("activities[%d].type", i), "must be one of email, call, meeting, note, task")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	d.Status = stage.DealStatus()
	if d.StageEnteredAt.IsZero() {
		d.StageEnteredAt = d.CreatedAt
	}
	if d.UpdatedAt.IsZero() {
		d.UpdatedAt = d.CreatedAt
	}
	d.LastActivityAt = nil
	for i := range in.Activities {
		a := &in.Activities[i]
		if a.ID == "" {
			a.ID = newID()
		}
		if a.UpdatedAt.IsZero() {
			a.UpdatedAt = a.CreatedAt
		}
		if a.CompletedAt != nil && a.Type.Engages() && (d.LastActivityAt == nil || a.CompletedAt.After(*d.LastActivityAt)) {
			d.LastActivityAt = a.CompletedAt
		}
	}
	hasCreated := false
	for i := range in.Events {
		if in.Events[i].ID == "" {
			in.Events[i].ID = newID()
		}
		hasCreated = hasCreated || in.Events[i].Kind == domain.EventCreated
	}
	if !hasCreated {
		initial, _ := json.Marshal(createdValues(*d))
		in.Events = append([]domain.DealEvent{{ID: newID(), Kind: domain.EventCreated, NewValue: ptr(string(initial)),
			Actor: domain.SystemActor, At: d.CreatedAt}}, in.Events...)
	}
	return nil
}

// maxParams bounds the parameters of one INSERT per dialect. Both databases
// allow far more, but modernc's binding cost grows faster than linearly
// with the statement size (30,000 parameters made SQLite imports 15×
// slower) and SQLite has no round trips to save, while PostgreSQL gains
// from every row a statement carries.
func (s *Store) maxParams() int {
	if s.dialect == Postgres {
		return 10_000
	}
	return 400
}

// insertRows inserts rows with multi-row INSERT statements.
func insertRows(ctx context.Context, q runner, maxParams int, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := maxParams / width
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		args := make([]any, 0, len(chunk)*width)
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, cols)
		for i, row := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j := range row {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString("$" + strconv.Itoa(len(args)+j+1))
			}
			b.WriteByte(')')
			args = append(args, row...)
		}
		if _, err := q.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}
