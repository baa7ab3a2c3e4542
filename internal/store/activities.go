package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

const activityCols = `id, workspace_id, deal_id, type, subject, content, scheduled_at, completed_at,
	created_by_kind, created_by_id, created_at, updated_at`

func scanActivity(sc interface{ Scan(...any) error }) (domain.Activity, error) {
	var a domain.Activity
	err := sc.Scan(&a.ID, &a.WorkspaceID, &a.DealID, &a.Type, &a.Subject, &a.Content, nullTimeScan{&a.ScheduledAt},
		nullTimeScan{&a.CompletedAt}, &a.CreatedBy.Kind, &a.CreatedBy.ID, timeScan{&a.CreatedAt}, timeScan{&a.UpdatedAt})
	return a, err
}

// NewActivity is the input of CreateActivity.
type NewActivity struct {
	Type        domain.ActivityType
	Subject     string
	Content     string
	ScheduledAt *time.Time
	CompletedAt *time.Time
}

// completionSlack tolerates clocks slightly ahead of ours.
const completionSlack = 5 * time.Minute

func validateActivity(v *domain.Validation, a domain.Activity, now time.Time) {
	if !a.Type.Valid() {
		v.Add("type", "must be one of email, call, meeting, note, task")
	}
	if strings.TrimSpace(a.Subject) == "" {
		v.Add("subject", "is required")
	} else if len(a.Subject) > 200 {
		v.Add("subject", "must be at most 200 characters")
	}
	if len(a.Content) > 10000 {
		v.Add("content", "must be at most 10000 characters")
	}
	if a.CompletedAt != nil && a.CompletedAt.After(now.Add(completionSlack)) {
		v.Add("completed_at", "must not be in the future")
	}
}

