package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// checklistDeal is the checklist's end-to-end case, created as a user would.
func checklistDeal(t *testing.T, c *client, ws string) domain.Deal {
	t.Helper()
	c.post("/w/"+ws+"/deals", vals("title", "Test Deal - High Value", "value", "50000", "stage", "negotiation", "probability", "20"))
	deals, _, err := c.h.s.ListDeals(context.Background(), ws, domain.DealFilter{Query: "Test Deal - High Value"})
	if err != nil || len(deals) != 1 {
		t.Fatalf("checklist deal: %v %v", deals, err)
	}
	return deals[0]
}

// insightOf returns the deal's open insight of a rule.
func insightOf(t *testing.T, s *store.Store, ws, dealID, rule string) domain.Insight {
	t.Helper()
	ins, _, err := s.ListInsights(context.Background(), ws, domain.InsightFilter{DealID: dealID, Rule: rule, Open: true})
	if err != nil || len(ins) != 1 {
		t.Fatalf("%s insight: %v %v", rule, ins, err)
	}
	return ins[0]
}

func actionIndex(t *testing.T, in domain.Insight, kind domain.ActionKind) int {
	t.Helper()
	for i, a := range in.Actions {
		if a.Kind == kind {
			return i
		}
	}
	t.Fatalf("%s has no %s action: %+v", in.Rule, kind, in.Actions)
	return -1
}

