package web

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/analysis"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

func (h *Web) insightRoutes(r chi.Router) {
	r.Get("/insights", h.insightList)
	r.Get("/insights/{id}", h.insightPage)
	r.Post("/insights/{id}/actions/{n}", h.takeAction)
	r.Post("/insights/{id}/dismiss", h.dismissInsight)
	r.Post("/insights/{id}/snooze", h.snoozeInsight)
}

// insightCard is an insight with the deal it is about.
type insightCard struct {
	domain.Insight
	Deal    store.DealRef
	URL     string
	DealURL string
}

// Muted reports whether the user has already dealt with the insight.
func (c insightCard) Muted() bool {
	return c.Status == domain.StatusDismissed || c.Status == domain.StatusSnoozed || c.Status == domain.StatusResolved
}

// insightCards adds each insight's deal, with one query for the page.
func (h *Web) insightCards(r *http.Request, sc scope, ins []domain.Insight) ([]insightCard, error) {
	ids := make([]string, len(ins))
	for i, in := range ins {
		ids[i] = in.DealID
	}
	refs, err := h.store.DealRefs(r.Context(), sc.ws.ID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]insightCard, len(ins))
	for i, in := range ins {
		out[i] = insightCard{Insight: in, Deal: refs[in.DealID], URL: sc.path("/insights/" + in.ID),
			DealURL: sc.path("/deals/" + in.DealID)}
	}
	return out, nil
}

// ruleOrder lists the monitor's rules for the filter, risks first.
var ruleOrder = []string{analysis.RuleHighValueAtRisk, analysis.RuleProbabilityMismatch, analysis.RuleStale,
	analysis.RuleStuckInStage, analysis.RuleCloseDateRisk, analysis.RuleOverdue, analysis.RuleCloseDateSlipped,
	analysis.RuleValueDropped, analysis.RuleNoNextStep, analysis.RuleReadyToClose}

var insightStatuses = []string{"open", "new", "viewed", "actioned", "dismissed", "snoozed", "resolved"}

// insightQuery is the insights page's filters, in the URL.
type insightQuery struct {
	Priority, Status, Rule, View, Cursor string
	base                                 string
}

// URL is the page's address with one parameter changed (cursor reset).
func (q insightQuery) URL(key, value string) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("priority", q.Priority)
	if q.Status != "open" {
		set("status", q.Status)
	}
	set("rule", q.Rule)
	set("view", q.View)
	v.Del(key)
	set(key, value)
	if enc := v.Encode(); enc != "" {
		return q.base + "?" + enc
	}
	return q.base
}

type insightGroup struct {
	Deal  store.DealRef
	URL   string
	Cards []insightCard
}

type insightsPage struct {
	Query      insightQuery
	Cards      []insightCard
	Groups     []insightGroup
	NextURL    string
	FirstURL   string
	Rules      []string
	Statuses   []string
	Priorities []domain.Priority
}

func (h *Web) insightList(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	v := r.URL.Query()
	q := insightQuery{Priority: v.Get("priority"), Status: v.Get("status"), Rule: v.Get("rule"), View: v.Get("view"),
		Cursor: v.Get("cursor"), base: sc.path("/insights")}
	if domain.Priority(q.Priority).Rank() < 0 {
		q.Priority = ""
	}
	if !contains(insightStatuses, q.Status) {
		q.Status = "open"
	}
	if !contains(ruleOrder, q.Rule) {
		q.Rule = ""
	}
	if q.View != "deal" {
		q.View = ""
	}
	f := domain.InsightFilter{Priority: domain.Priority(q.Priority), Rule: q.Rule, Limit: 50, Cursor: q.Cursor}
	if q.Status == "open" {
		f.Open = true
	} else {
		f.Status = domain.InsightStatus(q.Status)
	}
	ins, next, err := h.store.ListInsights(r.Context(), sc.ws.ID, f)
	if domain.IsKind(err, domain.KindInvalid) && q.Cursor != "" {
		redirect(w, r, q.URL("cursor", ""))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cards, err := h.insightCards(r, sc, ins)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := insightsPage{Query: q, Cards: cards, Rules: ruleOrder, Statuses: insightStatuses}
	for i := len(domain.Priorities) - 1; i >= 0; i-- {
		page.Priorities = append(page.Priorities, domain.Priorities[i])
	}
	if q.View == "deal" {
		// Groups keep the list's order: a deal comes where its most
		// urgent insight would.
		at := map[string]int{}
		for _, c := range cards {
			i, ok := at[c.DealID]
			if !ok {
				i = len(page.Groups)
				at[c.DealID] = i
				page.Groups = append(page.Groups, insightGroup{Deal: c.Deal, URL: c.DealURL})
			}
			page.Groups[i].Cards = append(page.Groups[i].Cards, c)
		}
	}
	if next != "" {
		page.NextURL = q.URL("cursor", next)
	}
	if q.Cursor != "" {
		page.FirstURL = q.URL("cursor", "")
	}
	h.render(w, r, http.StatusOK, "insights", view{Title: "Insights", Nav: "insights", Data: page})
}
