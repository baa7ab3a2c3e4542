package domain

import "time"

// Cycle triggers.
const (
	TriggerPeriodic = "periodic"
	TriggerManual   = "manual"
	TriggerCLI      = "cli"
)

// Run statuses.
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	RunSkipped   = "skipped"
)

// MonitorCycle is one pass of the monitor over every workspace.
type MonitorCycle struct {
	ID          string
	Trigger     string
	Expected    int
	Succeeded   int
	Failed      int
	StartedAt   time.Time
	CompletedAt *time.Time
}

// MonitorRun is the monitor's work on one workspace within a cycle.
type MonitorRun struct {
	ID               string
	CycleID          *string
	WorkspaceID      string
	Trigger          string
	Status           string
	QueuedAt         time.Time
	StartedAt        *time.Time
	CompletedAt      *time.Time
	DealsAnalysed    int
	InsightsCreated  int
	InsightsUpdated  int
	InsightsResolved int
	CriticalCount    int
	LLMCalls         int
	TokensIn         int
	TokensOut        int
	CostUSD          float64
	BudgetExhausted  bool
	Error            string
}

// Duration returns how long the run took, zero while unfinished.
func (r MonitorRun) Duration() time.Duration {
	if r.StartedAt == nil || r.CompletedAt == nil {
		return 0
	}
	return r.CompletedAt.Sub(*r.StartedAt)
}
