package api

import (
	"net/http"
	"slices"

	"github.com/vectoros/vectoros/internal/domain"
)

// route is one endpoint: how it is reached, who may call it, what it takes
// and returns (for the OpenAPI document), and its handler.
type route struct {
	method  string
	path    string // chi pattern relative to /api/v1; {ws} is a workspace id
	summary string
	tag     string
	access  access
	body    any     // zero value of the request body type; nil: no body
	reply   any     // zero value of the response type; nil: no content
	status  int     // success status
	query   []param // query parameters
	handle  http.HandlerFunc
}

// param documents a query parameter.
type param struct {
	name, desc string
	enum       []string
}

// access says who may call a route; guard (authz.go) enforces it.
type access struct {
	kind accessKind
	role domain.Role // the least role, for workspace routes
}

type accessKind int

const (
	// anyone, signed in or not
	public accessKind = iota
	// a signed-in user (session); API keys are refused with 401
	signedIn
	// a member or API key of the {ws} workspace with at least access.role
	inWorkspace
)

var (
	anyone   = access{kind: public}
	userOnly = access{kind: signedIn}
	memberOf = access{kind: inWorkspace, role: domain.RoleMember}
	adminOf  = access{kind: inWorkspace, role: domain.RoleAdmin}
	ownerOf  = access{kind: inWorkspace, role: domain.RoleOwner}
)

// table lists every route of the API. To add a resource, write a file with
// a method returning its routes (see deals.go, or monitor.go) and add one
// line here; its dependency, if new, becomes a field of Deps. The route is
// then registered behind guard, documented in /api/v1/openapi.json, and
// covered by the tenancy test, which walks the router (teach its newTenant
// a new kind of {id}, if any). Refresh the OpenAPI golden file with
// `go test ./internal/http/api -run OpenAPI -update`. Never register a
// route on the chi router directly: it would bypass authorization, and the
// OpenAPI and tenancy tests fail on it.
func (a *API) table() []route {
	return slices.Concat(
		a.authRoutes(),
		a.workspaceRoutes(),
		a.memberRoutes(),
		a.invitationRoutes(),
		a.apiKeyRoutes(),
		a.stageRoutes(),
		a.dealRoutes(),
		a.activityRoutes(),
		a.insightRoutes(),
		a.pipelineRoutes(),
		a.monitorRoutes(),
		a.sentryRoutes(),
		a.docRoutes(),
	)
}

// Route describes a registered route, for tests and tools.
type Route struct {
	Method, Path string
	// MinRole is the least workspace role the route needs ("" for routes
	// outside a workspace); SignedIn marks routes only sessions may call.
	MinRole  domain.Role
	SignedIn bool
	Public   bool
}

// Routes lists the API's routes (paths relative to /api/v1).
func (a *API) Routes() []Route {
	out := make([]Route, len(a.routes))
	for i, rt := range a.routes {
		out[i] = Route{Method: rt.method, Path: rt.path, MinRole: rt.access.role,
			SignedIn: rt.access.kind == signedIn, Public: rt.access.kind == public}
	}
	return out
}

// ws is the prefix of every workspace-scoped path.
const ws = "/workspaces/{ws}"
