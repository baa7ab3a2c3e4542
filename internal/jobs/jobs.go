// Package jobs holds the job argument types that enqueuers (the API, the
// periodic cycle) and the monitor's workers share. It imports nothing of the
// project and no queue library, so the HTTP side can ask for a run without
// importing the monitor: River only needs a Kind method and JSON.
package jobs

import "context"

// Job kinds as stored in the queue. Renaming one orphans queued jobs.
const (
	KindCycle        = "monitor_cycle"
	KindWorkspaceRun = "monitor_workspace_run"
)

// Cycle asks for one monitoring cycle: a monitor_cycles row and one
// workspace run per workspace.
type Cycle struct {
	Trigger string `json:"trigger"` // periodic | manual
}

// Kind implements river.JobArgs.
func (Cycle) Kind() string { return KindCycle }

// WorkspaceRun asks the monitor to analyse one workspace. Jobs are unique
// by workspace across unfinished states (the river tag), so a second request
// for a workspace already queued or running joins that run; RunID names the
// monitor_runs row written in the same transaction as the job.
type WorkspaceRun struct {
	WorkspaceID string `json:"workspace_id" river:"unique"`
	RunID       string `json:"run_id"`
}

// Kind implements river.JobArgs.
func (WorkspaceRun) Kind() string { return KindWorkspaceRun }

// Requester enqueues a workspace run and returns the id of the run that
// will do the work: a new one, or the queued or running one it joined.
type Requester interface {
	RequestRun(ctx context.Context, workspaceID string) (runID string, joined bool, err error)
}