// CreateActivity adds an activity to a deal of the workspace. A completed
// email, call or meeting moves the deal's last_activity_at.
func (s *Store) CreateActivity(ctx context.Context, workspaceID, dealID string, n NewActivity, actor domain.Actor) (domain.Activity, error) {
	now := s.Now()
	a := domain.Activity{ID: newID(), WorkspaceID: workspaceID, DealID: dealID, Type: n.Type, Subject: strings.TrimSpace(n.Subject),
		Content: n.Content, ScheduledAt: truncp(n.ScheduledAt), CompletedAt: truncp(n.CompletedAt), CreatedBy: actor, CreatedAt: now, UpdatedAt: now}
	var v domain.Validation
	validateActivity(&v, a, now)
	if err := v.Err(); err != nil {
		return a, err
	}
	err := s.inTx(ctx, func(q runner) error {
		if err := dealExists(ctx, q, workspaceID, dealID); err != nil {
			return err
		}
		if _, err := q.exec(ctx, `INSERT INTO activities (`+activityCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11)`,
			a.ID, workspaceID, dealID, a.Type, a.Subject, a.Content, tsp(a.ScheduledAt), tsp(a.CompletedAt),
			actor.Kind, actor.ID, ts(now)); err != nil {
			return err
		}
		return refreshLastActivity(ctx, q, workspaceID, dealID)
	})
	if err != nil {
		return a, fmt.Errorf("store: create activity: %w", err)
	}
	return a, nil
}

// GetActivity returns an activity of the workspace.
func (s *Store) GetActivity(ctx context.Context, workspaceID, id string) (domain.Activity, error) {
	a, err := scanActivity(s.q.queryRow(ctx, `SELECT `+activityCols+` FROM activities WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return a, fmt.Errorf("store: get activity: %w", rowErr(err, "activity"))
	}
	return a, nil
}

// UpdateActivity applies a patch (completing an activity is a patch of
// completed_at) and keeps the deal's last_activity_at in step.
func (s *Store) UpdateActivity(ctx context.Context, workspaceID, id string, p domain.ActivityPatch) (domain.Activity, error) {
	var a domain.Activity
	err := s.inTx(ctx, func(q runner) error {
		var err error
		a, err = scanActivity(q.queryRow(ctx, `SELECT `+activityCols+` FROM activities WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
		if err != nil {
			return rowErr(err, "activity")
		}
		if p.Type != nil {
			a.Type = *p.Type
		}
		if p.Subject != nil {
			a.Subject = strings.TrimSpace(*p.Subject)
		}
		if p.Content != nil {
			a.Content = *p.Content
		}
		if p.ScheduledAt != nil {
			a.ScheduledAt = truncp(*p.ScheduledAt)
		}
		if p.CompletedAt != nil {
			a.CompletedAt = truncp(*p.CompletedAt)
		}
		now := s.Now()
		var v domain.Validation
		validateActivity(&v, a, now)
		if err := v.Err(); err != nil {
			return err
		}
		a.UpdatedAt = now
		if _, err := q.exec(ctx, `UPDATE activities SET type=$1, subject=$2, content=$3, scheduled_at=$4, completed_at=$5, updated_at=$6
			WHERE workspace_id=$7 AND id=$8`, a.Type, a.Subject, a.Content, tsp(a.ScheduledAt), tsp(a.CompletedAt), ts(now), workspaceID, id); err != nil {
			return err
		}
		return refreshLastActivity(ctx, q, workspaceID, a.DealID)
	})
	if err != nil {
		return a, fmt.Errorf("store: update activity: %w", err)
	}
	return a, nil
}

// DeleteActivity removes an activity and recomputes the deal's last activity.
func (s *Store) DeleteActivity(ctx context.Context, workspaceID, id string) error {
	err := s.inTx(ctx, func(q runner) error {
		var dealID string
		if err := q.queryRow(ctx, `SELECT deal_id FROM activities WHERE workspace_id = $1 AND id = $2`, workspaceID, id).Scan(&dealID); err != nil {
			return rowErr(err, "activity")
		}
		if _, err := q.exec(ctx, `DELETE FROM activities WHERE workspace_id = $1 AND id = $2`, workspaceID, id); err != nil {
			return err
		}
		return refreshLastActivity(ctx, q, workspaceID, dealID)
	})
	if err != nil {
		return fmt.Errorf("store: delete activity: %w", err)
	}
	return nil
}

// ListActivities returns a deal's activities, newest first.
func (s *Store) ListActivities(ctx context.Context, workspaceID, dealID string) ([]domain.Activity, error) {
	if err := dealExists(ctx, s.q, workspaceID, dealID); err != nil {
		return nil, fmt.Errorf("store: list activities: %w", err)
	}
	rows, err := s.q.query(ctx, `SELECT `+activityCols+` FROM activities WHERE workspace_id = $1 AND deal_id = $2
		ORDER BY COALESCE(completed_at, scheduled_at, created_at) DESC, id DESC`, workspaceID, dealID)
	if err != nil {
		return nil, fmt.Errorf("store: list activities: %w", err)
	}
	defer rows.Close()
	var out []domain.Activity
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list activities: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func dealExists(ctx context.Context, q runner, workspaceID, dealID string) error {
	var one int
	err := q.queryRow(ctx, `SELECT 1 FROM deals WHERE workspace_id = $1 AND id = $2`, workspaceID, dealID).Scan(&one)
	return rowErr(err, "deal")
}

// refreshLastActivity sets a deal's last_activity_at to its latest completed
// email, call or meeting (notes and tasks do not count as engagement).
func refreshLastActivity(ctx context.Context, q runner, workspaceID, dealID string) error {
	var latest sql.Null[any]
	if err := q.queryRow(ctx, `SELECT MAX(completed_at) FROM activities WHERE workspace_id = $1 AND deal_id = $2
		AND completed_at IS NOT NULL AND type IN ('email', 'call', 'meeting')`, workspaceID, dealID).Scan(&latest); err != nil {
		return err
	}
	at, err := aggTime(latest)
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, `UPDATE deals SET last_activity_at = $1 WHERE workspace_id = $2 AND id = $3`, tsp(at), workspaceID, dealID)
	return err
}

func truncp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Truncate(time.Microsecond)
	return &v
}
