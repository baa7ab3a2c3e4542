package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MonitorRun is the monitor's work on one workspace.
type MonitorRun struct {
	ID               string     `json:"id"`
	CycleID          *string    `json:"cycle_id"`
	Trigger          string     `json:"trigger"`
	Status           string     `json:"status"` // queued | running | succeeded | failed | skipped
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
	Error            *string    `json:"error"`
}

// Finished reports whether the run is over.
func (r MonitorRun) Finished() bool {
	return r.Status == "succeeded" || r.Status == "failed" || r.Status == "skipped"
}

// MonitorRunRequested is the answer to RunMonitor.
type MonitorRunRequested struct {
	MonitorRun
	Joined bool `json:"joined"` // the request joined a run already queued or running
}

// RunMonitor asks the monitor to analyse the workspace now (admins). With
// wait it waits up to 60 s for the run to finish; otherwise, or when the
// run takes longer, the run comes back queued or running.
func (c *Client) RunMonitor(ctx context.Context, ws string, wait bool) (MonitorRunRequested, error) {
	path := "/workspaces/" + esc(ws) + "/monitor/run"
	if wait {
		path += "?wait=1"
	}
	var r MonitorRunRequested
	return r, c.Do(ctx, http.MethodPost, path, nil, &r)
}

// MonitorRuns returns one page of the workspace's runs, newest first.
func (c *Client) MonitorRuns(ctx context.Context, ws string, limit int, cursor string) (Page[MonitorRun], error) {
	v := url.Values{}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	var p Page[MonitorRun]
	return p, c.Do(ctx, http.MethodGet, withQuery("/workspaces/"+esc(ws)+"/monitor/runs", v), nil, &p)
}
