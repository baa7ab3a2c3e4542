package api_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
)

// insight writes an insight row as the monitor would.
func (e *env) insight(ws, deal, rule, priority string, rank int, status string) string {
	e.t.Helper()
	id := fmt.Sprintf("ins-%s-%s-%d", rule, deal, e.count("insights"))
	now := e.clock.Now()
	_, err := e.s.DB().ExecContext(ctx, `INSERT INTO insights (id, workspace_id, deal_id, rule, fingerprint, type, title, description,
		priority, priority_rank, max_priority_notified, severity, confidence, evidence, actions, status, narrator, narration_key,
		tokens_in, tokens_out, cost_usd, first_seen_at, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,'risk','Deal is going stale','No contact for 20 days',$6,$7,$7,0.5,0.9,
		'[{"name":"idle_days","value":20,"unit":"days"}]','[{"kind":"contact_buyer","title":"Call the buyer","due_in_days":1}]',
		$8,'template','',0,0,0,$9,$9,$9)`,
		id, ws, deal, rule, rule+":"+deal+":"+id, priority, rank, status, now)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestInsights(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, w := e.owner("owner@example.com")
		d1, _ := c.CreateDeal(ctx, w.ID, client.DealInput{Title: "One"})
		d2, _ := c.CreateDeal(ctx, w.ID, client.DealInput{Title: "Two"})
		low := e.insight(w.ID, d1.ID, "stale", "low", 0, "new")
		e.clock.Advance(time.Minute)
		crit := e.insight(w.ID, d1.ID, "high_value_at_risk", "critical", 3, "new")
		e.clock.Advance(time.Minute)
		high := e.insight(w.ID, d2.ID, "overdue", "high", 2, "new")
		e.clock.Advance(time.Minute)
		crit2 := e.insight(w.ID, d2.ID, "stuck_in_stage", "critical", 3, "new")
		resolved := e.insight(w.ID, d2.ID, "stale", "medium", 1, "resolved")

		p, err := c.Insights(ctx, w.ID, client.InsightQuery{})
		ok(t, err)
		var order []string
		for _, in := range p.Items {
			order = append(order, in.ID)
		}
		// Critical first (newest first within a priority), never alphabetical.
		want := []string{crit2, crit, high, resolved, low}
		if fmt.Sprint(order) != fmt.Sprint(want) {
			t.Fatalf("order\n got %v\nwant %v", order, want)
		}
		in := p.Items[0]
		if in.Priority != "critical" || len(in.Evidence) != 1 || in.Evidence[0].Name != "idle_days" || in.Actions[0].Kind != "contact_buyer" {
			t.Fatalf("insight: %+v", in)
		}
		for _, tt := range []struct {
			q    client.InsightQuery
			want int
		}{
			{client.InsightQuery{Status: "open"}, 4},
			{client.InsightQuery{Status: "resolved"}, 1},
			{client.InsightQuery{Priority: "critical"}, 2},
			{client.InsightQuery{Rule: "stale"}, 2},
			{client.InsightQuery{Deal: d1.ID}, 2},
			{client.InsightQuery{Deal: d2.ID, Priority: "critical", Status: "new"}, 1},
		} {
			p, err := c.Insights(ctx, w.ID, tt.q)
			ok(t, err)
			if len(p.Items) != tt.want {
				t.Errorf("%+v: %d insights, want %d", tt.q, len(p.Items), tt.want)
			}
		}
		// Pages.
		p, err = c.Insights(ctx, w.ID, client.InsightQuery{Limit: 2})
		ok(t, err)
		p2, err := c.Insights(ctx, w.ID, client.InsightQuery{Limit: 2, Cursor: p.Next()})
		ok(t, err)
		if len(p2.Items) != 2 || p2.Items[0].ID != high {
			t.Fatalf("second page: %+v", p2.Items)
		}
		// A cursor whose position does not parse is named like any bad field.
		forged := base64.RawURLEncoding.EncodeToString([]byte(`{"s":"priority","v":"x|y","i":"z"}`))
		for _, bad := range []string{"priority=urgent", "status=done", "limit=500", "cursor=garbage", "cursor=" + forged} {
			field, _, _ := strings.Cut(bad, "=")
			wantStatus(t, c.Do(ctx, "GET", "/workspaces/"+w.ID+"/insights?"+bad, nil, nil), 400, field)
		}

		got, err := c.Insight(ctx, w.ID, high)
		ok(t, err)
		if got.Rule != "overdue" || got.DealID != d2.ID {
			t.Fatalf("get: %+v", got)
		}
		// Responses: each is recorded as feedback.
		fb := e.count("insight_feedback")
		got, err = c.UpdateInsight(ctx, w.ID, high, client.InsightPatch{Status: "viewed"})
		ok(t, err)
		if got.Status != "viewed" {
			t.Fatalf("viewed: %+v", got)
		}
		until := e.clock.Now().Add(72 * time.Hour)
		got, err = c.UpdateInsight(ctx, w.ID, high, client.InsightPatch{Status: "snoozed", SnoozedUntil: &until, Reason: "buyer on holiday"})
		ok(t, err)
		if got.Status != "snoozed" || got.SnoozedUntil == nil || !got.SnoozedUntil.Equal(until) {
			t.Fatalf("snoozed: %+v", got)
		}
		got, err = c.UpdateInsight(ctx, w.ID, crit, client.InsightPatch{Status: "dismissed", Reason: "not relevant"})
		ok(t, err)
		if got.Status != "dismissed" || got.SnoozedUntil != nil {
			t.Fatalf("dismissed: %+v", got)
		}
		if n := e.count("insight_feedback"); n != fb+3 {
			t.Fatalf("feedback rows: %d, want %d", n, fb+3)
		}
		var reason string
		ok(t, e.s.DB().QueryRowContext(ctx, `SELECT reason FROM insight_feedback WHERE insight_id = $1 AND action = 'snoozed'`, high).Scan(&reason))
		if reason != "buyer on holiday" {
			t.Fatalf("reason %q", reason)
		}
		fb = e.count("insight_feedback")
		past := e.clock.Now().Add(-time.Hour)
		for _, tt := range []struct {
			patch client.InsightPatch
			field string
		}{
			{client.InsightPatch{Status: "snoozed"}, "snoozed_until"},
			{client.InsightPatch{Status: "snoozed", SnoozedUntil: &past}, "snoozed_until"},
			{client.InsightPatch{Status: "resolved"}, "status"},
			{client.InsightPatch{Status: "viewed", SnoozedUntil: &until}, "snoozed_until"},
		} {
			_, err := c.UpdateInsight(ctx, w.ID, crit2, tt.patch)
			wantStatus(t, err, 400, tt.field)
		}
		_, err = c.UpdateInsight(ctx, w.ID, resolved, client.InsightPatch{Status: "actioned"})
		wantStatus(t, err, 409)
		_, err = c.UpdateInsight(ctx, w.ID, "nope", client.InsightPatch{Status: "viewed"})
		wantStatus(t, err, 404)
		if e.count("insight_feedback") != fb {
			t.Fatal("refused responses wrote feedback")
		}
	})
}
