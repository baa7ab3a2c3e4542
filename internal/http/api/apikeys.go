package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

// APIKeyInput creates an API key; role defaults to member and may not be
// above the caller's; expires_at is optional.
type APIKeyInput struct {
	Name      string                    `json:"name"`
	Role      domain.Role               `json:"role,omitempty"`
	ExpiresAt httpx.Optional[time.Time] `json:"expires_at,omitzero"`
}

func (a *API) apiKeyRoutes() []route {
	return []route{
		{method: http.MethodPost, path: ws + "/api-keys", tag: "api-keys", access: adminOf, handle: a.createAPIKey,
			summary: "Create an API key; its secret (vos_…) is in this response only",
			body:    APIKeyInput{}, reply: NewAPIKey{}, status: http.StatusCreated},
		{method: http.MethodGet, path: ws + "/api-keys", tag: "api-keys", access: adminOf, handle: a.listAPIKeys,
			summary: "List the workspace's API keys (revoked ones included, secrets never)", reply: List[APIKey]{}, status: http.StatusOK},
		{method: http.MethodDelete, path: ws + "/api-keys/{id}", tag: "api-keys", access: adminOf, handle: a.revokeAPIKey,
			summary: "Revoke an API key; it stops working at once", status: http.StatusNoContent},
	}
}

func (a *API) createAPIKey(w http.ResponseWriter, r *http.Request) {
	var in APIKeyInput
	if !a.decode(w, r, &in) {
		return
	}
	if in.Role == "" {
		in.Role = domain.RoleMember
	}
	sc := scopeOf(r.Context())
	k, secret, err := a.store.CreateAPIKey(r.Context(), sc.ws.ID,
		store.NewAPIKey{Name: in.Name, Role: in.Role, ExpiresAt: in.ExpiresAt.Ptr()}, sc.actor(), sc.role)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusCreated, NewAPIKey{APIKey: apiKeyView(k), Secret: secret})
}

func (a *API) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := a.store.ListAPIKeys(r.Context(), scopeOf(r.Context()).ws.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, list(mapAll(keys, apiKeyView), ""))
}

func (a *API) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	if _, err := a.store.RevokeAPIKey(r.Context(), scopeOf(r.Context()).ws.ID, chi.URLParam(r, "id")); err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusNoContent, nil)
}
