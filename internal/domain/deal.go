package domain

import "time"

// DealStatus is open until the deal enters a won or lost stage.
type DealStatus string

// Deal statuses.
const (
	DealOpen DealStatus = "open"
	DealWon  DealStatus = "won"
	DealLost DealStatus = "lost"
)

// Deal is an opportunity in a workspace's pipeline. Value is in minor units
// of Currency. Optional fields are nil when unknown.
type Deal struct {
	ID             string
	WorkspaceID    string
	Title          string
	Value          *int64
	Currency       string
	Stage          string
	Probability    *int
	CloseDate      *Date
	ContactName    string
	ContactEmail   string
	Company        string
	OwnerID        *string
	Source         string
	ExternalID     string
	Status         DealStatus
	StageEnteredAt time.Time
	LastActivityAt *time.Time
	ClosedAt       *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// DealPatch lists the fields a change sets. A nil outer pointer leaves a
// field unchanged; for optional fields a non-nil outer pointer to nil clears it.
type DealPatch struct {
	Title        *string
	Value        **int64
	Stage        *string
	Probability  **int
	CloseDate    **Date
	ContactName  *string
	ContactEmail *string
	Company      *string
	OwnerID      **string
	Source       *string
	ExternalID   *string
}

// DealFilter selects deals in a list.
type DealFilter struct {
	Stage   string
	Status  DealStatus
	OwnerID string
	Query   string
	Sort    string // one of DealSorts; "-" prefix for descending
	Limit   int
	Cursor  string
}

// DealSorts is the allow-list of sort keys for deal lists.
var DealSorts = []string{"created_at", "updated_at", "value", "close_date", "title", "probability"}

// Actor says who made a change.
type Actor struct {
	Kind string // user | api_key | system
	ID   string
}

// Actor kinds.
const (
	ActorUser   = "user"
	ActorAPIKey = "api_key"
	ActorSystem = "system"
)

// SystemActor is the actor for changes made by VectorOS itself.
var SystemActor = Actor{Kind: ActorSystem, ID: "vectoros"}

// DealEvent kinds of the append-only change log.
const (
	EventCreated             = "created"
	EventStageChanged        = "stage_changed"
	EventValueChanged        = "value_changed"
	EventCloseDateChanged    = "close_date_changed"
	EventProbabilityChanged  = "probability_changed"
	EventOwnerChanged        = "owner_changed"
	EventWon                 = "won"
	EventLost                = "lost"
	EventReopened            = "reopened"
	EventTitleChanged        = "title_changed"
	EventContactNameChanged  = "contact_name_changed"
	EventContactEmailChanged = "contact_email_changed"
	EventCompanyChanged      = "company_changed"
	EventSourceChanged       = "source_changed"
	EventExternalIDChanged   = "external_id_changed"
)

// DealEvent is one entry of a deal's change log. Old and new values are
// strings (stage key, minor units, YYYY-MM-DD, percent, user id); the
// created event holds the initial values as a JSON object in NewValue.
type DealEvent struct {
	ID          string
	WorkspaceID string
	DealID      string
	Kind        string
	OldValue    *string
	NewValue    *string
	Actor       Actor
	At          time.Time
}

// ActivityType is what kind of touch an activity is.
type ActivityType string

// Activity types.
const (
	ActivityEmail   ActivityType = "email"
	ActivityCall    ActivityType = "call"
	ActivityMeeting ActivityType = "meeting"
	ActivityNote    ActivityType = "note"
	ActivityTask    ActivityType = "task"
)

// Valid reports whether t is a known type.
func (t ActivityType) Valid() bool {
	switch t {
	case ActivityEmail, ActivityCall, ActivityMeeting, ActivityNote, ActivityTask:
		return true
	}
	return false
}

// Engages reports whether a completed activity of this type counts as
// engagement with the buyer (resets idle time).
func (t ActivityType) Engages() bool {
	return t == ActivityEmail || t == ActivityCall || t == ActivityMeeting
}

// Activity is a touch on a deal: done (CompletedAt set) or planned.
type Activity struct {
	ID          string
	WorkspaceID string
	DealID      string
	Type        ActivityType
	Subject     string
	Content     string
	ScheduledAt *time.Time
	CompletedAt *time.Time
	CreatedBy   Actor
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ActivityPatch lists fields to change; see DealPatch for the pointer rules.
type ActivityPatch struct {
	Type        *ActivityType
	Subject     *string
	Content     *string
	ScheduledAt **time.Time
	CompletedAt **time.Time
}
