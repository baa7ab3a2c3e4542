package api

import (
	"net/http"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

// WorkspaceInput creates a workspace; currency defaults to USD and the time
// zone to UTC.
type WorkspaceInput struct {
	Name     string `json:"name"`
	Currency string `json:"currency,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
}

// WorkspacePatch renames a workspace.
type WorkspacePatch struct {
	Name httpx.Optional[string] `json:"name,omitzero"`
}

func (a *API) workspaceRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/workspaces", tag: "workspaces", access: userOnly, handle: a.createWorkspace,
			summary: "Create a workspace (with the default pipeline); you become its owner",
			body:    WorkspaceInput{}, reply: Workspace{}, status: http.StatusCreated},
		{method: http.MethodGet, path: ws, tag: "workspaces", access: memberOf, handle: a.getWorkspace,
			summary: "Get a workspace", reply: Workspace{}, status: http.StatusOK},
		{method: http.MethodPatch, path: ws, tag: "workspaces", access: adminOf, handle: a.updateWorkspace,
			summary: "Rename a workspace", body: WorkspacePatch{}, reply: Workspace{}, status: http.StatusOK},
		{method: http.MethodDelete, path: ws, tag: "workspaces", access: ownerOf, handle: a.deleteWorkspace,
			summary: "Delete a workspace and everything in it", status: http.StatusNoContent},
	}
}

func (a *API) createWorkspace(w http.ResponseWriter, r *http.Request) {
	var in WorkspaceInput
	if !a.decode(w, r, &in) {
		return
	}
	u := scopeOf(r.Context()).principal.User
	wsp, err := a.store.CreateWorkspace(r.Context(), store.NewWorkspace{Name: in.Name, Currency: in.Currency, TimeZone: in.TimeZone}, u.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusCreated, workspaceView(wsp, domain.RoleOwner))
}

func (a *API) getWorkspace(w http.ResponseWriter, r *http.Request) {
	sc := scopeOf(r.Context())
	reply(w, http.StatusOK, workspaceView(sc.ws, sc.role))
}

func (a *API) updateWorkspace(w http.ResponseWriter, r *http.Request) {
	var in WorkspacePatch
	if !a.decode(w, r, &in) {
		return
	}
	sc := scopeOf(r.Context())
	if !in.Name.Set {
		reply(w, http.StatusOK, workspaceView(sc.ws, sc.role))
		return
	}
	if in.Name.Null {
		a.fail(w, r, httpx.FieldErr("name", "cannot be null"))
		return
	}
	wsp, err := a.store.RenameWorkspace(r.Context(), sc.ws.ID, in.Name.Value)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, workspaceView(wsp, sc.role))
}

func (a *API) deleteWorkspace(w http.ResponseWriter, r *http.Request) {
	if err := a.store.DeleteWorkspace(r.Context(), scopeOf(r.Context()).ws.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusNoContent, nil)
}
