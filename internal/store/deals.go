package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

const dealCols = `id, workspace_id, title, value, currency, stage, probability, close_date, contact_name, contact_email,
	company, owner_id, source, external_id, status, stage_entered_at, last_activity_at, closed_at, created_at, updated_at`

func scanDeal(sc interface{ Scan(...any) error }) (domain.Deal, error) {
	var d domain.Deal
	var value, prob sql.NullInt64
	var owner sql.NullString
	err := sc.Scan(&d.ID, &d.WorkspaceID, &d.Title, &value, &d.Currency, &d.Stage, &prob, nullDateScan{&d.CloseDate},
		&d.ContactName, &d.ContactEmail, &d.Company, &owner, &d.Source, &d.ExternalID, &d.Status,
		timeScan{&d.StageEnteredAt}, nullTimeScan{&d.LastActivityAt}, nullTimeScan{&d.ClosedAt},
		timeScan{&d.CreatedAt}, timeScan{&d.UpdatedAt})
	d.Value, d.Probability = nullInt64(value), nullInt(prob)
	if owner.Valid {
		d.OwnerID = &owner.String
	}
	return d, err
}

// NewDeal is the input of CreateDeal. Value is in minor units.
type NewDeal struct {
	Title          string
	Value          *int64
	Currency       string // empty: the workspace's
	Stage          string // empty: the first open stage
	Probability    *int   // nil: the stage's default
	CloseDate      *domain.Date
	ContactName    string
	ContactEmail   string
	Company        string
	OwnerID        *string
	Source         string
	ExternalID     string
	CreatedAt      *time.Time // imports from other CRMs; not in the future
	StageEnteredAt *time.Time // not before CreatedAt
}

// CreateDeal validates and inserts a deal with its created event.
func (s *Store) CreateDeal(ctx context.Context, workspaceID string, n NewDeal, actor domain.Actor) (domain.Deal, error) {
	var d domain.Deal
	err := s.inTx(ctx, func(q runner) error {
		ws, stages, err := workspaceAndStages(ctx, q, workspaceID)
		if err != nil {
			return err
		}
		now := s.Now()
		d, err = buildDeal(ctx, q, ws, stages, n, now)
		if err != nil {
			return err
		}
		_, err = q.exec(ctx, `INSERT INTO deals (`+dealCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)`,
			d.ID, d.WorkspaceID, d.Title, int64OrNil(d.Value), d.Currency, d.Stage, intOrNil(d.Probability), datep(d.CloseDate),
			d.ContactName, d.ContactEmail, d.Company, strOrNil(d.OwnerID), d.Source, d.ExternalID, d.Status,
			ts(d.StageEnteredAt), tsp(d.LastActivityAt), tsp(d.ClosedAt), ts(d.CreatedAt), ts(d.UpdatedAt))
		if err != nil {
			return err
		}
		initial, _ := json.Marshal(createdValues(d))
		return insertEvent(ctx, q, domain.DealEvent{WorkspaceID: workspaceID, DealID: d.ID, Kind: domain.EventCreated,
			NewValue: ptr(string(initial)), Actor: actor, At: d.CreatedAt})
	})
	if err != nil {
		return d, fmt.Errorf("store: create deal: %w", err)
	}
	return d, nil
}

func buildDeal(ctx context.Context, q runner, ws domain.Workspace, stages []domain.Stage, n NewDeal, now time.Time) (domain.Deal, error) {
	var v domain.Validation
	d := domain.Deal{ID: newID(), WorkspaceID: ws.ID, Title: strings.TrimSpace(n.Title), Value: n.Value,
		Currency: strings.ToUpper(n.Currency), Stage: n.Stage, Probability: n.Probability, CloseDate: n.CloseDate,
		ContactName: strings.TrimSpace(n.ContactName), ContactEmail: strings.TrimSpace(n.ContactEmail),
		Company: strings.TrimSpace(n.Company), OwnerID: n.OwnerID, Source: strings.TrimSpace(n.Source),
		ExternalID: strings.TrimSpace(n.ExternalID), CreatedAt: now, UpdatedAt: now}
	if d.Currency == "" {
		d.Currency = ws.Currency
	}
	if d.Stage == "" {
		d.Stage = firstOpenStage(stages)
	}
	validateDealFields(&v, d)
	if d.Currency != ws.Currency {
		v.Add("currency", "must be the workspace's currency (%s)", ws.Currency)
	}
	stage, ok := domain.StageByKey(stages, d.Stage)
	if !ok {
		v.Add("stage", "must be one of the workspace's stages: %s", stageKeys(stages))
	}
	if n.CreatedAt != nil {
		c := n.CreatedAt.UTC().Truncate(time.Microsecond)
		if c.After(now) {
			v.Add("created_at", "must not be in the future")
		}
		d.CreatedAt = c
	}
	d.StageEnteredAt = d.CreatedAt
	if n.StageEnteredAt != nil {
		e := n.StageEnteredAt.UTC().Truncate(time.Microsecond)
		switch {
		case e.After(now):
			v.Add("stage_entered_at", "must not be in the future")
		case e.Before(d.CreatedAt):
			v.Add("stage_entered_at", "must not be before created_at")
		}
		d.StageEnteredAt = e
	}
	if err := checkOwner(ctx, q, ws.ID, d.OwnerID, &v); err != nil {
		return d, err
	}
	if err := v.Err(); err != nil {
		return d, err
	}
	if d.Probability == nil {
		d.Probability = &stage.DefaultProbability
	}
	d.Status = stage.DealStatus()
	if d.Status != domain.DealOpen {
		d.ClosedAt = &d.StageEnteredAt
	}
	return d, nil
}

// validateDealFields checks what is independent of the workspace.
func validateDealFields(v *domain.Validation, d domain.Deal) {
	switch {
	case d.Title == "":
		v.Add("title", "is required")
	case len(d.Title) > 200:
		v.Add("title", "must be at most 200 characters")
	}
	if d.Value != nil && *d.Value < 0 {
		v.Add("value", "must not be negative")
	}
	if d.Probability != nil && (*d.Probability < 0 || *d.Probability > 100) {
		v.Add("probability", "must be a whole number from 0 to 100")
	}
	if d.ContactEmail != "" {
		if a, err := mail.ParseAddress(d.ContactEmail); err != nil || a.Address != d.ContactEmail {
			v.Add("contact_email", "must be an email address such as jane@example.com")
		}
	}
	for field, val := range map[string]string{"contact_name": d.ContactName, "company": d.Company, "source": d.Source, "external_id": d.ExternalID} {
		if len(val) > 200 {
			v.Add(field, "must be at most 200 characters")
		}
	}
}

func checkOwner(ctx context.Context, q runner, workspaceID string, owner *string, v *domain.Validation) error {
	if owner == nil {
		return nil
	}
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM workspace_members WHERE workspace_id = $1 AND user_id = $2`,
		workspaceID, *owner).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		v.Add("owner_id", "must be a member of the workspace")
	}
	return nil
}

