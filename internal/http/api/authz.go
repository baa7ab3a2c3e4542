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

// canSetRole says whether the caller may move a member from one role to
// another: admins manage members and admins; only owners touch ownership.
func canSetRole(sc scope, from, to domain.Role) error {
	if !sc.role.AtLeast(domain.RoleAdmin) {
		return domain.Errorf(domain.KindForbidden, "changing roles needs the admin role")
	}
	if (from == domain.RoleOwner || to == domain.RoleOwner) && sc.role != domain.RoleOwner {
		return domain.Errorf(domain.KindForbidden, "only owners can grant or take away ownership")
	}
	return nil
}

// canRemove says whether the caller may remove a member: anyone may leave;
// removing someone else needs admin, and removing an owner needs owner.
func canRemove(sc scope, userID string, role domain.Role) error {
	if sc.principal.User != nil && sc.principal.User.ID == userID {
		return nil
	}
	if !sc.role.AtLeast(domain.RoleAdmin) {
		return domain.Errorf(domain.KindForbidden, "removing other members needs the admin role")
	}
	if role == domain.RoleOwner && sc.role != domain.RoleOwner {
		return domain.Errorf(domain.KindForbidden, "only owners can remove an owner")
	}
	return nil
}