func TestInsightsCriticalFirstViewedAndActioned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("ann@example.com", "Acme")
		wantText(t, c.get("/w/"+ws+"/insights"), "No open insights.")
		d := checklistDeal(t, c, ws)
		// A small, quiet lead: medium at most, so it must come after the
		// critical ones.
		h.deal(ws, "ann@example.com", store.NewDeal{Title: "Small Lead", Value: int64p(1_000_00), Stage: "lead"})
		clock.Advance(20 * 24 * time.Hour)
		run := h.runMonitor(ws)
		if run.Status != domain.RunSucceeded || run.CriticalCount == 0 {
			t.Fatalf("run: %+v", run)
		}

		p := c.get("/w/" + ws + "/insights")
		first := strings.Index(p.body, "badge p-critical")
		lastCrit := strings.LastIndex(p.body, "badge p-critical")
		for _, lower := range []string{"badge p-high", "badge p-medium", "badge p-low"} {
			if i := strings.Index(p.body, lower); i >= 0 && (first < 0 || i < lastCrit) {
				t.Fatalf("%s before a critical insight", lower)
			}
		}
		wantText(t, p, "Test Deal - High Value", "Update the probability", "Contact the buyer")
		// Filters and grouping by deal.
		crit := c.get("/w/" + ws + "/insights?priority=critical")
		if strings.Contains(crit.body, "Small Lead") || !crit.has("Test Deal - High Value") {
			t.Fatal("priority filter")
		}
		byDeal := c.get("/w/" + ws + "/insights?view=deal")
		wantText(t, byDeal, `id="g-`+d.ID+`"`)
		if n := strings.Count(byDeal.body, `class="deal-group"`); n != 2 {
			t.Fatalf("%d deal groups, want 2", n)
		}
		if r := c.get("/w/" + ws + "/insights?rule=probability_mismatch"); !r.has("Test Deal") || r.has("Small Lead") {
			t.Fatal("rule filter")
		}
		wantText(t, c.get("/w/"+ws+"/insights?rule=value_dropped"), "No insight matches these filters.")

		// Opening an insight marks it viewed and counts the view.
		pm := insightOf(t, s, ws, d.ID, "probability_mismatch")
		if pm.Status != domain.StatusNew || pm.Priority != domain.PriorityCritical {
			t.Fatalf("before: %+v", pm)
		}
		p = c.get("/w/" + ws + "/insights/" + pm.ID)
		wantText(t, p, pm.Title, "What the monitor found", "The figures behind it", "Probability floor", "60%")
		if got, _ := s.GetInsight(ctx, ws, pm.ID); got.Status != domain.StatusViewed {
			t.Fatalf("after opening: %s", got.Status)
		}

		// Update the probability: the deal changes (with history) and the
		// insight is actioned.
		n := actionIndex(t, pm, domain.ActionUpdateProbability)
		p = c.post(fmt.Sprintf("/w/%s/insights/%s/actions/%d", ws, pm.ID, n), vals("probability", "150"))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "New probability (%) must be a whole number from 0 to 100.")
		p = c.post(fmt.Sprintf("/w/%s/insights/%s/actions/%d", ws, pm.ID, n), vals("probability", "60"))
		wantText(t, p, "Probability set to 60%. The insight is marked actioned.")
		if got, _ := s.GetDeal(ctx, ws, d.ID); *got.Probability != 60 {
			t.Fatalf("probability: %d", *got.Probability)
		}
		if got, _ := s.GetInsight(ctx, ws, pm.ID); got.Status != domain.StatusActioned {
			t.Fatalf("status: %s", got.Status)
		}
		wantText(t, c.get("/w/"+ws+"/deals/"+d.ID), "Probability changed from 20% to 60%", "60%")
		// Dashboard: weighted pipeline now counts 60% of the deal.
		wantText(t, c.get("/w/"+ws), "$30,100", "Actioned")

		// Contact the buyer: a planned call on the due date.
		hv := insightOf(t, s, ws, d.ID, "high_value_at_risk")
		n = actionIndex(t, hv, domain.ActionContactBuyer)
		p = c.post(fmt.Sprintf("/w/%s/insights/%s/actions/%d", ws, hv.ID, n),
			vals("type", "call", "subject", "Call the buyer", "date", "2026-12-20"))
		wantText(t, p, "Call “Call the buyer” planned for 20 Dec 2026. The insight is marked actioned.")
		acts, _ := s.ListActivities(ctx, ws, d.ID)
		if len(acts) != 1 || acts[0].ScheduledAt == nil || acts[0].ScheduledAt.Format(time.RFC3339) != "2026-12-20T09:00:00Z" {
			t.Fatalf("activity: %+v", acts)
		}
		feedback := 0
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM insight_feedback WHERE workspace_id = $1 AND action = 'actioned'`, ws).Scan(&feedback); err != nil || feedback != 2 {
			t.Fatalf("actioned feedback: %d %v", feedback, err)
		}
	})
}

func TestInsightDismissSnoozeAndOtherActions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("ann@example.com", "Acme")
		d := checklistDeal(t, c, ws)
		close := "2026-11-20" // passed: overdue, with update_close_date and close_deal actions
		cd, _ := domain.ParseDate(close)
		cdp := &cd
		u := h.user("ann@example.com")
		if _, err := s.UpdateDeal(ctx, ws, d.ID, domain.DealPatch{CloseDate: &cdp}, domain.Actor{Kind: "user", ID: u.ID}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(20 * 24 * time.Hour)
		h.runMonitor(ws)

		od := insightOf(t, s, ws, d.ID, "overdue")
		base := "/w/" + ws + "/insights/" + od.ID
		n := actionIndex(t, od, domain.ActionUpdateCloseDate)
		p := c.post(fmt.Sprintf("%s/actions/%d", base, n), vals("close_date", ""))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "New close date is required.")
		p = c.post(fmt.Sprintf("%s/actions/%d", base, n), vals("close_date", "2027-01-15"))
		wantText(t, p, "Close date set to 15 Jan 2027.")
		if got, _ := s.GetDeal(ctx, ws, d.ID); got.CloseDate.String() != "2027-01-15" {
			t.Fatalf("close date %s", got.CloseDate)
		}
		if p := c.post(base+"/actions/99", nil); p.status != http.StatusNotFound {
			t.Fatalf("unknown action: %d", p.status)
		}

		// Escalate: a note on the deal.
		pm := insightOf(t, s, ws, d.ID, "probability_mismatch")
		n = actionIndex(t, pm, domain.ActionEscalate)
		wantText(t, c.post(fmt.Sprintf("/w/%s/insights/%s/actions/%d", ws, pm.ID, n), vals("content", "Please review")),
			"Escalation noted on the deal.")
		acts, _ := s.ListActivities(ctx, ws, d.ID)
		if len(acts) != 1 || acts[0].Type != domain.ActivityNote || acts[0].CompletedAt == nil || acts[0].Content != "Please review" ||
			!strings.HasPrefix(acts[0].Subject, "Escalated: ") {
			t.Fatalf("escalation note: %+v", acts)
		}

		// Dismiss with a reason; snooze until a date (not today).
		hv := insightOf(t, s, ws, d.ID, "high_value_at_risk")
		wantText(t, c.post("/w/"+ws+"/insights/"+hv.ID+"/dismiss", vals("reason", "Buyer confirmed on the phone")), "Insight dismissed.")
		var reason string
		if err := s.DB().QueryRowContext(ctx, `SELECT reason FROM insight_feedback WHERE insight_id = $1 AND action = 'dismissed'`, hv.ID).Scan(&reason); err != nil || reason != "Buyer confirmed on the phone" {
			t.Fatalf("reason %q %v", reason, err)
		}
		others, _, _ := s.ListInsights(ctx, ws, domain.InsightFilter{DealID: d.ID, Status: domain.StatusNew})
		if len(others) == 0 {
			t.Fatal("no new insight left to snooze")
		}
		sn := others[0]
		today := domain.DateOf(clock.Now()).String()
		p = c.post("/w/"+ws+"/insights/"+sn.ID+"/snooze", vals("until", today))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "Until must be in the future.")
		p = c.post("/w/"+ws+"/insights/"+sn.ID+"/snooze", vals("until", "2026-12-24"))
		wantText(t, p, "Insight snoozed until 24 Dec 2026.")
		got, _ := s.GetInsight(ctx, ws, sn.ID)
		if got.Status != domain.StatusSnoozed || got.SnoozedUntil.Format(time.RFC3339) != "2026-12-24T00:00:00Z" {
			t.Fatalf("snoozed: %s %v", got.Status, got.SnoozedUntil)
		}
		wantText(t, c.get("/w/"+ws+"/insights?status=snoozed"), sn.Title)

		// Close the deal: it moves to lost.
		od = insightOf(t, s, ws, d.ID, "overdue")
		if n := indexOf(od, domain.ActionCloseDeal); n >= 0 {
			wantText(t, c.post(fmt.Sprintf("/w/%s/insights/%s/actions/%d", ws, od.ID, n), vals("stage", "negotiation")),
				"Close as", "Stage must be a won or lost stage.")
			wantText(t, c.post(fmt.Sprintf("/w/%s/insights/%s/actions/%d", ws, od.ID, n), vals("stage", "lost")),
				"Deal closed as Lost.")
			if got, _ := s.GetDeal(ctx, ws, d.ID); got.Status != domain.DealLost {
				t.Fatalf("status %s", got.Status)
			}
		}
	})
}

func indexOf(in domain.Insight, kind domain.ActionKind) int {
	for i, a := range in.Actions {
		if a.Kind == kind {
			return i
		}
	}
	return -1
}
