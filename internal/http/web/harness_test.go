package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/http/web"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// The handler tests drive the UI the way a browser without JavaScript
// does: GETs and form POSTs through the real server (sessions, cross-origin
// protection, authentication) on a real database, following redirects.

const testPassword = "correct-horse-battery-9"

type harness struct {
	t     *testing.T
	s     *store.Store
	clock *testdb.Clock
	url   string
	runs  *runRecorder
}

// runRecorder is the job queue as the web sees it (jobs.Requester): it
// records the requests. The browser test runs the real queue.
type runRecorder struct {
	mu  sync.Mutex
	got []string
}

func (r *runRecorder) RequestRun(_ context.Context, workspaceID string) (string, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, workspaceID)
	return "run-" + workspaceID, len(r.got) > 1, nil
}

func newHarness(t *testing.T, s *store.Store, clock *testdb.Clock, opts ...func(*server.Deps)) *harness {
	t.Helper()
	deps := server.Deps{Store: s, Now: clock.Now, Hasher: password.NewHasher(password.Fast, 4)}
	for _, o := range opts {
		o(&deps)
	}
	srv := server.New(deps)
	t.Cleanup(srv.Close)
	h := &harness{t: t, s: s, clock: clock, runs: &runRecorder{}}
	if _, err := web.Register(srv, web.Deps{Store: s, Now: clock.Now, Runs: h.runs}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	h.url = ts.URL
	return h
}

// base is the server's URL, for cookies.
func (h *harness) base() *url.URL {
	u, err := url.Parse(h.url)
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// page is a response after redirects.
type page struct {
	status int
	path   string // final path and query
	body   string
}

func (p page) has(s string) bool { return strings.Contains(p.body, s) }

type client struct {
	h *harness
	c *http.Client
}

func (h *harness) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, c: &http.Client{Jar: jar}}
}

func (c *client) do(req *http.Request) page {
	c.h.t.Helper()
	resp, err := c.c.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.h.t.Fatal(err)
	}
	return page{status: resp.StatusCode, path: resp.Request.URL.RequestURI(), body: string(b)}
}

func (c *client) get(path string) page {
	c.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.h.url+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) page {
	c.h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.h.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

var wsPath = regexp.MustCompile(`^/w/([0-9a-f-]{36})`)

// signUp creates an account and its first workspace; it returns the
// workspace id.
func (c *client) signUp(email, wsName string) string {
	t := c.h.t
	t.Helper()
	p := c.post("/signup", vals("name", strings.Split(email, "@")[0], "email", email, "password", testPassword,
		"password_confirm", testPassword))
	if p.status != http.StatusOK || p.path != "/onboarding" {
		t.Fatalf("sign up: %d %s\n%s", p.status, p.path, p.body)
	}
	p = c.post("/onboarding", vals("name", wsName, "currency", "USD", "time_zone", "UTC"))
	m := wsPath.FindStringSubmatch(p.path)
	if p.status != http.StatusOK || m == nil {
		t.Fatalf("onboarding: %d %s\n%s", p.status, p.path, p.body)
	}
	return m[1]
}

func (c *client) signIn(email string) page {
	c.h.t.Helper()
	return c.post("/signin", vals("email", email, "password", testPassword))
}

// user returns the user with the email.
func (h *harness) user(email string) domain.User {
	h.t.Helper()
	u, err := h.s.GetUserByEmail(context.Background(), email)
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// deal creates a deal through the store (for tests about other pages).
func (h *harness) deal(ws, ownerEmail string, n store.NewDeal) domain.Deal {
	h.t.Helper()
	u := h.user(ownerEmail)
	n.OwnerID = &u.ID
	d, err := h.s.CreateDeal(context.Background(), ws, n, domain.Actor{Kind: domain.ActorUser, ID: u.ID})
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// runMonitor runs the real monitor over the workspace once (without the
// queue), as a cycle's job would.
func (h *harness) runMonitor(ws string) domain.MonitorRun {
	h.t.Helper()
	ctx := context.Background()
	id := store.NewRunID()
	if err := h.s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		_, err := mt.CreateRun(ctx, id, nil, ws, domain.TriggerManual)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	run, _, err := monitor.New(monitor.Options{Store: h.s, Now: h.clock.Now}).Execute(ctx, id, true, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return run
}

func int64p(v int64) *int64 { return &v }
func intp(v int) *int       { return &v }

// wantStatus fails unless the page has the status.
func wantStatus(t *testing.T, p page, status int) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d at %s, want %d\n%s", p.status, p.path, status, p.body)
	}
}

// wantText fails unless the page contains every string.
func wantText(t *testing.T, p page, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !p.has(s) {
			t.Fatalf("%s does not contain %q\n%s", p.path, s, p.body)
		}
	}
}
