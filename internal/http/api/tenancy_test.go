package api_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/api"
)

// The tenancy test walks the router itself, so a route added later is
// covered without editing this file; a route whose path parameters it does
// not know fails it until objectFor learns them.

// tenantBodies are valid bodies: only authorization may stop these requests.
var tenantBodies = map[string]string{
	"PATCH /workspaces/{ws}":                      `{"name":"hacked"}`,
	"PATCH /workspaces/{ws}/members/{user_id}":    `{"role":"admin"}`,
	"POST /workspaces/{ws}/invitations":           `{"email":"x@evil.example","role":"member"}`,
	"POST /workspaces/{ws}/api-keys":              `{"name":"evil","role":"member"}`,
	"POST /workspaces/{ws}/deals":                 `{"title":"evil"}`,
	"PATCH /workspaces/{ws}/deals/{id}":           `{"title":"hacked","value":1}`,
	"POST /workspaces/{ws}/deals/{id}/activities": `{"type":"note","subject":"evil"}`,
	"PATCH /workspaces/{ws}/activities/{id}":      `{"subject":"hacked"}`,
	"PATCH /workspaces/{ws}/insights/{id}":        `{"status":"dismissed"}`,
	"POST /auth/signup":                           `{"email":"new@example.com","password":"a fine passphrase"}`,
	"POST /auth/login":                            `{"email":"a@example.com","password":"wrong but well formed"}`,
	"POST /workspaces":                            `{"name":"evil"}`,
	"POST /invitations/accept":                    `{"token":"vinv_x"}`,
}

// tenant is one workspace with one object of every kind.
type tenant struct {
	ws      client.Workspace
	owner   *client.Client
	objects map[string]string // resource (path segment) → id
}

var paramRe = regexp.MustCompile(`\{([^}]+)\}`)

// path fills a route pattern: {ws} with ws, other parameters with the
// object named by the segment before them (deals/{id} → a deal).
func (tn tenant) path(t *testing.T, pattern, ws string) string {
	t.Helper()
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		m := paramRe.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		if m[1] == "ws" {
			segs[i] = ws
			continue
		}
		id, ok := tn.objects[segs[i-1]]
		if !ok {
			t.Fatalf("route %s: the tenancy test does not know what {%s} after /%s/ is; add such an object to newTenant", pattern, m[1], segs[i-1])
		}
		segs[i] = id
	}
	return strings.Join(segs, "/")
}

func newTenant(t *testing.T, e *env, email string) tenant {
	t.Helper()
	owner, w := e.owner(email)
	d, err := owner.CreateDeal(ctx, w.ID, client.DealInput{Title: "Deal of " + email, Value: client.Amount("1000")})
	ok(t, err)
	act, err := owner.CreateActivity(ctx, w.ID, d.ID, client.ActivityInput{Type: "call", Subject: "Call"})
	ok(t, err)
	inv, err := owner.Invite(ctx, w.ID, client.InvitationInput{Email: "invitee-" + email, Role: "member"})
	ok(t, err)
	k := e.key(owner, w.ID, "member")
	_, m := e.member(owner, w.ID, "colleague-"+email, "member")
	return tenant{ws: w, owner: owner, objects: map[string]string{
		"deals": d.ID, "activities": act.ID, "insights": e.insight(w.ID, d.ID, "stale", "high", 2, "new"),
		"invitations": inv.ID, "api-keys": k.ID, "members": m.User.ID,
	}}
}

