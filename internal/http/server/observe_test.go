package server_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/observe/metricstest"
	"github.com/vectoros/vectoros/internal/observe/sentrytest"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

const metricsToken = "metrics-token-for-tests"

// obsServer is the full middleware chain with metrics and Sentry on, and
// probe routes that fail in each way a handler can.
type obsServer struct {
	ts     *httptest.Server
	ingest *sentrytest.Server
	logs   *syncLog
	wsID   string
	key    string
}

// syncLog is a log destination the server's goroutines may share.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *syncLog) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func newObsServer(t *testing.T, s *store.Store) *obsServer {
	t.Helper()
	ctx := context.Background()
	o := &obsServer{ingest: sentrytest.NewServer(t), logs: &syncLog{}}
	rep, err := observe.NewSentry(observe.SentryOptions{DSN: o.ingest.DSN(), Release: "test", Environment: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close(time.Second) })
	log := slog.New(rep.LogHandler(slog.NewJSONHandler(o.logs, nil)))
	srv := server.New(server.Deps{Store: s, Logger: log, Hasher: password.NewHasher(password.Fast, 4),
		Observe: server.Observability{Metrics: observe.NewMetrics(observe.MetricsOptions{}), MetricsToken: metricsToken, Sentry: rep}})
	t.Cleanup(srv.Close)

	u, err := s.CreateUser(ctx, "owner@example.com", "Owner", "hash")
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "W"}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := s.CreateAPIKey(ctx, w.ID, store.NewAPIKey{Name: "k", Role: domain.RoleAdmin},
		domain.Actor{Kind: domain.ActorUser, ID: u.ID}, domain.RoleOwner)
	if err != nil {
		t.Fatal(err)
	}
	o.wsID, o.key = w.ID, secret

	srv.MountAPI(func(r chi.Router) {
		// A panic after authorization: the event names the key and workspace.
		r.Get("/workspaces/{ws}/boom", func(w http.ResponseWriter, r *http.Request) {
			if _, _, err := srv.Auth().Authorize(r.Context(), httpx.PrincipalFrom(r.Context()), chi.URLParam(r, "ws"), domain.RoleMember); err != nil {
				httpx.WriteError(w, r, srv.Logger(), err)
				return
			}
			panic("boom in a handler")
		})
		// A 500 through WriteError: the event carries the real error.
		r.Get("/broken", func(w http.ResponseWriter, r *http.Request) {
			httpx.WriteError(w, r, srv.Logger(), errors.New("store: deals: connection reset by peer"))
		})
		// A 502 written by hand, logged nowhere: reported by its status.
		r.Get("/bare", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
		r.Get("/missing", func(w http.ResponseWriter, r *http.Request) {
			httpx.WriteError(w, r, srv.Logger(), domain.Errorf(domain.KindNotFound, "no such thing"))
		})
		r.Get("/ok", func(w http.ResponseWriter, r *http.Request) { httpx.WriteJSON(w, 200, map[string]bool{"ok": true}) })
	})
	o.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(o.ts.Close)
	return o
}

