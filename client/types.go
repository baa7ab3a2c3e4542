package client

import (
	"encoding/json"
	"time"
)

// The API's JSON shapes (see /api/v1/openapi.json). Money is a decimal in
// major units of the workspace's currency, kept exact as json.Number.

// User is an account.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Workspace is a tenant; Role is the caller's role in it.
type Workspace struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Currency  string    `json:"currency"`
	TimeZone  string    `json:"time_zone"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Me is the signed-in user with their workspaces.
type Me struct {
	User       User        `json:"user"`
	Workspaces []Workspace `json:"workspaces"`
}

// Member is a user in a workspace.
type Member struct {
	UserID   string    `json:"user_id"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
}

// Actor says who made a change.
type Actor struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Invitation is an invitation to a workspace.
type Invitation struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"`
	Role       string     `json:"role"`
	Status     string     `json:"status"`
	InvitedBy  Actor      `json:"invited_by"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// NewInvitation is a created invitation with its one-time token.
type NewInvitation struct {
	Invitation
	Token     string `json:"token"`
	AcceptURL string `json:"accept_url,omitempty"`
}

// APIKey is a key without its secret.
type APIKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       string     `json:"role"`
	CreatedBy  Actor      `json:"created_by"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// NewAPIKey is a created key with its secret, shown once.
type NewAPIKey struct {
	APIKey
	Secret string `json:"secret"`
}

// Stage is a pipeline stage.
type Stage struct {
	Key                string `json:"key"`
	Name               string `json:"name"`
	Position           int    `json:"position"`
	Kind               string `json:"kind"`
	IsLate             bool   `json:"is_late"`
	DefaultProbability int    `json:"default_probability"`
	ProbFloor          *int   `json:"prob_floor"`
	ProbCeiling        *int   `json:"prob_ceiling"`
	RottingDays        *int   `json:"rotting_days"`
	StuckDays          *int   `json:"stuck_days"`
}

