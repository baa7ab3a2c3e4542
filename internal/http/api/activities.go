package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

// Activity is a touch on a deal: done (completed_at set) or planned
// (scheduled_at). Completed emails, calls and meetings count as engagement.
type Activity struct {
	ID          string              `json:"id"`
	DealID      string              `json:"deal_id"`
	Type        domain.ActivityType `json:"type"`
	Subject     string              `json:"subject"`
	Content     string              `json:"content"`
	ScheduledAt *time.Time          `json:"scheduled_at"`
	CompletedAt *time.Time          `json:"completed_at"`
	CreatedBy   Actor               `json:"created_by"`
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`
}

func activityView(a domain.Activity) Activity {
	return Activity{ID: a.ID, DealID: a.DealID, Type: a.Type, Subject: a.Subject, Content: a.Content,
		ScheduledAt: utcp(a.ScheduledAt), CompletedAt: utcp(a.CompletedAt),
		CreatedBy: Actor{Kind: a.CreatedBy.Kind, ID: a.CreatedBy.ID}, CreatedAt: utc(a.CreatedAt), UpdatedAt: utc(a.UpdatedAt)}
}

// ActivityInput logs or plans an activity; both times may be in the past
// (completed_at not in the future).
type ActivityInput struct {
	Type        domain.ActivityType       `json:"type"`
	Subject     string                    `json:"subject"`
	Content     string                    `json:"content,omitempty"`
	ScheduledAt httpx.Optional[time.Time] `json:"scheduled_at,omitzero"`
	CompletedAt httpx.Optional[time.Time] `json:"completed_at,omitzero"`
}

// ActivityPatch changes the fields present; null clears content and times
// (completing a task is a patch of completed_at).
type ActivityPatch struct {
	Type        httpx.Optional[domain.ActivityType] `json:"type,omitzero"`
	Subject     httpx.Optional[string]              `json:"subject,omitzero"`
	Content     httpx.Optional[string]              `json:"content,omitzero"`
	ScheduledAt httpx.Optional[time.Time]           `json:"scheduled_at,omitzero"`
	CompletedAt httpx.Optional[time.Time]           `json:"completed_at,omitzero"`
}

func (a *API) activityRoutes() []route {
	return []route{
		{method: http.MethodGet, path: ws + "/deals/{id}/activities", tag: "activities", access: memberOf, handle: a.listActivities,
			summary: "A deal's activities, latest first", reply: List[Activity]{}, status: http.StatusOK},
		{method: http.MethodPost, path: ws + "/deals/{id}/activities", tag: "activities", access: memberOf, handle: a.createActivity,
			summary: "Log or plan an activity on a deal (type email, call, meeting, note or task)",
			body:    ActivityInput{}, reply: Activity{}, status: http.StatusCreated},
		{method: http.MethodPatch, path: ws + "/activities/{id}", tag: "activities", access: memberOf, handle: a.updateActivity,
			summary: "Change an activity", body: ActivityPatch{}, reply: Activity{}, status: http.StatusOK},
		{method: http.MethodDelete, path: ws + "/activities/{id}", tag: "activities", access: memberOf, handle: a.deleteActivity,
			summary: "Delete an activity", status: http.StatusNoContent},
	}
}

func (a *API) listActivities(w http.ResponseWriter, r *http.Request) {
	acts, err := a.store.ListActivities(r.Context(), scopeOf(r.Context()).ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, list(mapAll(acts, activityView), ""))
}

func (a *API) createActivity(w http.ResponseWriter, r *http.Request) {
	var in ActivityInput
	if !a.decode(w, r, &in) {
		return
	}
	sc := scopeOf(r.Context())
	act, err := a.store.CreateActivity(r.Context(), sc.ws.ID, chi.URLParam(r, "id"), store.NewActivity{Type: in.Type,
		Subject: in.Subject, Content: in.Content, ScheduledAt: in.ScheduledAt.Ptr(), CompletedAt: in.CompletedAt.Ptr()}, sc.actor())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusCreated, activityView(act))
}

func (a *API) updateActivity(w http.ResponseWriter, r *http.Request) {
	var in ActivityPatch
	if !a.decode(w, r, &in) {
		return
	}
	var v domain.Validation
	p := domain.ActivityPatch{Type: required(&v, "type", in.Type), Subject: required(&v, "subject", in.Subject),
		Content: orEmpty(in.Content), ScheduledAt: nullable(in.ScheduledAt), CompletedAt: nullable(in.CompletedAt)}
	if err := v.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	act, err := a.store.UpdateActivity(r.Context(), scopeOf(r.Context()).ws.ID, chi.URLParam(r, "id"), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, activityView(act))
}

func (a *API) deleteActivity(w http.ResponseWriter, r *http.Request) {
	if err := a.store.DeleteActivity(r.Context(), scopeOf(r.Context()).ws.ID, chi.URLParam(r, "id")); err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusNoContent, nil)
}
