package store

import (
	"context"
	"encoding/json"
	"fmt"

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
// transaction. Each deal is validated like CreateDeal's input; ids are
// assigned where empty.
func (s *Store) ImportDeals(ctx context.Context, workspaceID string, deals []ImportedDeal) error {
	err := s.inTx(ctx, func(q runner) error {
		ws, stages, err := workspaceAndStages(ctx, q, workspaceID)
		if err != nil {
			return err
		}
		for i := range deals {
			if err := importDeal(ctx, q, ws, stages, &deals[i]); err != nil {
				return fmt.Errorf("deal %d (%q): %w", i+1, deals[i].Deal.Title, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: import deals: %w", err)
	}
	return nil
}

func importDeal(ctx context.Context, q runner, ws domain.Workspace, stages []domain.Stage, in *ImportedDeal) error {
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
	if err := v.Err(); err != nil {
		return err
	}
	d.Status = stage.DealStatus()
	if d.UpdatedAt.IsZero() {
		d.UpdatedAt = d.CreatedAt
	}
	if d.StageEnteredAt.IsZero() {
		d.StageEnteredAt = d.CreatedAt
	}
	_, err := q.exec(ctx, `INSERT INTO deals (`+dealCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)`,
		d.ID, d.WorkspaceID, d.Title, int64OrNil(d.Value), d.Currency, d.Stage, intOrNil(d.Probability), datep(d.CloseDate),
		d.ContactName, d.ContactEmail, d.Company, strOrNil(d.OwnerID), d.Source, d.ExternalID, d.Status,
		ts(d.StageEnteredAt), nil, tsp(d.ClosedAt), ts(d.CreatedAt), ts(d.UpdatedAt))
	if err != nil {
		return err
	}
	hasCreated := false
	for _, e := range in.Events {
		hasCreated = hasCreated || e.Kind == domain.EventCreated
	}
	if !hasCreated {
		initial, _ := json.Marshal(createdValues(*d))
		in.Events = append([]domain.DealEvent{{Kind: domain.EventCreated, NewValue: ptr(string(initial)),
			Actor: domain.SystemActor, At: d.CreatedAt}}, in.Events...)
	}
	for _, e := range in.Events {
		e.WorkspaceID, e.DealID = ws.ID, d.ID
		if err := insertEvent(ctx, q, e); err != nil {
			return err
		}
	}
	for _, a := range in.Activities {
		if a.ID == "" {
			a.ID = newID()
		}
		if !a.Type.Valid() {
			return domain.Errorf(domain.KindInvalid, "activity type %q is not one of email, call, meeting, note, task", a.Type)
		}
		if a.UpdatedAt.IsZero() {
			a.UpdatedAt = a.CreatedAt
		}
		if _, err := q.exec(ctx, `INSERT INTO activities (`+activityCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
			a.ID, ws.ID, d.ID, a.Type, a.Subject, a.Content, tsp(a.ScheduledAt), tsp(a.CompletedAt),
			a.CreatedBy.Kind, a.CreatedBy.ID, ts(a.CreatedAt), ts(a.UpdatedAt)); err != nil {
			return err
		}
	}
	if len(in.Activities) > 0 {
		return refreshLastActivity(ctx, q, ws.ID, d.ID)
	}
	return nil
}