// Deal is an opportunity; CloseDate is YYYY-MM-DD.
type Deal struct {
	ID             string       `json:"id"`
	Title          string       `json:"title"`
	Value          *json.Number `json:"value"`
	Currency       string       `json:"currency"`
	Stage          string       `json:"stage"`
	Probability    *int         `json:"probability"`
	CloseDate      *string      `json:"close_date"`
	ContactName    string       `json:"contact_name"`
	ContactEmail   string       `json:"contact_email"`
	Company        string       `json:"company"`
	OwnerID        *string      `json:"owner_id"`
	Source         string       `json:"source"`
	ExternalID     string       `json:"external_id"`
	Status         string       `json:"status"`
	StageEnteredAt time.Time    `json:"stage_entered_at"`
	LastActivityAt *time.Time   `json:"last_activity_at"`
	ClosedAt       *time.Time   `json:"closed_at"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// DealInput creates a deal.
type DealInput struct {
	Title          string       `json:"title"`
	Value          *json.Number `json:"value,omitempty"`
	Currency       string       `json:"currency,omitempty"`
	Stage          string       `json:"stage,omitempty"`
	Probability    *int         `json:"probability,omitempty"`
	CloseDate      string       `json:"close_date,omitempty"`
	ContactName    string       `json:"contact_name,omitempty"`
	ContactEmail   string       `json:"contact_email,omitempty"`
	Company        string       `json:"company,omitempty"`
	OwnerID        string       `json:"owner_id,omitempty"`
	Source         string       `json:"source,omitempty"`
	ExternalID     string       `json:"external_id,omitempty"`
	CreatedAt      *time.Time   `json:"created_at,omitempty"`
	StageEnteredAt *time.Time   `json:"stage_entered_at,omitempty"`
}

// DealPatch changes the fields that are Set; Clear nulls optional ones.
type DealPatch struct {
	Title        Field[string]      `json:"title,omitzero"`
	Value        Field[json.Number] `json:"value,omitzero"`
	Stage        Field[string]      `json:"stage,omitzero"`
	Probability  Field[int]         `json:"probability,omitzero"`
	CloseDate    Field[string]      `json:"close_date,omitzero"`
	ContactName  Field[string]      `json:"contact_name,omitzero"`
	ContactEmail Field[string]      `json:"contact_email,omitzero"`
	Company      Field[string]      `json:"company,omitzero"`
	OwnerID      Field[string]      `json:"owner_id,omitzero"`
	Source       Field[string]      `json:"source,omitzero"`
	ExternalID   Field[string]      `json:"external_id,omitzero"`
}

// DealEvent is an entry of a deal's change log.
type DealEvent struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	OldValue *string   `json:"old_value"`
	NewValue *string   `json:"new_value"`
	Actor    Actor     `json:"actor"`
	At       time.Time `json:"at"`
}

// Activity is a touch on a deal.
type Activity struct {
	ID          string     `json:"id"`
	DealID      string     `json:"deal_id"`
	Type        string     `json:"type"`
	Subject     string     `json:"subject"`
	Content     string     `json:"content"`
	ScheduledAt *time.Time `json:"scheduled_at"`
	CompletedAt *time.Time `json:"completed_at"`
	CreatedBy   Actor      `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// ActivityInput logs or plans an activity.
type ActivityInput struct {
	Type        string     `json:"type"`
	Subject     string     `json:"subject"`
	Content     string     `json:"content,omitempty"`
	ScheduledAt *time.Time `json:"scheduled_at,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

// ActivityPatch changes an activity.
type ActivityPatch struct {
	Type        Field[string]    `json:"type,omitzero"`
	Subject     Field[string]    `json:"subject,omitzero"`
	Content     Field[string]    `json:"content,omitzero"`
	ScheduledAt Field[time.Time] `json:"scheduled_at,omitzero"`
	CompletedAt Field[time.Time] `json:"completed_at,omitzero"`
}

// Evidence is one measured value behind an insight.
type Evidence struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Action is a recommended step.
type Action struct {
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	DueInDays int    `json:"due_in_days"`
}

// Insight is what the monitor found about a deal.
type Insight struct {
	ID           string     `json:"id"`
	DealID       string     `json:"deal_id"`
	Rule         string     `json:"rule"`
	Type         string     `json:"type"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Priority     string     `json:"priority"`
	Severity     float64    `json:"severity"`
	Confidence   float64    `json:"confidence"`
	Evidence     []Evidence `json:"evidence"`
	Actions      []Action   `json:"actions"`
	Status       string     `json:"status"`
	SnoozedUntil *time.Time `json:"snoozed_until"`
	Narrator     string     `json:"narrator"`
	FirstSeenAt  time.Time  `json:"first_seen_at"`
	ResolvedAt   *time.Time `json:"resolved_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// InsightPatch responds to an insight.
type InsightPatch struct {
	Status       string     `json:"status"`
	SnoozedUntil *time.Time `json:"snoozed_until,omitempty"`
	Reason       string     `json:"reason,omitempty"`
}

// Pipeline is the pipeline summary.
type Pipeline struct {
	Currency        string          `json:"currency"`
	OpenCount       int             `json:"open_count"`
	OpenValue       json.Number     `json:"open_value"`
	WeightedValue   json.Number     `json:"weighted_value"`
	AverageDealSize *json.Number    `json:"average_deal_size"`
	Stages          []PipelineStage `json:"stages"`
	WinRate         WinRate         `json:"win_rate"`
	OpenInsights    InsightCounts   `json:"open_insights"`
}

// PipelineStage is one stage's totals.
type PipelineStage struct {
	Key   string      `json:"key"`
	Name  string      `json:"name"`
	Kind  string      `json:"kind"`
	Count int         `json:"count"`
	Value json.Number `json:"value"`
}

// WinRate is won ÷ (won + lost) since Since.
type WinRate struct {
	Since time.Time `json:"since"`
	Won   int       `json:"won"`
	Lost  int       `json:"lost"`
	Rate  *float64  `json:"rate"`
}

// InsightCounts counts open insights by priority.
type InsightCounts struct {
	Low      int `json:"low"`
	Medium   int `json:"medium"`
	High     int `json:"high"`
	Critical int `json:"critical"`
}
