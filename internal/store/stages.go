package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

const stageCols = `workspace_id, key, name, position, kind, is_late, default_probability,
	prob_floor, prob_ceiling, rotting_days, stuck_days`

func insertStage(ctx context.Context, q runner, workspaceID string, st domain.Stage) error {
	_, err := q.exec(ctx, `INSERT INTO stages (`+stageCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		workspaceID, st.Key, st.Name, st.Position, st.Kind, st.IsLate, st.DefaultProbability,
		intOrNil(st.ProbFloor), intOrNil(st.ProbCeiling), intOrNil(st.RottingDays), intOrNil(st.StuckDays))
	return err
}

func scanStage(sc interface{ Scan(...any) error }) (domain.Stage, error) {
	var st domain.Stage
	var floor, ceil, rot, stuck sql.NullInt64
	err := sc.Scan(&st.WorkspaceID, &st.Key, &st.Name, &st.Position, &st.Kind, &st.IsLate, &st.DefaultProbability,
		&floor, &ceil, &rot, &stuck)
	st.ProbFloor, st.ProbCeiling, st.RottingDays, st.StuckDays = nullInt(floor), nullInt(ceil), nullInt(rot), nullInt(stuck)
	return st, err
}

// ListStages returns a workspace's stages in pipeline order.
func (s *Store) ListStages(ctx context.Context, workspaceID string) ([]domain.Stage, error) {
	return listStages(ctx, s.q, workspaceID)
}

func listStages(ctx context.Context, q runner, workspaceID string) ([]domain.Stage, error) {
	rows, err := q.query(ctx, `SELECT `+stageCols+` FROM stages WHERE workspace_id = $1 ORDER BY position, key`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: list stages: %w", err)
	}
	defer rows.Close()
	var out []domain.Stage
	for rows.Next() {
		st, err := scanStage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list stages: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// UpdateStageSettings changes an open stage's monitor settings and name.
// Keys and kinds are fixed: deals and the change log refer to them.
func (s *Store) UpdateStageSettings(ctx context.Context, st domain.Stage) error {
	var v domain.Validation
	if st.Name == "" {
		v.Add("name", "is required")
	}
	if st.DefaultProbability < 0 || st.DefaultProbability > 100 {
		v.Add("default_probability", "must be from 0 to 100")
	}
	checkPos := func(field string, p *int, lo, hi int) {
		if p != nil && (*p < lo || *p > hi) {
			v.Add(field, "must be from %d to %d", lo, hi)
		}
	}
	checkPos("prob_floor", st.ProbFloor, 0, 100)
	checkPos("prob_ceiling", st.ProbCeiling, 0, 100)
	checkPos("rotting_days", st.RottingDays, 1, 3650)
	checkPos("stuck_days", st.StuckDays, 1, 3650)
	if st.ProbFloor != nil && st.ProbCeiling != nil && *st.ProbFloor > *st.ProbCeiling {
		v.Add("prob_floor", "must not be above the ceiling")
	}
	if err := v.Err(); err != nil {
		return err
	}
	err := s.q.execOne(ctx, "stage", `UPDATE stages SET name = $1, is_late = $2, default_probability = $3, prob_floor = $4,
		prob_ceiling = $5, rotting_days = $6, stuck_days = $7 WHERE workspace_id = $8 AND key = $9`,
		st.Name, st.IsLate, st.DefaultProbability, intOrNil(st.ProbFloor), intOrNil(st.ProbCeiling),
		intOrNil(st.RottingDays), intOrNil(st.StuckDays), st.WorkspaceID, st.Key)
	if err != nil {
		return fmt.Errorf("store: update stage: %w", err)
	}
	return nil
}

func intOrNil(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func int64OrNil(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func nullInt64(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func strOrNil(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// ValidTimeZone reports whether name is a loadable IANA zone.
func ValidTimeZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}
