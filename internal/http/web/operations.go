package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

func (h *Web) operationsRoutes(r chi.Router) {
	r.With(h.requireAdmin).Get("/operations", h.operations)
	r.With(h.requireAdmin).Post("/operations/run", h.runNow)
}

// operationsPage shows how the monitor and the team used VectorOS.
type operationsPage struct {
	Days      int
	DayOpts   []int
	A         store.Analytics
	Charts    []vbarChart
	Rows      []store.DayFigures // newest first, for the table
	Runs      []domain.MonitorRun
	Monitor   monitorView
	CanRunNow bool
}

var operationsDays = []int{7, 30, 90}

func (h *Web) operations(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	ctx := r.Context()
	days, _ := strconv.Atoi(r.URL.Query().Get("days"))
	if !containsInt(operationsDays, days) {
		days = 30
	}
	a, err := h.store.Analytics(ctx, sc.ws.ID, days)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	runs, _, err := h.store.ListRuns(ctx, sc.ws.ID, 15, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	mv, err := h.monitorView(r, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := operationsPage{Days: days, DayOpts: operationsDays, A: a, Runs: runs, Monitor: mv, CanRunNow: h.runs != nil}
	for i := len(a.Days) - 1; i >= 0; i-- {
		page.Rows = append(page.Rows, a.Days[i])
	}
	f := func(get func(store.DayFigures) int) func(store.DayFigures) float64 {
		return func(d store.DayFigures) float64 { return float64(get(d)) }
	}
	page.Charts = []vbarChart{
		dayChart("chart-runs", "Monitor runs", a.Days, count,
			series{"Succeeded", "s-ok", f(func(d store.DayFigures) int { return d.RunsSucceeded + d.RunsSkipped })},
			series{"Failed", "s-bad", f(func(d store.DayFigures) int { return d.RunsFailed })}),
		dayChart("chart-success", "Run success rate", a.Days, percent,
			series{"Success rate", "s-ok", func(d store.DayFigures) float64 {
				if r := d.SuccessRate(); r != nil {
					return *r * 100
				}
				return 0
			}}),
		dayChart("chart-duration", "Average run duration", a.Days, seconds,
			series{"Average duration", "s-2", func(d store.DayFigures) float64 { return d.AvgRunDuration().Seconds() }}),
		dayChart("chart-insights", "Insights created", a.Days, count,
			series{"Critical", "s-crit", f(func(d store.DayFigures) int { return d.CriticalInsights })},
			series{"Other", "s-1", f(func(d store.DayFigures) int { return d.Insights - d.CriticalInsights })}),
		dayChart("chart-llm-calls", "LLM calls", a.Days, count,
			series{"Calls", "s-3", f(func(d store.DayFigures) int { return d.LLMCalls })}),
		dayChart("chart-llm-cost", "LLM cost (USD, estimated)", a.Days, usd,
			series{"Cost", "s-4", func(d store.DayFigures) float64 { return d.LLMCostUSD }}),
		dayChart("chart-feedback", "Insight views and actions taken", a.Days, count,
			series{"Views", "s-1", f(func(d store.DayFigures) int { return d.Views })},
			series{"Actions", "s-ok", f(func(d store.DayFigures) int { return d.Actions })}),
		dayChart("chart-growth", "Sign-ups and deals added", a.Days, count,
			series{"Deals added", "s-2", f(func(d store.DayFigures) int { return d.DealsAdded })},
			series{"Sign-ups", "s-4", f(func(d store.DayFigures) int { return d.SignUps })}),
	}
	h.render(w, r, http.StatusOK, "operations", view{Title: "Operations", Nav: "operations", Data: page})
}

// runNow asks for a manual monitor run of the workspace through the job
// queue, exactly as POST /api/v1/workspaces/{ws}/monitor/run does; a run
// already queued or running is joined, not duplicated.
func (h *Web) runNow(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	if h.runs == nil {
		h.fail(w, r, domain.Errorf(domain.KindUnavailable, "This server does not enqueue monitor runs."))
		return
	}
	_, joined, err := h.runs.RequestRun(r.Context(), sc.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if joined {
		h.setFlash(r, "info", "A monitor run of this workspace is already queued or running: your request joined it.")
	} else {
		h.setFlash(r, "success", "Monitor run queued. Refresh in a moment to see its result.")
	}
	redirect(w, r, httpx.LocalPath(r.FormValue("return"), sc.path("/operations")))
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
