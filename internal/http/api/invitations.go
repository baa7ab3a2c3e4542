package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

// InvitationInput invites someone by email; the link expires after
// expires_in_hours (default 168, at most 720).
type InvitationInput struct {
	Email          string      `json:"email"`
	Role           domain.Role `json:"role"`
	ExpiresInHours int         `json:"expires_in_hours,omitempty"`
}

// AcceptInput accepts an invitation with the token from its link.
type AcceptInput struct {
	Token string `json:"token"`
}

func (a *API) invitationRoutes() []route {
	return []route{
		{method: http.MethodPost, path: ws + "/invitations", tag: "members", access: adminOf, handle: a.createInvitation,
			summary: "Invite someone by link; the token is returned only here (role never above yours)",
			body:    InvitationInput{}, reply: NewInvitation{}, status: http.StatusCreated},
		{method: http.MethodGet, path: ws + "/invitations", tag: "members", access: adminOf, handle: a.listInvitations,
			summary: "List the workspace's invitations", reply: List[Invitation]{}, status: http.StatusOK},
		{method: http.MethodDelete, path: ws + "/invitations/{id}", tag: "members", access: adminOf, handle: a.revokeInvitation,
			summary: "Withdraw an invitation that was not accepted yet", status: http.StatusNoContent},
		{method: http.MethodPost, path: "/invitations/accept", tag: "members", access: userOnly, handle: a.acceptInvitation,
			summary: "Accept an invitation addressed to your email; answers the workspace joined",
			body:    AcceptInput{}, reply: Workspace{}, status: http.StatusOK},
	}
}

func (a *API) createInvitation(w http.ResponseWriter, r *http.Request) {
	var in InvitationInput
	if !a.decode(w, r, &in) {
		return
	}
	sc := scopeOf(r.Context())
	inv, token, err := a.store.CreateInvitation(r.Context(), sc.ws.ID,
		store.NewInvitation{Email: in.Email, Role: in.Role, TTL: time.Duration(in.ExpiresInHours) * time.Hour}, sc.actor(), sc.role)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := NewInvitation{Invitation: invitationView(inv, a.now()), Token: token}
	if a.publicURL != "" {
		out.AcceptURL = a.publicURL + "/invitations/" + url.PathEscape(token) // the web UI's page for it
	}
	reply(w, http.StatusCreated, out)
}

func (a *API) listInvitations(w http.ResponseWriter, r *http.Request) {
	ins, err := a.store.ListInvitations(r.Context(), scopeOf(r.Context()).ws.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.now()
	reply(w, http.StatusOK, list(mapAll(ins, func(in domain.Invitation) Invitation { return invitationView(in, now) }), ""))
}

func (a *API) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	if err := a.store.RevokeInvitation(r.Context(), scopeOf(r.Context()).ws.ID, chi.URLParam(r, "id")); err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusNoContent, nil)
}

func (a *API) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	var in AcceptInput
	if !a.decode(w, r, &in) {
		return
	}
	if in.Token == "" {
		a.fail(w, r, httpx.FieldErr("token", "is required"))
		return
	}
	m, err := a.store.AcceptInvitation(r.Context(), in.Token, *scopeOf(r.Context()).principal.User)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, workspaceView(m.Workspace, m.Role))
}
