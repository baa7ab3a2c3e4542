package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// dealPage is a deal with its activities, change history and insights.
type dealPage struct {
	Deal       dealRow
	Stage      domain.Stage
	Stages     []domain.Stage
	Activities []activityView
	History    []historyItem
	Insights   []insightCard
	// Resolved counts insights about the deal that no longer apply.
	Form         *form // the add-activity form
	ActivityURL  string
	ActivityType []domain.ActivityType
}

// activityView is an activity on the timeline.
type activityView struct {
	domain.Activity
	Done        bool
	Overdue     bool
	CompleteURL string
	By          string
}

var activityTypes = []domain.ActivityType{domain.ActivityCall, domain.ActivityEmail, domain.ActivityMeeting,
	domain.ActivityTask, domain.ActivityNote}

func (h *Web) dealPage(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Set("type", string(domain.ActivityCall))
	h.renderDealPage(w, r, http.StatusOK, f)
}

func (h *Web) renderDealPage(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx := r.Context()
	sc := mustScope(r)
	d, err := h.store.GetDeal(ctx, sc.ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	stages, members, err := h.workspaceLists(r, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	acts, err := h.store.ListActivities(ctx, sc.ws.ID, d.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	events, err := h.store.ListDealEvents(ctx, sc.ws.ID, d.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ins, _, err := h.store.ListInsights(ctx, sc.ws.ID, domain.InsightFilter{DealID: d.ID, Open: true, Limit: 50})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.now()
	today := domain.DateOf(now.In(sc.ws.Location()))
	names := newHistoryNames(stages, members, sc.ws.Currency)
	page := dealPage{Deal: h.rows(sc, today, []domain.Deal{d}, stages, members)[0], Stages: stages,
		History: names.history(events), Form: f, ActivityURL: sc.path("/deals/" + d.ID + "/activities"),
		ActivityType: activityTypes}
	page.Stage, _ = domain.StageByKey(stages, d.Stage)
	for _, a := range acts {
		page.Activities = append(page.Activities, activityView{Activity: a, Done: a.CompletedAt != nil,
			Overdue:     a.CompletedAt == nil && a.ScheduledAt != nil && a.ScheduledAt.Before(now),
			CompleteURL: sc.path("/deals/" + d.ID + "/activities/" + a.ID + "/complete"), By: names.actor(a.CreatedBy)})
	}
	for _, in := range ins {
		page.Insights = append(page.Insights, insightCard{Insight: in, URL: sc.path("/insights/" + in.ID)})
	}
	h.render(w, r, status, "deal", view{Title: d.Title, Nav: "deals", Data: page})
}

// addActivity logs a touch or plans one. "Done" completes it now; a time
// schedules it (in the workspace's time zone).
func (h *Web) addActivity(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	n := store.NewActivity{Type: domain.ActivityType(f.Get("type")), Subject: f.Get("subject"), Content: f.Get("content"),
		ScheduledAt: f.localTime("scheduled_at", sc.ws.Location())}
	f.required("subject")
	if f.Get("done") != "" {
		now := h.now()
		n.CompletedAt = &now
	}
	if f.OK() {
		_, err = h.store.CreateActivity(r.Context(), sc.ws.ID, id, n, sc.actor())
		if err == nil {
			h.setFlash(r, "success", "Activity added.")
			redirect(w, r, sc.path("/deals/"+id+"#activities"))
			return
		}
		if !f.adopt(err, "type", "subject", "content", "scheduled_at", "completed_at") {
			h.fail(w, r, err)
			return
		}
	}
	h.renderDealPage(w, r, http.StatusUnprocessableEntity, f)
}

func (h *Web) completeActivity(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	id := chi.URLParam(r, "id")
	a, err := h.store.GetActivity(r.Context(), sc.ws.ID, chi.URLParam(r, "aid"))
	if err == nil && a.DealID != id {
		err = domain.ErrNotFound("activity")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.now()
	done := &now
	if _, err := h.store.UpdateActivity(r.Context(), sc.ws.ID, a.ID, domain.ActivityPatch{CompletedAt: &done}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "success", "“%s” marked done.", a.Subject)
	redirect(w, r, sc.path("/deals/"+id+"#activities"))
}

// dueDate is the date an action is due, N days from today in the zone.
func dueDate(now time.Time, loc *time.Location, days int) domain.Date {
	return domain.DateOf(now.In(loc)).AddDays(days)
}
