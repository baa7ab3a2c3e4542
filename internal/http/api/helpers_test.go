package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/client"
	"github.com/vectoros/vectoros/internal/http/api"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// env is a running server on a test database, reached through client/.
type env struct {
	t     testing.TB
	s     *store.Store
	clock *testdb.Clock
	srv   *server.Server
	api   *api.API
	ts    *httptest.Server
}

var ctx = context.Background()

// newEnv starts the full HTTP stack (server middleware + API) on s.
// Rate limiting is off unless d sets it.
func newEnv(t testing.TB, s *store.Store, clock *testdb.Clock, d server.Deps) *env {
	t.Helper()
	d.Store, d.Now = s, clock.Now
	d.Hasher = password.NewHasher(password.Fast, 4)
	srv := server.New(d)
	t.Cleanup(srv.Close)
	a := api.Register(srv, api.Deps{Store: s, Now: clock.Now, PublicURL: "https://crm.example.com"})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, s: s, clock: clock, srv: srv, api: a, ts: ts}
}

// each runs fn on SQLite and PostgreSQL with a fresh server.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		fn(t, newEnv(t, s, clock, server.Deps{}))
	})
}

// client returns a strict client with its own cookie jar.
func (e *env) client(opts ...client.Option) *client.Client {
	return client.New(e.ts.URL, append([]client.Option{client.WithStrictDecoding()}, opts...)...)
}

// keyClient authenticates with an API key only.
func (e *env) keyClient(secret string) *client.Client { return e.client(client.WithAPIKey(secret)) }

const testPassword = "correct horse battery staple"

// user signs up a new account and returns its signed-in client.
func (e *env) user(email string) (*client.Client, client.Me) {
	e.t.Helper()
	c := e.client()
	me, err := c.Signup(ctx, client.SignupInput{Email: email, Name: strings.Split(email, "@")[0], Password: testPassword})
	if err != nil {
		e.t.Fatalf("sign up %s: %v", email, err)
	}
	return c, me
}

// owner signs up a user who owns a new workspace.
func (e *env) owner(email string) (*client.Client, client.Workspace) {
	e.t.Helper()
	c, _ := e.user(email)
	w, err := c.CreateWorkspace(ctx, client.WorkspaceInput{Name: "WS of " + email})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, w
}

// member adds a new user to ws with role, through an invitation.
func (e *env) member(admin *client.Client, ws, email, role string) (*client.Client, client.Me) {
	e.t.Helper()
	inv, err := admin.Invite(ctx, ws, client.InvitationInput{Email: email, Role: role})
	if err != nil {
		e.t.Fatal(err)
	}
	c, me := e.user(email)
	if _, err := c.AcceptInvitation(ctx, inv.Token); err != nil {
		e.t.Fatal(err)
	}
	return c, me
}

// key creates an API key of ws with role.
func (e *env) key(admin *client.Client, ws, role string) client.NewAPIKey {
	e.t.Helper()
	k, err := admin.CreateAPIKey(ctx, ws, client.APIKeyInput{Name: role + " key", Role: role})
	if err != nil {
		e.t.Fatal(err)
	}
	return k
}

// wantStatus fails unless err is an API error with the status (and, when
// fields are given, a problem about each of them).
func wantStatus(t *testing.T, err error, status int, fields ...string) *client.Error {
	t.Helper()
	var ce *client.Error
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want an API error %d", err, status)
	}
	if ce.Status != status {
		t.Fatalf("got %v, want status %d", ce, status)
	}
	for _, f := range fields {
		if ce.Field(f) == "" {
			t.Fatalf("got %v, want a problem with field %q", ce, f)
		}
	}
	return ce
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// count returns the rows of a table (tests check nothing was written).
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func copyBody(w io.Writer, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}