func TestSentryReportsHandlerFailures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		o := newObsServer(t, s)

		resp, p := do(t, "GET", o.ts.URL+"/api/v1/workspaces/"+o.wsID+"/boom?token=query-secret", "",
			map[string]string{"Authorization": "Bearer " + o.key, "Cookie": "session=cookie-secret", "X-Request-Id": "req-panic-1"})
		if resp.StatusCode != 500 || p.Code != "internal" {
			t.Fatalf("panic: %d %+v, want the recoverer's 500 problem", resp.StatusCode, p)
		}
		e := o.ingest.WaitFor(t, 5*time.Second, func(e sentrytest.Event) bool { return strings.Contains(e.Text(), "boom in a handler") })
		want := map[string]string{"route": "/api/v1/workspaces/{ws}/boom", "http.method": "GET", "request_id": "req-panic-1",
			"workspace_id": o.wsID, "component": "http"}
		for k, v := range want {
			if e.Tags[k] != v {
				t.Errorf("panic event tag %s = %q, want %q", k, e.Tags[k], v)
			}
		}
		if e.Tags["api_key_id"] == "" {
			t.Error("panic event lacks the API key id")
		}
		if e.Request == nil || e.Request.URL != "/api/v1/workspaces/{ws}/boom" || e.Request.Method != "GET" {
			t.Errorf("panic event request %+v", e.Request)
		}
		for _, leak := range []string{o.key, "query-secret", "cookie-secret", o.wsID + "/boom"} {
			if strings.Contains(o.ingest.Raw(), leak) {
				t.Errorf("%q reached Sentry", leak)
			}
		}
		// The access log still has the ids the handlers noted.
		if line := logLine(t, o.logs, "req-panic-1", `"msg":"request"`); !strings.Contains(line, `"workspace_id":"`+o.wsID+`"`) ||
			!strings.Contains(line, `"api_key_id"`) || !strings.Contains(line, `"status":500`) {
			t.Errorf("access log line %s", line)
		}

		before := len(o.ingest.Events())
		do(t, "GET", o.ts.URL+"/api/v1/broken", "", map[string]string{"X-Request-Id": "req-broken-1"})
		e = o.ingest.WaitFor(t, 5*time.Second, func(e sentrytest.Event) bool { return e.Tags["request_id"] == "req-broken-1" })
		if !strings.Contains(e.Text(), "connection reset by peer") || e.Tags["route"] != "/api/v1/broken" {
			t.Errorf("5xx event %q tags %v", e.Text(), e.Tags)
		}

		do(t, "GET", o.ts.URL+"/api/v1/bare", "", map[string]string{"X-Request-Id": "req-bare-1"})
		e = o.ingest.WaitFor(t, 5*time.Second, func(e sentrytest.Event) bool { return e.Tags["request_id"] == "req-bare-1" })
		if e.Message != "HTTP 502 from GET /api/v1/bare" {
			t.Errorf("bare 5xx event %q", e.Text())
		}

		// 4xx and successes are not errors of ours.
		do(t, "GET", o.ts.URL+"/api/v1/missing", "", nil)
		do(t, "GET", o.ts.URL+"/api/v1/ok", "", nil)
		do(t, "GET", o.ts.URL+"/api/v1/no-such-route", "", nil)
		time.Sleep(200 * time.Millisecond)
		if n := len(o.ingest.Events()); n != before+2 {
			t.Errorf("%d events after the 5xx requests, want %d: one per failed request and none for 4xx", n, before+2)
		}
	})
}

func TestMetricsEndpoint(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		o := newObsServer(t, s)
		for range 3 {
			do(t, "GET", o.ts.URL+"/api/v1/ok", "", nil)
		}
		do(t, "GET", o.ts.URL+"/api/v1/workspaces/"+o.wsID+"/boom", "", map[string]string{"Authorization": "Bearer " + o.key})
		do(t, "GET", o.ts.URL+"/api/v1/missing", "", nil)

		for _, auth := range []string{"", "Bearer wrong-token", "Basic " + metricsToken, metricsToken} {
			resp, p := do(t, "GET", o.ts.URL+"/metrics", "", map[string]string{"Authorization": auth})
			if resp.StatusCode != 401 || p.Code != "unauthorized" {
				t.Errorf("/metrics with %q: %d, want 401", auth, resp.StatusCode)
			}
		}
		got := metricstest.Scrape(t, o.ts.URL+"/metrics", metricsToken)
		got.Want(t, map[string]float64{
			`vectoros_http_requests_total{route="/api/v1/ok",status="200"}`:                   3,
			`vectoros_http_requests_total{route="/api/v1/workspaces/{ws}/boom",status="500"}`: 1,
			`vectoros_http_requests_total{route="/api/v1/missing",status="404"}`:              1,
			`vectoros_http_request_duration_seconds_count{route="/api/v1/ok"}`:                3,
			// The refused scrapes count too, under their own route.
			`vectoros_http_requests_total{route="/metrics",status="401"}`: 4,
		})
		for k := range got {
			if strings.Contains(k, o.wsID) {
				t.Errorf("a raw path became a label: %s", k)
			}
		}
	})
}

func TestNoMetricsNoEndpoint(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ts := newTestServer(t, s, server.Deps{}, nil)
		if resp, _ := do(t, "GET", ts.URL+"/metrics", "", nil); resp.StatusCode != 404 {
			t.Fatalf("/metrics without metrics: %d, want 404", resp.StatusCode)
		}
		// Without Sentry a panic is still the recoverer's 500.
		if resp, _ := do(t, "GET", ts.URL+"/api/v1/panic", "", nil); resp.StatusCode != 500 {
			t.Fatalf("panic without Sentry: %d", resp.StatusCode)
		}
	})
}

// logLine returns the log line holding every fragment.
func logLine(t *testing.T, logs *syncLog, fragments ...string) string {
	t.Helper()
	for _, line := range strings.Split(logs.String(), "\n") {
		all := true
		for _, f := range fragments {
			all = all && strings.Contains(line, f)
		}
		if all {
			return line
		}
	}
	t.Fatalf("no log line with %q in:\n%s", fragments, logs.String())
	return ""
}
