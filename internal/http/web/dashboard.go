package web

import (
	"net/http"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// dashboardPage is the workspace's front page.
type dashboardPage struct {
	Pipeline   store.Pipeline
	Chart      hbarChart
	ByPriority []priorityCount
	Insights   []insightCard
	Monitor    monitorView
}

// priorityCount is one tile of "open insights by priority".
type priorityCount struct {
	Priority domain.Priority
	Count    int
	URL      string
}

// monitorView says when the monitor last looked at this workspace, with
// what result, and when it will look next.
type monitorView struct {
	LastRun *domain.MonitorRun
	Pending *domain.MonitorRun
	// Next is when the next periodic cycle is due; nil before the first.
	Next     *time.Time
	Overdue  bool
	Interval time.Duration
}

func (h *Web) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := mustScope(r)
	p, err := h.store.Pipeline(ctx, sc.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	top, _, err := h.store.ListInsights(ctx, sc.ws.ID, domain.InsightFilter{Open: true, Limit: 5})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cards, err := h.insightCards(r, sc, top)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	mv, err := h.monitorView(r, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := dashboardPage{Pipeline: p, Chart: stageChart(p), Insights: cards, Monitor: mv}
	for i := len(domain.Priorities) - 1; i >= 0; i-- {
		pr := domain.Priorities[i]
		page.ByPriority = append(page.ByPriority, priorityCount{Priority: pr, Count: p.OpenInsights[pr],
			URL: sc.path("/insights?priority=" + string(pr))})
	}
	h.render(w, r, http.StatusOK, "dashboard", view{Title: "Dashboard", Nav: "dashboard", Data: page})
}

func (h *Web) monitorView(r *http.Request, sc scope) (monitorView, error) {
	st, err := h.store.MonitorStatus(r.Context(), sc.ws.ID)
	if err != nil {
		return monitorView{}, err
	}
	mv := monitorView{LastRun: st.LastRun, Pending: st.Pending, Interval: h.interval}
	if st.LastPeriodicStart != nil {
		next := st.LastPeriodicStart.Add(h.interval)
		mv.Next, mv.Overdue = &next, next.Before(h.now())
	}
	return mv, nil
}
