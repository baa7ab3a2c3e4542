package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

const insightCols = `id, workspace_id, deal_id, rule, fingerprint, type, title, description, priority, max_priority_notified,
	severity, confidence, evidence, actions, status, snoozed_until, narrator, narration_key, tokens_in, tokens_out, cost_usd,
	first_seen_at, resolved_at, created_at, updated_at`

func scanInsight(sc interface{ Scan(...any) error }) (domain.Insight, error) {
	var in domain.Insight
	var maxRank int
	var evidence, actions string
	err := sc.Scan(&in.ID, &in.WorkspaceID, &in.DealID, &in.Rule, &in.Fingerprint, &in.Type, &in.Title, &in.Description,
		&in.Priority, &maxRank, &in.Severity, &in.Confidence, &evidence, &actions, &in.Status, nullTimeScan{&in.SnoozedUntil},
		&in.Narrator, &in.NarrationKey, &in.TokensIn, &in.TokensOut, &in.CostUSD, timeScan{&in.FirstSeenAt},
		nullTimeScan{&in.ResolvedAt}, timeScan{&in.CreatedAt}, timeScan{&in.UpdatedAt})
	if err != nil {
		return in, err
	}
	in.MaxPriorityNotified = domain.PriorityFromRank(maxRank)
	if err := json.Unmarshal([]byte(evidence), &in.Evidence); err != nil {
		return in, fmt.Errorf("insight %s evidence: %w", in.ID, err)
	}
	if err := json.Unmarshal([]byte(actions), &in.Actions); err != nil {
		return in, fmt.Errorf("insight %s actions: %w", in.ID, err)
	}
	return in, nil
}

// GetInsight returns an insight of the workspace.
func (s *Store) GetInsight(ctx context.Context, workspaceID, id string) (domain.Insight, error) {
	in, err := scanInsight(s.q.queryRow(ctx, `SELECT `+insightCols+` FROM insights WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return in, fmt.Errorf("store: get insight: %w", rowErr(err, "insight"))
	}
	return in, nil
}

// ListInsights returns a page of insights, highest priority first, then
// newest, and the cursor of the next page.
func (s *Store) ListInsights(ctx context.Context, workspaceID string, f domain.InsightFilter) ([]domain.Insight, string, error) {
	where := []string{"workspace_id = $1"}
	args := []any{workspaceID}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	var v domain.Validation
	if f.Status != "" {
		where = append(where, "status = "+arg(string(f.Status)))
	} else if f.Open {
		where = append(where, "status <> 'resolved'")
	}
	if f.Priority != "" {
		if f.Priority.Rank() < 0 {
			v.Add("priority", "must be one of low, medium, high, critical")
		}
		where = append(where, "priority_rank = "+arg(f.Priority.Rank()))
	}
	if f.Rule != "" {
		where = append(where, "rule = "+arg(f.Rule))
	}
	if f.DealID != "" {
		where = append(where, "deal_id = "+arg(f.DealID))
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	const sortKey = "priority"
	cur, err := decodeCursor(f.Cursor, sortKey)
	if err != nil {
		return nil, "", err
	}
	if cur != nil {
		rank, at, ok := strings.Cut(cur.Value, "|")
		r, err1 := strconv.Atoi(rank)
		t, err2 := time.Parse(time.RFC3339Nano, at)
		if !ok || err1 != nil || err2 != nil {
			return nil, "", &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
				Fields: []domain.FieldError{{Field: "cursor", Message: "is not a cursor from this list"}}}
		}
		pr, pt, pid := arg(r), arg(ts(t)), arg(cur.ID)
		where = append(where, fmt.Sprintf(`(priority_rank < %[1]s OR (priority_rank = %[1]s AND (created_at < %[2]s OR (created_at = %[2]s AND id < %[3]s))))`, pr, pt, pid))
	}
	limit := clampLimit(f.Limit)
	rows, err := s.q.query(ctx, fmt.Sprintf(`SELECT %s FROM insights WHERE %s ORDER BY priority_rank DESC, created_at DESC, id DESC LIMIT %d`,
		insightCols, strings.Join(where, " AND "), limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list insights: %w", err)
	}
	defer rows.Close()
	var out []domain.Insight
	for rows.Next() {
		in, err := scanInsight(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: list insights: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: list insights: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[len(out)-1]
		next = encodeCursor(cursor{Sort: sortKey, Value: strconv.Itoa(last.Priority.Rank()) + "|" + last.CreatedAt.Format(time.RFC3339Nano), ID: last.ID})
	}
	return out, next, nil
}

// InsightChange is a user's response to an insight.
type InsightChange struct {
	Status       domain.InsightStatus // viewed | actioned | dismissed | snoozed
	SnoozedUntil *time.Time           // required with snoozed, in the future
	Reason       string
}

// SetInsightStatus records a user's response: the status changes (viewed
// never downgrades actioned/dismissed/snoozed) and the feedback row is
// written in the same transaction.
func (s *Store) SetInsightStatus(ctx context.Context, workspaceID, id string, ch InsightChange, actor domain.Actor) (domain.Insight, error) {
	now := s.Now()
	var v domain.Validation
	if !ch.Status.UserSettable() {
		v.Add("status", "must be one of viewed, actioned, dismissed, snoozed")
	}
	if ch.Status == domain.StatusSnoozed {
		if ch.SnoozedUntil == nil {
			v.Add("snoozed_until", "is required when snoozing")
		} else if !ch.SnoozedUntil.After(now) {
			v.Add("snoozed_until", "must be in the future")
		}
	} else if ch.SnoozedUntil != nil {
		v.Add("snoozed_until", "is only allowed when snoozing")
	}
	if len(ch.Reason) > 500 {
		v.Add("reason", "must be at most 500 characters")
	}
	if err := v.Err(); err != nil {
		return domain.Insight{}, err
	}
	var in domain.Insight
	err := s.inTx(ctx, func(q runner) error {
		var err error
		in, err = scanInsight(q.queryRow(ctx, `SELECT `+insightCols+` FROM insights WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
		if err != nil {
			return rowErr(err, "insight")
		}
		if in.Status == domain.StatusResolved {
			return domain.Errorf(domain.KindConflict, "this insight is resolved: its rule no longer fires")
		}
		newStatus := ch.Status
		if newStatus == domain.StatusViewed && in.Status != domain.StatusNew {
			newStatus = in.Status // opening an insight again changes nothing but the view count
		}
		until := ch.SnoozedUntil
		if newStatus != domain.StatusSnoozed {
			until = nil
		}
		if _, err := q.exec(ctx, `UPDATE insights SET status = $1, snoozed_until = $2, updated_at = $3
			WHERE workspace_id = $4 AND id = $5`, newStatus, tsp(until), ts(now), workspaceID, id); err != nil {
			return err
		}
		in.Status, in.SnoozedUntil, in.UpdatedAt = newStatus, truncp(until), now
		_, err = q.exec(ctx, `INSERT INTO insight_feedback (id, workspace_id, insight_id, actor_kind, actor_id, action, reason, at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, newID(), workspaceID, id, actor.Kind, actor.ID, string(ch.Status), ch.Reason, ts(now))
		return err
	})
	if err != nil {
		return in, fmt.Errorf("store: set insight status: %w", err)
	}
	return in, nil
}
