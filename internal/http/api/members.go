package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
)

// MemberPatch changes a member's role.
type MemberPatch struct {
	Role domain.Role `json:"role"`
}

func (a *API) memberRoutes() []route {
	return []route{
		{method: http.MethodGet, path: ws + "/members", tag: "members", access: memberOf, handle: a.listMembers,
			summary: "List the workspace's members", reply: List[Member]{}, status: http.StatusOK},
		{method: http.MethodPatch, path: ws + "/members/{user_id}", tag: "members", access: adminOf, handle: a.setMemberRole,
			summary: "Change a member's role (only owners grant or remove ownership; the last owner cannot be demoted)",
			body:    MemberPatch{}, reply: Member{}, status: http.StatusOK},
		{method: http.MethodDelete, path: ws + "/members/{user_id}", tag: "members", access: memberOf, handle: a.removeMember,
			summary: "Remove a member, or leave (your own id); the last owner cannot leave", status: http.StatusNoContent},
	}
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request) {
	ms, err := a.store.ListMembers(r.Context(), scopeOf(r.Context()).ws.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, list(mapAll(ms, memberView), ""))
}

func (a *API) setMemberRole(w http.ResponseWriter, r *http.Request) {
	var in MemberPatch
	if !a.decode(w, r, &in) {
		return
	}
	ctx, sc := r.Context(), scopeOf(r.Context())
	m, err := a.store.GetMember(ctx, sc.ws.ID, chi.URLParam(r, "user_id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !in.Role.Valid() {
		a.fail(w, r, httpx.FieldErr("role", "must be one of member, admin, owner"))
		return
	}
	if err := domain.CanSetRole(sc.role, m.Role, in.Role); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.store.SetMemberRole(ctx, sc.ws.ID, m.UserID, in.Role); err != nil {
		a.fail(w, r, err)
		return
	}
	m.Role = in.Role
	reply(w, http.StatusOK, memberView(m))
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request) {
	ctx, sc := r.Context(), scopeOf(r.Context())
	m, err := a.store.GetMember(ctx, sc.ws.ID, chi.URLParam(r, "user_id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := domain.CanRemoveMember(sc.role, sc.principal.User != nil && sc.principal.User.ID == m.UserID, m.Role); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.store.RemoveMember(ctx, sc.ws.ID, m.UserID); err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusNoContent, nil)
}
