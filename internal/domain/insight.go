package domain

import (
	"encoding/json"
	"time"
)

// Priority of an insight; Rank orders them (critical highest).
type Priority string

// Priorities.
const (
	PriorityLow      Priority = "low"
	PriorityMedium   Priority = "medium"
	PriorityHigh     Priority = "high"
	PriorityCritical Priority = "critical"
)

// Priorities lists all priorities from lowest to highest.
var Priorities = []Priority{PriorityLow, PriorityMedium, PriorityHigh, PriorityCritical}

// Rank is 0 (low) to 3 (critical); −1 for unknown. Sorting and cursors use
// it, never the text (the original sorted "critical" last alphabetically).
func (p Priority) Rank() int {
	for i, q := range Priorities {
		if q == p {
			return i
		}
	}
	return -1
}

// PriorityFromRank is the inverse of Rank, clamped to the valid range.
func PriorityFromRank(r int) Priority {
	r = max(0, min(r, 3))
	return Priorities[r]
}

// InsightType says whether an insight warns or points at an opportunity.
type InsightType string

// Insight types.
const (
	InsightRisk        InsightType = "risk"
	InsightOpportunity InsightType = "opportunity"
)

// InsightStatus is where an insight is in its life.
type InsightStatus string

// Insight statuses. Every status but resolved is "open".
const (
	StatusNew       InsightStatus = "new"
	StatusViewed    InsightStatus = "viewed"
	StatusActioned  InsightStatus = "actioned"
	StatusDismissed InsightStatus = "dismissed"
	StatusSnoozed   InsightStatus = "snoozed"
	StatusResolved  InsightStatus = "resolved"
)

// UserSettable reports whether a user may set this status through the API.
func (s InsightStatus) UserSettable() bool {
	switch s {
	case StatusViewed, StatusActioned, StatusDismissed, StatusSnoozed:
		return true
	}
	return false
}

// Evidence is one measured value or threshold behind a finding.
type Evidence struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"` // days | percent | money | count | ratio
}

// ActionKind classifies a recommended action.
type ActionKind string

// Action kinds.
const (
	ActionScheduleActivity  ActionKind = "schedule_activity"
	ActionUpdateCloseDate   ActionKind = "update_close_date"
	ActionUpdateProbability ActionKind = "update_probability"
	ActionContactBuyer      ActionKind = "contact_buyer"
	ActionEscalate          ActionKind = "escalate"
	ActionCloseDeal         ActionKind = "close_deal"
)

// Action is a concrete step recommended by a finding.
type Action struct {
	Kind      ActionKind `json:"kind"`
	Title     string     `json:"title"`
	DueInDays int        `json:"due_in_days"`
}

// Finding is what a rule concluded about one deal in one run.
type Finding struct {
	Rule       string
	DealID     string
	Type       InsightType
	Priority   Priority
	Severity   float64
	Confidence float64
	Evidence   []Evidence
	Actions    []Action
}

// Fingerprint identifies a finding across runs: one open insight per rule and deal.
func (f Finding) Fingerprint() string { return Fingerprint(f.Rule, f.DealID) }

// Fingerprint builds the dedup key of an insight.
func Fingerprint(rule, dealID string) string { return rule + ":" + dealID }

// Insight is a persisted finding with its wording and the user's response.
type Insight struct {
	ID                  string
	WorkspaceID         string
	DealID              string
	Rule                string
	Fingerprint         string
	Type                InsightType
	Title               string
	Description         string
	Priority            Priority
	MaxPriorityNotified Priority
	Severity            float64
	Confidence          float64
	Evidence            []Evidence
	Actions             []Action
	Status              InsightStatus
	SnoozedUntil        *time.Time
	Narrator            string
	NarrationKey        string
	TokensIn            int
	TokensOut           int
	CostUSD             float64
	FirstSeenAt         time.Time
	ResolvedAt          *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// EvidenceJSON encodes evidence for storage.
func EvidenceJSON(e []Evidence) string { b, _ := json.Marshal(nonNil(e)); return string(b) }

// ActionsJSON encodes actions for storage.
func ActionsJSON(a []Action) string { b, _ := json.Marshal(nonNil(a)); return string(b) }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// InsightFilter selects insights in a list.
type InsightFilter struct {
	Status   InsightStatus
	Open     bool // every status but resolved
	Priority Priority
	Rule     string
	DealID   string
	Limit    int
	Cursor   string
}

// Feedback actions recorded in insight_feedback.
const (
	FeedbackViewed     = "viewed"
	FeedbackActioned   = "actioned"
	FeedbackDismissed  = "dismissed"
	FeedbackSnoozed    = "snoozed"
	FeedbackHelpful    = "helpful"
	FeedbackNotHelpful = "not_helpful"
)

// InsightFeedback is one user response to an insight.
type InsightFeedback struct {
	ID          string
	WorkspaceID string
	InsightID   string
	Actor       Actor
	Action      string
	Reason      string
	At          time.Time
}
