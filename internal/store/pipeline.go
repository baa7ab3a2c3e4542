package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// WinRateWindow is how far back the pipeline's win rate looks.
const WinRateWindow = 90 * 24 * time.Hour

// PipelineStage is one stage's deals. Values are in minor units; a deal
// without a value counts in Count but adds nothing to Value.
type PipelineStage struct {
	Key   string
	Name  string
	Kind  domain.StageKind
	Count int
	Value int64
}

// Pipeline is a workspace's pipeline at a glance.
type Pipeline struct {
	Currency string
	// Open deals: how many, their total value, their value weighted by
	// probability (a deal without one uses its stage's default), and the
	// average value of those that have one.
	OpenCount       int
	Valued          int // open deals with a value
	OpenValue       int64
	WeightedValue   int64
	AverageDealSize int64
	Stages          []PipelineStage
	// Deals won and lost since Since; WinRate is won / (won + lost), nil
	// when nothing closed.
	Since   time.Time
	Won     int
	Lost    int
	WinRate *float64
	// OpenInsights counts insights not resolved, by priority.
	OpenInsights map[domain.Priority]int
}

// Pipeline summarises a workspace's pipeline with two set-based queries:
// one over deals grouped by stage, one over open insights by priority.
func (s *Store) Pipeline(ctx context.Context, workspaceID string) (Pipeline, error) {
	ws, stages, err := workspaceAndStages(ctx, s.q, workspaceID)
	if err != nil {
		return Pipeline{}, fmt.Errorf("store: pipeline: %w", err)
	}
	now := s.Now()
	p := Pipeline{Currency: ws.Currency, Since: now.Add(-WinRateWindow), OpenInsights: map[domain.Priority]int{}}
	byKey := map[string]*PipelineStage{}
	for _, st := range stages {
		p.Stages = append(p.Stages, PipelineStage{Key: st.Key, Name: st.Name, Kind: st.Kind})
	}
	for i := range p.Stages {
		byKey[p.Stages[i].Key] = &p.Stages[i]
	}
	rows, err := s.q.query(ctx, `SELECT d.stage, d.status, COUNT(*), COUNT(d.value),
			CAST(COALESCE(SUM(d.value), 0) AS BIGINT),
			CAST(COALESCE(SUM(d.value * COALESCE(d.probability, st.default_probability, 0)), 0) AS BIGINT),
			COALESCE(SUM(CASE WHEN d.closed_at >= $2 THEN 1 ELSE 0 END), 0)
		FROM deals d LEFT JOIN stages st ON st.workspace_id = d.workspace_id AND st.key = d.stage
		WHERE d.workspace_id = $1 GROUP BY d.stage, d.status`, workspaceID, ts(p.Since))
	if err != nil {
		return Pipeline{}, fmt.Errorf("store: pipeline: %w", err)
	}
	defer rows.Close()
	var valued int
	var weightedCents int64 // Σ value × percent: minor units × 100
	for rows.Next() {
		var stage string
		var status domain.DealStatus
		var count, withValue, closedRecently int
		var value, weighted int64
		if err := rows.Scan(&stage, &status, &count, &withValue, &value, &weighted, &closedRecently); err != nil {
			return Pipeline{}, fmt.Errorf("store: pipeline: %w", err)
		}
		if st, ok := byKey[stage]; ok {
			st.Count += count
			st.Value += value
		}
		switch status {
		case domain.DealOpen:
			p.OpenCount += count
			p.OpenValue += value
			valued += withValue
			weightedCents += weighted
		case domain.DealWon:
			p.Won += closedRecently
		case domain.DealLost:
			p.Lost += closedRecently
		}
	}
	if err := rows.Err(); err != nil {
		return Pipeline{}, fmt.Errorf("store: pipeline: %w", err)
	}
	p.WeightedValue = (weightedCents + 50) / 100
	p.Valued = valued
	if valued > 0 {
		p.AverageDealSize = (p.OpenValue + int64(valued)/2) / int64(valued)
	}
	if p.Won+p.Lost > 0 {
		r := float64(p.Won) / float64(p.Won+p.Lost)
		p.WinRate = &r
	}
	irows, err := s.q.query(ctx, `SELECT priority_rank, COUNT(*) FROM insights
		WHERE workspace_id = $1 AND status <> 'resolved' GROUP BY priority_rank`, workspaceID)
	if err != nil {
		return Pipeline{}, fmt.Errorf("store: pipeline insights: %w", err)
	}
	defer irows.Close()
	for _, pr := range domain.Priorities {
		p.OpenInsights[pr] = 0
	}
	for irows.Next() {
		var rank, n int
		if err := irows.Scan(&rank, &n); err != nil {
			return Pipeline{}, fmt.Errorf("store: pipeline insights: %w", err)
		}
		p.OpenInsights[domain.PriorityFromRank(rank)] += n
	}
	return p, irows.Err()
}
