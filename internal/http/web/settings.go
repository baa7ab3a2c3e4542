package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
)

func (h *Web) settingsRoutes(r chi.Router) {
	r.Get("/settings", h.settings)
	r.Group(func(r chi.Router) {
		r.Use(h.requireAdmin)
		r.Post("/settings/name", h.renameWorkspace)
		r.Post("/settings/stages/{key}", h.updateStage)
		r.Post("/settings/members/{user}", h.setRole)
		r.Post("/settings/invitations", h.createInvitation)
		r.Post("/settings/invitations/{id}/revoke", h.revokeInvitation)
		r.Post("/settings/api-keys", h.createAPIKey)
		r.Post("/settings/api-keys/{id}/revoke", h.revokeAPIKey)
	})
}

// settingsPage is the workspace's settings. Forms that failed carry their
// errors; a just-created API key secret or invitation link is shown once,
// in the response to its creation, and never stored in the session.
type settingsPage struct {
	NameForm    *form
	Stages      []stageRow
	Closed      []domain.Stage
	Members     []memberRow
	Invitations []invitationRow
	InviteForm  *form
	Keys        []domain.APIKey
	KeyForm     *form
	NewSecret   string
	NewKeyName  string
	NewLink     string
	NewLinkFor  string
	Roles       []domain.Role
	CanOwn      bool
}

// stageRow is an open stage and its settings form.
type stageRow struct {
	Stage domain.Stage
	Form  *form
	URL   string
}

type memberRow struct {
	domain.Member
	You     bool
	CanEdit bool
	URL     string
}

type invitationRow struct {
	domain.Invitation
	State string // pending | accepted | expired
}

func stageForm(st domain.Stage) *form {
	f := newForm(nil)
	f.Set("name", st.Name)
	f.Set("default_probability", strconv.Itoa(st.DefaultProbability))
	set := func(k string, p *int) {
		if p != nil {
			f.Set(k, strconv.Itoa(*p))
		}
	}
	set("prob_floor", st.ProbFloor)
	set("prob_ceiling", st.ProbCeiling)
	set("rotting_days", st.RottingDays)
	set("stuck_days", st.StuckDays)
	if st.IsLate {
		f.Set("is_late", "on")
	}
	return f
}

func (h *Web) settings(w http.ResponseWriter, r *http.Request) {
	h.renderSettings(w, r, http.StatusOK, settingsPage{})
}

// renderSettings fills in what p does not carry yet and renders the page.
func (h *Web) renderSettings(w http.ResponseWriter, r *http.Request, status int, p settingsPage) {
	sc := mustScope(r)
	ctx := r.Context()
	stages, members, err := h.workspaceLists(r, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p.NameForm == nil {
		p.NameForm = newForm(nil)
		p.NameForm.Set("name", sc.ws.Name)
	}
	failed := map[string]stageRow{}
	for _, s := range p.Stages {
		failed[s.Stage.Key] = s
	}
	p.Stages = nil
	for _, st := range stages {
		if st.Kind != domain.StageOpen {
			p.Closed = append(p.Closed, st)
			continue
		}
		row := stageRow{Stage: st, Form: stageForm(st), URL: sc.path("/settings/stages/" + st.Key)}
		if f, ok := failed[st.Key]; ok {
			row.Form = f.Form
		}
		p.Stages = append(p.Stages, row)
	}
	for _, m := range members {
		p.Members = append(p.Members, memberRow{Member: m, You: m.UserID == sc.user.ID,
			CanEdit: domain.CanSetRole(sc.role, m.Role, m.Role) == nil && m.UserID != sc.user.ID,
			URL:     sc.path("/settings/members/" + m.UserID)})
	}
	p.Roles = []domain.Role{domain.RoleMember, domain.RoleAdmin, domain.RoleOwner}
	p.CanOwn = sc.role == domain.RoleOwner
	if sc.role.AtLeast(domain.RoleAdmin) {
		invs, err := h.store.ListInvitations(ctx, sc.ws.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		now := h.now()
		for _, in := range invs {
			row := invitationRow{Invitation: in, State: "pending"}
			switch {
			case in.AcceptedAt != nil:
				row.State = "accepted"
			case !in.ExpiresAt.After(now):
				row.State = "expired"
			}
			p.Invitations = append(p.Invitations, row)
		}
		if p.Keys, err = h.store.ListAPIKeys(ctx, sc.ws.ID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if p.InviteForm == nil {
		p.InviteForm = newForm(nil)
		p.InviteForm.Set("role", string(domain.RoleMember))
	}
	if p.KeyForm == nil {
		p.KeyForm = newForm(nil)
		p.KeyForm.Set("role", string(domain.RoleMember))
	}
	h.render(w, r, status, "settings", view{Title: "Settings", Nav: "settings", Data: p})
}

func (h *Web) renameWorkspace(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ws, err := h.store.RenameWorkspace(r.Context(), sc.ws.ID, f.Get("name"))
	if err != nil {
		if !f.adopt(err, "name") {
			h.fail(w, r, err)
			return
		}
		h.renderSettings(w, r, http.StatusUnprocessableEntity, settingsPage{NameForm: f})
		return
	}
	h.setFlash(r, "success", "Workspace renamed to %s.", ws.Name)
	redirect(w, r, sc.path("/settings"))
}

// updateStage saves one open stage's monitor settings.
func (h *Web) updateStage(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	ctx := r.Context()
	stages, err := h.store.ListStages(ctx, sc.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, ok := domain.StageByKey(stages, chi.URLParam(r, "key"))
	if !ok || st.Kind != domain.StageOpen {
		h.notFound(w, r)
		return
	}
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.required("name", "default_probability", "rotting_days", "stuck_days")
	st.Name = f.Get("name")
	if p := f.percent("default_probability"); p != nil {
		st.DefaultProbability = *p
	}
	st.ProbFloor = f.percent("prob_floor")
	st.ProbCeiling = f.percent("prob_ceiling")
	st.RottingDays = f.intRange("rotting_days", 1, 3650)
	st.StuckDays = f.intRange("stuck_days", 1, 3650)
	st.IsLate = f.Get("is_late") != ""
	if f.OK() {
		err = h.store.UpdateStageSettings(ctx, st)
		if err == nil {
			h.setFlash(r, "success", "Stage %s saved.", st.Name)
			redirect(w, r, sc.path("/settings#stages"))
			return
		}
		if !f.adopt(err, "name", "default_probability", "prob_floor", "prob_ceiling", "rotting_days", "stuck_days") {
			h.fail(w, r, err)
			return
		}
	}
	h.renderSettings(w, r, http.StatusUnprocessableEntity, settingsPage{Stages: []stageRow{{Stage: st, Form: f}}})
}