func firstOpenStage(stages []domain.Stage) string {
	for _, s := range stages {
		if s.Kind == domain.StageOpen {
			return s.Key
		}
	}
	return ""
}

func stageKeys(stages []domain.Stage) string {
	keys := make([]string, len(stages))
	for i, s := range stages {
		keys[i] = s.Key
	}
	return strings.Join(keys, ", ")
}

func workspaceAndStages(ctx context.Context, q runner, workspaceID string) (domain.Workspace, []domain.Stage, error) {
	ws, err := scanWorkspace(q.queryRow(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = $1`, workspaceID))
	if err != nil {
		return ws, nil, rowErr(err, "workspace")
	}
	stages, err := listStages(ctx, q, workspaceID)
	return ws, stages, err
}

// CreatedEventValue is the created event's NewValue for a deal with these
// initial values: imports whose deals changed after creation pass a
// created event built from the deal as it was first entered.
func CreatedEventValue(d domain.Deal) string {
	b, _ := json.Marshal(createdValues(d))
	return string(b)
}

func createdValues(d domain.Deal) map[string]any {
	m := map[string]any{"title": d.Title, "stage": d.Stage, "currency": d.Currency, "status": d.Status,
		"stage_entered_at": d.StageEnteredAt.Format(time.RFC3339Nano)}
	if d.Value != nil {
		m["value"] = strconv.FormatInt(*d.Value, 10)
	}
	if d.Probability != nil {
		m["probability"] = strconv.Itoa(*d.Probability)
	}
	if d.CloseDate != nil {
		m["close_date"] = d.CloseDate.String()
	}
	if d.OwnerID != nil {
		m["owner_id"] = *d.OwnerID
	}
	return m
}

// GetDeal returns a deal of the workspace; another workspace's id is not found.
func (s *Store) GetDeal(ctx context.Context, workspaceID, id string) (domain.Deal, error) {
	d, err := scanDeal(s.q.queryRow(ctx, `SELECT `+dealCols+` FROM deals WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return d, fmt.Errorf("store: get deal: %w", rowErr(err, "deal"))
	}
	return d, nil
}

// DeleteDeal removes a deal with its activities, events and insights.
func (s *Store) DeleteDeal(ctx context.Context, workspaceID, id string) error {
	if err := s.q.execOne(ctx, "deal", `DELETE FROM deals WHERE workspace_id = $1 AND id = $2`, workspaceID, id); err != nil {
		return fmt.Errorf("store: delete deal: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
