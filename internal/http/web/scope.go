package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
)

// scope is the workspace a page belongs to and the viewer's place in it,
// as server.Auth.Authorize resolved them.
type scope struct {
	ws   domain.Workspace
	role domain.Role
	user domain.User
}

type scopeKey struct{}

func scopeOf(ctx context.Context) (scope, bool) {
	sc, ok := ctx.Value(scopeKey{}).(scope)
	return sc, ok
}

// mustScope returns the scope of a workspace route (workspace guarantees it).
func mustScope(r *http.Request) scope {
	sc, _ := scopeOf(r.Context())
	return sc
}

// actor is how the viewer's changes are recorded.
func (sc scope) actor() domain.Actor { return domain.Actor{Kind: domain.ActorUser, ID: sc.user.ID} }

// path is a page of the scope's workspace.
func (sc scope) path(p string) string { return "/w/" + sc.ws.ID + p }

// userOf returns the signed-in user. The UI is for people with sessions: a
// request with an API key is treated as signed out.
func userOf(r *http.Request) *domain.User {
	return httpx.PrincipalFrom(r.Context()).User
}

// requireUser sends anonymous visitors to the sign-in page, coming back
// here afterwards.
func (h *Web) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if userOf(r) == nil {
			target := "/signin"
			if r.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			redirect(w, r, target)
			return
		}
		next.ServeHTTP(w, r)
	})
}

const sessLastWorkspace = "last_workspace"

// workspace authorizes the {ws} of the path for the signed-in user. A
// workspace they are not a member of is the 404 page, like a missing one.
func (h *Web) workspace(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u := userOf(r)
		ws, role, err := h.auth.Authorize(ctx, httpx.Principal{User: u}, chi.URLParam(r, "ws"), domain.RoleMember)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if h.sessions.GetString(ctx, sessLastWorkspace) != ws.ID {
			h.sessions.Put(ctx, sessLastWorkspace, ws.ID)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, scopeKey{}, scope{ws: ws, role: role, user: *u})))
	})
}

// requireAdmin limits a workspace route to admins and owners.
func (h *Web) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sc := mustScope(r); !sc.role.AtLeast(domain.RoleAdmin) {
			h.fail(w, r, domain.Errorf(domain.KindForbidden, "This page is for the workspace's admins and owners; you are a %s.", sc.role))
			return
		}
		next.ServeHTTP(w, r)
	})
}
