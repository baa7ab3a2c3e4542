package api

import (
	"context"
	"net/http"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// monitorWait is how long POST …/monitor/run?wait=1 waits for the run.
const monitorWait = 60 * time.Second

// monitorPoll is how often a waiting request looks at the run.
const monitorPoll = 200 * time.Millisecond

// MonitorRun is the monitor's work on one workspace: queued, running, or
// over (succeeded, failed, skipped) with what it did.
type MonitorRun struct {
	ID               string     `json:"id"`
	CycleID          *string    `json:"cycle_id"`
	Trigger          string     `json:"trigger"`
	Status           string     `json:"status"`
	QueuedAt         time.Time  `json:"queued_at"`
	StartedAt        *time.Time `json:"started_at"`
	CompletedAt      *time.Time `json:"completed_at"`
	DurationMS       *int64     `json:"duration_ms"`
	DealsAnalysed    int        `json:"deals_analysed"`
	InsightsCreated  int        `json:"insights_created"`
	InsightsUpdated  int        `json:"insights_updated"`
	InsightsResolved int        `json:"insights_resolved"`
	CriticalCount    int        `json:"critical_count"`
	LLMCalls         int        `json:"llm_calls"`
	TokensIn         int        `json:"tokens_in"`
	TokensOut        int        `json:"tokens_out"`
	CostUSD          float64    `json:"cost_usd"`
	BudgetExhausted  bool       `json:"budget_exhausted"`
	// Error says why a run failed or was skipped, in words safe to show;
	// the server log has the details under the run's id.
	Error *string `json:"error"`
}

// MonitorRunRequested answers a run request: the run that will do the
// work, and whether the request joined one already queued or running.
type MonitorRunRequested struct {
	MonitorRun
	Joined bool `json:"joined"`
}

func monitorRunView(r domain.MonitorRun) MonitorRun {
	v := MonitorRun{ID: r.ID, CycleID: r.CycleID, Trigger: r.Trigger, Status: r.Status, QueuedAt: utc(r.QueuedAt),
		StartedAt: utcp(r.StartedAt), CompletedAt: utcp(r.CompletedAt), DealsAnalysed: r.DealsAnalysed,
		InsightsCreated: r.InsightsCreated, InsightsUpdated: r.InsightsUpdated, InsightsResolved: r.InsightsResolved,
		CriticalCount: r.CriticalCount, LLMCalls: r.LLMCalls, TokensIn: r.TokensIn, TokensOut: r.TokensOut,
		CostUSD: r.CostUSD, BudgetExhausted: r.BudgetExhausted}
	if r.StartedAt != nil && r.CompletedAt != nil {
		ms := r.Duration().Milliseconds()
		v.DurationMS = &ms
	}
	var msg string
	switch r.Status {
	case domain.RunFailed:
		msg = "the run failed; the server log has the details under this run's id"
	case domain.RunSkipped:
		msg = "skipped: the workspace was deleted"
	}
	if msg != "" {
		v.Error = &msg
	}
	return v
}

func (a *API) monitorRoutes() []route {
	return []route{
		{method: http.MethodPost, path: ws + "/monitor/run", tag: "monitor", access: adminOf, handle: a.requestMonitorRun,
			summary: "Run the monitor on the workspace now: 202 with the queued run (or the queued or running one it joined); " +
				"with wait=1, waits up to 60 s and answers 200 with the finished run",
			reply: MonitorRunRequested{}, status: http.StatusAccepted,
			query: []param{{name: "wait", desc: "1: wait up to 60 s for the run to finish", enum: []string{"0", "1"}}}},
		{method: http.MethodGet, path: ws + "/monitor/runs", tag: "monitor", access: memberOf, handle: a.listMonitorRuns,
			summary: "List the monitor's runs of the workspace, newest first", reply: List[MonitorRun]{}, status: http.StatusOK,
			query: []param{limitParam, cursorParam}},
	}
}

func (a *API) requestMonitorRun(w http.ResponseWriter, r *http.Request) {
	q := query{r: r}
	wait := q.oneOf("wait", "0", "1") == "1"
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	if a.monitor == nil {
		a.fail(w, r, domain.Errorf(domain.KindUnavailable, "the monitor cannot be reached from this server"))
		return
	}
	wsID := scopeOf(r.Context()).ws.ID
	id, joined, err := a.monitor.RequestRun(r.Context(), wsID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	run, err := a.store.GetRun(r.Context(), wsID, id)
	if err == nil && wait {
		run, err = a.awaitRun(r.Context(), wsID, run)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusAccepted
	if wait && store.IsFinalRunStatus(run.Status) {
		status = http.StatusOK
	}
	reply(w, status, MonitorRunRequested{MonitorRun: monitorRunView(run), Joined: joined})
}

// awaitRun polls the run until it is over, monitorWait passes or the
// client goes away; it returns the run as last read.
func (a *API) awaitRun(ctx context.Context, wsID string, run domain.MonitorRun) (domain.MonitorRun, error) {
	deadline := time.NewTimer(monitorWait)
	defer deadline.Stop()
	tick := time.NewTicker(monitorPoll)
	defer tick.Stop()
	for !store.IsFinalRunStatus(run.Status) {
		select {
		case <-ctx.Done():
			return run, ctx.Err()
		case <-deadline.C:
			return run, nil
		case <-tick.C:
		}
		var err error
		if run, err = a.store.GetRun(ctx, wsID, run.ID); err != nil {
			return run, err
		}
	}
	return run, nil
}

func (a *API) listMonitorRuns(w http.ResponseWriter, r *http.Request) {
	q := query{r: r}
	limit, cursor := q.limit(), q.str("cursor")
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	runs, next, err := a.store.ListRuns(r.Context(), scopeOf(r.Context()).ws.ID, limit, cursor)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, list(mapAll(runs, monitorRunView), next))
}