// dump is every row that belongs to a workspace, as text.
func (e *env) dump(ws string) string {
	e.t.Helper()
	var b strings.Builder
	for _, table := range []string{"workspaces", "workspace_members", "invitations", "stages", "deals", "deal_events",
		"activities", "insights", "insight_feedback", "api_keys", "monitor_runs"} {
		col := "workspace_id"
		if table == "workspaces" {
			col = "id"
		}
		rows, err := e.s.DB().QueryContext(ctx, `SELECT * FROM `+table+` WHERE `+col+` = $1`, ws)
		if err != nil {
			e.t.Fatal(err)
		}
		var lines []string
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				e.t.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			lines = append(lines, fmt.Sprint(vals...))
		}
		rows.Close()
		slices.Sort(lines)
		fmt.Fprintf(&b, "%s: %d\n%s\n", table, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// call sends one request as c and returns its status.
func call(t *testing.T, c *client.Client, method, path, pattern string) int {
	t.Helper()
	var body []byte
	if method == "POST" || method == "PATCH" || method == "PUT" {
		b, ok := tenantBodies[method+" "+pattern]
		if !ok {
			b = `{}`
		}
		body = []byte(b)
	}
	resp, err := c.Raw(ctx, method, path, "application/json", body, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestTenancy(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := newTenant(t, e, "a@example.com")
		b := newTenant(t, e, "b@example.com")
		bKey := e.key(b.owner, b.ws.ID, "owner") // the most powerful key B can have
		outsiders := map[string]*client.Client{"B's owner (session)": b.owner, "B's owner key": e.keyClient(bKey.Secret)}

		memberA, _ := e.member(a.owner, a.ws.ID, "member-a@example.com", "member")
		memberKeyA := e.key(a.owner, a.ws.ID, "member")
		members := map[string]*client.Client{"A's member (session)": memberA, "A's member key": e.keyClient(memberKeyA.Secret)}

		revoked := e.key(a.owner, a.ws.ID, "owner")
		ok(t, a.owner.RevokeAPIKey(ctx, a.ws.ID, revoked.ID))
		exp := e.clock.Now().Add(time.Minute)
		expired, err := a.owner.CreateAPIKey(ctx, a.ws.ID, client.APIKeyInput{Name: "short-lived", Role: "owner", ExpiresAt: &exp})
		ok(t, err)
		e.clock.Advance(2 * time.Minute)
		deadKeys := map[string]*client.Client{"A's revoked key": e.keyClient(revoked.Secret), "A's expired key": e.keyClient(expired.Secret)}
		for _, c := range members { // first use records last_used_at; do it now, the clock stands still from here
			_, err := c.Workspace(ctx, a.ws.ID)
			ok(t, err)
		}

		table := map[string]api.Route{}
		for _, r := range e.api.Routes() {
			table[r.Method+" "+r.Path] = r
		}
		before := e.dump(a.ws.ID)
		unchanged := func(what string) {
			t.Helper()
			if after := e.dump(a.ws.ID); after != before {
				t.Fatalf("%s changed workspace A:\nbefore:\n%s\nafter:\n%s", what, before, after)
			}
		}
		var wsRoutes, adminRoutes int
		for _, r := range apiRoutes(t, e) {
			method, pattern, _ := strings.Cut(r, " ")
			rt, inTable := table[r]
			if !inTable {
				t.Errorf("%s is registered outside the API's route table, so no access check guards it", r)
				continue
			}
			// Dead keys are refused everywhere, before anything else.
			for who, c := range deadKeys {
				if got := call(t, c, method, a.path(t, pattern, a.ws.ID), pattern); got != 401 {
					t.Errorf("%s %s: %d, want 401", who, r, got)
				}
			}
			if !strings.HasPrefix(pattern, "/workspaces/{ws}") {
				// Outside a workspace, keys are refused; anonymous callers too
				// unless the route is public.
				if !rt.Public {
					if got := call(t, e.keyClient(bKey.Secret), method, a.path(t, pattern, a.ws.ID), pattern); got != 401 {
						t.Errorf("B's key on %s: %d, want 401", r, got)
					}
					if got := call(t, e.client(), method, a.path(t, pattern, a.ws.ID), pattern); got != 401 {
						t.Errorf("anonymous %s: %d, want 401", r, got)
					}
				}
				continue
			}
			wsRoutes++
			if got := call(t, e.client(), method, a.path(t, pattern, a.ws.ID), pattern); got != 401 {
				t.Errorf("anonymous %s: %d, want 401", r, got)
			}
			for who, c := range outsiders {
				// B's credentials on A's workspace …
				if got := call(t, c, method, a.path(t, pattern, a.ws.ID), pattern); got != 404 {
					t.Errorf("%s on A's %s: %d, want 404", who, r, got)
				}
				unchanged(who + " " + r + " in A")
				// … and in B's own workspace, naming A's objects.
				if strings.Count(pattern, "{") > 1 {
					if got := call(t, c, method, a.path(t, pattern, b.ws.ID), pattern); got != 404 {
						t.Errorf("%s on %s with A's ids in B: %d, want 404", who, r, got)
					}
					unchanged(who + " " + r + " with A's ids")
				}
			}
			if rt.MinRole.AtLeast(domain.RoleAdmin) {
				adminRoutes++
				for who, c := range members {
					if got := call(t, c, method, a.path(t, pattern, a.ws.ID), pattern); got != 403 {
						t.Errorf("%s on admin route %s: %d, want 403", who, r, got)
					}
					unchanged(who + " " + r)
				}
			}
		}
		if wsRoutes < 20 || adminRoutes < 7 {
			t.Fatalf("walked %d workspace routes, %d admin routes: the walk is broken", wsRoutes, adminRoutes)
		}
		// Members cannot remove others either (the route admits members to let them leave).
		for who, c := range members {
			if got := call(t, c, "DELETE", a.path(t, "/workspaces/{ws}/members/{user_id}", a.ws.ID), ""); got != 403 {
				t.Errorf("%s removing a colleague: %d, want 403", who, got)
			}
		}
		unchanged("members removing colleagues")
		// B's key still works in B: the 404s above were about tenancy.
		if _, err := e.keyClient(bKey.Secret).Deal(ctx, b.ws.ID, b.objects["deals"]); err != nil {
			t.Fatal(err)
		}
	})
}
