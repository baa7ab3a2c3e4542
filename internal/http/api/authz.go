package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
)

// Authorization lives here and in server.Auth.Authorize, nowhere else:
// guard runs before every handler and decides from the route's access
// level; the few finer rules (who may change whose membership) are the
// functions below, called by the handlers they concern.

type scopeKey struct{}

// scope is what guard learned about a workspace request.
type scope struct {
	ws        domain.Workspace
	role      domain.Role
	principal httpx.Principal
}

func scopeOf(ctx context.Context) scope {
	sc, _ := ctx.Value(scopeKey{}).(scope)
	return sc
}

func (sc scope) actor() domain.Actor { return sc.principal.Actor() }

// guard enforces a route's access level before its handler runs.
func (a *API) guard(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		switch rt.access.kind {
		case signedIn:
			if p.Key != nil {
				a.fail(w, r, domain.Errorf(domain.KindUnauthorized,
					"API keys work only on their own workspace's routes (/api/v1/workspaces/{id}/…); sign in to use this one"))
				return
			}
			if p.User == nil {
				a.fail(w, r, domain.Errorf(domain.KindUnauthorized, "sign in first"))
				return
			}
			ctx = context.WithValue(ctx, scopeKey{}, scope{principal: p})
		case inWorkspace:
			ws, role, err := a.auth.Authorize(ctx, p, chi.URLParam(r, "ws"), rt.access.role)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			ctx = context.WithValue(ctx, scopeKey{}, scope{ws: ws, role: role, principal: p})
		}
		if err := checkQuery(r, rt.query); err != nil {
			a.fail(w, r, err)
			return
		}
		rt.handle(w, r.WithContext(ctx))
	}
}
