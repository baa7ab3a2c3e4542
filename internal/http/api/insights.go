package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

// Insight is what the monitor found about a deal, with recommended actions.
type Insight struct {
	ID           string               `json:"id"`
	DealID       string               `json:"deal_id"`
	Rule         string               `json:"rule"`
	Type         domain.InsightType   `json:"type"`
	Title        string               `json:"title"`
	Description  string               `json:"description"`
	Priority     domain.Priority      `json:"priority"`
	Severity     float64              `json:"severity"`
	Confidence   float64              `json:"confidence"`
	Evidence     []domain.Evidence    `json:"evidence"`
	Actions      []domain.Action      `json:"actions"`
	Status       domain.InsightStatus `json:"status"`
	SnoozedUntil *time.Time           `json:"snoozed_until"`
	Narrator     string               `json:"narrator"`
	FirstSeenAt  time.Time            `json:"first_seen_at"`
	ResolvedAt   *time.Time           `json:"resolved_at"`
	CreatedAt    time.Time            `json:"created_at"`
	UpdatedAt    time.Time            `json:"updated_at"`
}

func insightView(in domain.Insight) Insight {
	ev, acts := in.Evidence, in.Actions
	if ev == nil {
		ev = []domain.Evidence{}
	}
	if acts == nil {
		acts = []domain.Action{}
	}
	return Insight{ID: in.ID, DealID: in.DealID, Rule: in.Rule, Type: in.Type, Title: in.Title, Description: in.Description,
		Priority: in.Priority, Severity: in.Severity, Confidence: in.Confidence, Evidence: ev, Actions: acts,
		Status: in.Status, SnoozedUntil: utcp(in.SnoozedUntil), Narrator: in.Narrator, FirstSeenAt: utc(in.FirstSeenAt),
		ResolvedAt: utcp(in.ResolvedAt), CreatedAt: utc(in.CreatedAt), UpdatedAt: utc(in.UpdatedAt)}
}

// InsightPatch records a response to an insight: viewed, actioned,
// dismissed, or snoozed until snoozed_until; reason is optional.
type InsightPatch struct {
	Status       domain.InsightStatus      `json:"status"`
	SnoozedUntil httpx.Optional[time.Time] `json:"snoozed_until,omitzero"`
	Reason       string                    `json:"reason,omitempty"`
}

var insightStatuses = []string{"open", "new", "viewed", "actioned", "dismissed", "snoozed", "resolved"}

func (a *API) insightRoutes() []route {
	return []route{
		{method: http.MethodGet, path: ws + "/insights", tag: "insights", access: memberOf, handle: a.listInsights,
			summary: "List insights, highest priority first, then newest", reply: List[Insight]{}, status: http.StatusOK,
			query: []param{
				{name: "status", desc: "only this status; open means any but resolved", enum: insightStatuses},
				{name: "priority", desc: "only this priority", enum: []string{"low", "medium", "high", "critical"}},
				{name: "rule", desc: "only insights of this rule"},
				{name: "deal", desc: "only insights about this deal id"},
				limitParam, cursorParam,
			}},
		{method: http.MethodGet, path: ws + "/insights/{id}", tag: "insights", access: memberOf, handle: a.getInsight,
			summary: "Get an insight", reply: Insight{}, status: http.StatusOK},
		{method: http.MethodPatch, path: ws + "/insights/{id}", tag: "insights", access: memberOf, handle: a.updateInsight,
			summary: "Respond to an insight (viewed, actioned, dismissed, snoozed); recorded as feedback",
			body:    InsightPatch{}, reply: Insight{}, status: http.StatusOK},
	}
}

func (a *API) listInsights(w http.ResponseWriter, r *http.Request) {
	q := query{r: r}
	f := domain.InsightFilter{Priority: domain.Priority(q.oneOf("priority", "low", "medium", "high", "critical")),
		Rule: q.str("rule"), DealID: q.str("deal"), Limit: q.limit(), Cursor: q.str("cursor")}
	switch status := q.oneOf("status", insightStatuses...); status {
	case "open":
		f.Open = true
	default:
		f.Status = domain.InsightStatus(status)
	}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	ins, next, err := a.store.ListInsights(r.Context(), scopeOf(r.Context()).ws.ID, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, list(mapAll(ins, insightView), next))
}

func (a *API) getInsight(w http.ResponseWriter, r *http.Request) {
	in, err := a.store.GetInsight(r.Context(), scopeOf(r.Context()).ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, insightView(in))
}

func (a *API) updateInsight(w http.ResponseWriter, r *http.Request) {
	var in InsightPatch
	if !a.decode(w, r, &in) {
		return
	}
	sc := scopeOf(r.Context())
	got, err := a.store.SetInsightStatus(r.Context(), sc.ws.ID, chi.URLParam(r, "id"),
		store.InsightChange{Status: in.Status, SnoozedUntil: in.SnoozedUntil.Ptr(), Reason: in.Reason}, sc.actor())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, insightView(got))
}
