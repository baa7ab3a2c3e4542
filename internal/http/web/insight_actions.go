package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

// insightPage is one insight with a form per recommended action.
type insightPage struct {
	Card       insightCard
	Deal       domain.Deal
	StageName  string
	Actions    []actionForm
	Closing    []domain.Stage // won and lost stages, for close_deal
	Dismiss    *form
	Snooze     *form
	DismissURL string
	SnoozeURL  string
	// SnoozeMin is the earliest date one can snooze until (tomorrow).
	SnoozeMin string
	Open      bool
}

// actionForm is one recommended action and the form that takes it.
type actionForm struct {
	N      int
	Action domain.Action
	URL    string
	Form   *form
	Due    domain.Date
}

func (h *Web) insightPage(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	ctx := r.Context()
	id := chi.URLParam(r, "id")
	in, err := h.store.GetInsight(ctx, sc.ws.ID, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Opening an insight marks it viewed (a new one changes status; every
	// opening is counted as a view).
	if in.Status != domain.StatusResolved {
		if in, err = h.store.SetInsightStatus(ctx, sc.ws.ID, id, store.InsightChange{Status: domain.StatusViewed}, sc.actor()); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.renderInsight(w, r, http.StatusOK, in, -1, nil, nil, nil)
}

// renderInsight shows the insight page; failed (the index of an action,
// with its form) or dismiss/snooze forms carry errors to show.
func (h *Web) renderInsight(w http.ResponseWriter, r *http.Request, status int, in domain.Insight, failed int,
	failedForm, dismiss, snooze *form) {
	sc := mustScope(r)
	ctx := r.Context()
	d, err := h.store.GetDeal(ctx, sc.ws.ID, in.DealID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	stages, err := h.store.ListStages(ctx, sc.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cards, err := h.insightCards(r, sc, []domain.Insight{in})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := sc.ws.Location()
	now := h.now()
	base := sc.path("/insights/" + in.ID)
	page := insightPage{Card: cards[0], Deal: d, Dismiss: dismiss, Snooze: snooze, DismissURL: base + "/dismiss",
		SnoozeURL: base + "/snooze", SnoozeMin: dueDate(now, loc, 1).String(), Open: in.Status != domain.StatusResolved}
	if st, ok := domain.StageByKey(stages, d.Stage); ok {
		page.StageName = st.Name
	}
	for _, st := range stages {
		if st.Kind != domain.StageOpen {
			page.Closing = append(page.Closing, st)
		}
	}
	if page.Dismiss == nil {
		page.Dismiss = newForm(nil)
	}
	if page.Snooze == nil {
		page.Snooze = newForm(nil)
		page.Snooze.Set("until", dueDate(now, loc, 7).String())
	}
	for i, a := range in.Actions {
		af := actionForm{N: i, Action: a, URL: fmt.Sprintf("%s/actions/%d", base, i), Due: dueDate(now, loc, a.DueInDays)}
		if i == failed && failedForm != nil {
			af.Form = failedForm
		} else {
			af.Form = actionDefaults(a, d, af.Due, stages)
		}
		page.Actions = append(page.Actions, af)
	}
	h.render(w, r, status, "insight", view{Title: in.Title, Nav: "insights", Data: page})
}

// actionDefaults prefills an action's form with what the rule suggests.
func actionDefaults(a domain.Action, d domain.Deal, due domain.Date, stages []domain.Stage) *form {
	f := newForm(nil)
	switch a.Kind {
	case domain.ActionScheduleActivity:
		f.Set("type", string(domain.ActivityMeeting))
		f.Set("subject", a.Title)
		f.Set("date", due.String())
	case domain.ActionContactBuyer:
		f.Set("type", string(domain.ActivityCall))
		f.Set("subject", a.Title)
		f.Set("date", due.String())
	case domain.ActionUpdateCloseDate:
		if d.CloseDate != nil && !d.CloseDate.Before(due) {
			f.Set("close_date", d.CloseDate.String())
		} else {
			f.Set("close_date", due.AddDays(30).String())
		}
	case domain.ActionUpdateProbability:
		if st, ok := domain.StageByKey(stages, d.Stage); ok {
			p := st.DefaultProbability
			if d.Probability != nil && st.ProbCeiling != nil && *d.Probability > *st.ProbCeiling {
				p = *st.ProbCeiling
			}
			f.Set("probability", strconv.Itoa(p))
		}
	case domain.ActionCloseDeal:
		for _, st := range stages {
			if st.Kind == domain.StageLost {
				f.Set("stage", st.Key)
			}
		}
	}
	return f
}

// takeAction carries out a recommended action and marks the insight
// actioned: a follow-up or a call to the buyer becomes a planned activity,
// an escalation a note, a close date or probability a change to the deal
// (with its history), closing the deal a move to won or lost.
func (h *Web) takeAction(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	ctx := r.Context()
	in, err := h.store.GetInsight(ctx, sc.ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n < 0 || n >= len(in.Actions) {
		h.notFound(w, r)
		return
	}
	if in.Status == domain.StatusResolved {
		h.fail(w, r, domain.Errorf(domain.KindConflict, "This insight is resolved: its rule no longer fires, so there is nothing to act on."))
		return
	}
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a := in.Actions[n]
	done, err := h.doAction(r, sc, in, a, f)
	if err != nil {
		if !f.adopt(err, "type", "subject", "date", "content", "close_date", "probability", "stage") {
			h.fail(w, r, err)
			return
		}
	}
	if !f.OK() {
		h.renderInsight(w, r, http.StatusUnprocessableEntity, in, n, f, nil, nil)
		return
	}
	reason := truncateRunes(string(a.Kind)+": "+a.Title, 500)
	if _, err := h.store.SetInsightStatus(ctx, sc.ws.ID, in.ID, store.InsightChange{Status: domain.StatusActioned, Reason: reason}, sc.actor()); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "success", "%s The insight is marked actioned.", done)
	redirect(w, r, httpx.LocalPath(f.Get("return"), sc.path("/insights/"+in.ID)))
}

// doAction performs one action; it returns what was done, in words, or
// records form problems (f) or returns a validation error.
func (h *Web) doAction(r *http.Request, sc scope, in domain.Insight, a domain.Action, f *form) (string, error) {
	ctx := r.Context()
	loc := sc.ws.Location()
	switch a.Kind {
	case domain.ActionScheduleActivity, domain.ActionContactBuyer:
		f.required("subject")
		due := f.date("date")
		if due == nil && f.Err("date") == "" {
			f.Fail("date", "is required")
		}
		if !f.OK() {
			return "", nil
		}
		// Planned for 9:00 on the day, the workspace's morning.
		at := time.Date(due.Year, due.Month, due.Day, 9, 0, 0, 0, loc)
		act, err := h.store.CreateActivity(ctx, sc.ws.ID, in.DealID, store.NewActivity{Type: domain.ActivityType(f.Get("type")),
			Subject: f.Get("subject"), Content: f.Get("content"), ScheduledAt: &at}, sc.actor())
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s “%s” planned for %s.", titleCase(act.Type), act.Subject, fmtDate(*due)), nil
	case domain.ActionEscalate:
		now := h.now()
		_, err := h.store.CreateActivity(ctx, sc.ws.ID, in.DealID, store.NewActivity{Type: domain.ActivityNote,
			Subject: truncateRunes("Escalated: "+a.Title, 200), Content: f.Get("content"), CompletedAt: &now}, sc.actor())
		if err != nil {
			return "", err
		}
		return "Escalation noted on the deal.", nil
	case domain.ActionUpdateCloseDate:
		d := f.date("close_date")
		if d == nil && f.Err("close_date") == "" {
			f.Fail("close_date", "is required")
		}
		if !f.OK() {
			return "", nil
		}
		if _, err := h.store.UpdateDeal(ctx, sc.ws.ID, in.DealID, domain.DealPatch{CloseDate: &d}, sc.actor()); err != nil {
			return "", err
		}
		return "Close date set to " + fmtDate(*d) + ".", nil
	case domain.ActionUpdateProbability:
		p := f.percent("probability")
		if p == nil && f.Err("probability") == "" {
			f.Fail("probability", "is required")
		}
		if !f.OK() {
			return "", nil
		}
		if _, err := h.store.UpdateDeal(ctx, sc.ws.ID, in.DealID, domain.DealPatch{Probability: &p}, sc.actor()); err != nil {
			return "", err
		}
		return fmt.Sprintf("Probability set to %d%%.", *p), nil
	case domain.ActionCloseDeal:
		stage := f.Get("stage")
		stages, err := h.store.ListStages(ctx, sc.ws.ID)
		if err != nil {
			return "", err
		}
		st, ok := domain.StageByKey(stages, stage)
		if !ok || st.Kind == domain.StageOpen {
			f.Fail("stage", "must be a won or lost stage")
			return "", nil
		}
		if _, err := h.store.UpdateDeal(ctx, sc.ws.ID, in.DealID, domain.DealPatch{Stage: &stage}, sc.actor()); err != nil {
			return "", err
		}
		return "Deal closed as " + st.Name + ".", nil
	}
	return "", domain.Errorf(domain.KindInvalid, "this action cannot be taken from the UI")
}

func (h *Web) dismissInsight(w http.ResponseWriter, r *http.Request) {
	h.respond(w, r, func(f *form, loc *time.Location) (store.InsightChange, string) {
		return store.InsightChange{Status: domain.StatusDismissed, Reason: f.Get("reason")}, "Insight dismissed."
	})
}

func (h *Web) snoozeInsight(w http.ResponseWriter, r *http.Request) {
	h.respond(w, r, func(f *form, loc *time.Location) (store.InsightChange, string) {
		d := f.date("until")
		if d == nil {
			f.Fail("until", "is required")
			return store.InsightChange{}, ""
		}
		// Until the start of that day where the workspace is.
		until := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
		return store.InsightChange{Status: domain.StatusSnoozed, SnoozedUntil: &until, Reason: f.Get("reason")},
			"Insight snoozed until " + fmtDate(*d) + "."
	})
}

// respond records a dismiss or snooze; build reads the form (recording
// problems in it) and says what happened.
func (h *Web) respond(w http.ResponseWriter, r *http.Request, build func(*form, *time.Location) (store.InsightChange, string)) {
	sc := mustScope(r)
	in, err := h.store.GetInsight(r.Context(), sc.ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ch, msg := build(f, sc.ws.Location())
	if f.OK() {
		_, err = h.store.SetInsightStatus(r.Context(), sc.ws.ID, in.ID, ch, sc.actor())
		if err == nil {
			h.setFlash(r, "success", "%s", msg)
			redirect(w, r, httpx.LocalPath(f.Get("return"), sc.path("/insights")))
			return
		}
		if !f.adopt(err, "reason", "until", "snoozed_until") {
			h.fail(w, r, err)
			return
		}
		if e := f.Err("snoozed_until"); e != "" {
			f.Errors["until"] = e
		}
	}
	if ch.Status == domain.StatusSnoozed || f.Err("until") != "" {
		h.renderInsight(w, r, http.StatusUnprocessableEntity, in, -1, nil, nil, f)
		return
	}
	h.renderInsight(w, r, http.StatusUnprocessableEntity, in, -1, nil, f, nil)
}

// truncateRunes cuts s to at most n bytes on a rune boundary.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}
