package domain

import "time"

// DealSnapshot is what the monitor knows about one open deal in a run.
type DealSnapshot struct {
	Deal Deal
	// LastEngagementAt is the last completed email, call or meeting.
	LastEngagementAt *time.Time
	// LatestOpenScheduledAt is the latest scheduled time among activities not
	// yet completed; a next step exists when it is today or later.
	LatestOpenScheduledAt *time.Time
	OpenActivities        int
	CompletedActivities   int
	// Events is the deal's change log (created, stage, value, close date,
	// reopened), oldest first.
	Events []DealEvent
}

// WorkspaceSnapshot is everything one monitor run analyses, loaded with a
// few set-based queries.
type WorkspaceSnapshot struct {
	Workspace Workspace
	Stages    []Stage
	Deals     []DealSnapshot
	// WonHistories holds the stage history of won deals, by deal id, for
	// learned stage norms.
	WonHistories map[string][]DealEvent
}
