package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// newTestServer mounts a few probe routes under /api/v1.
func newTestServer(t *testing.T, s *store.Store, d server.Deps, logs *bytes.Buffer) *httptest.Server {
	t.Helper()
	d.Store = s
	d.Hasher = password.NewHasher(password.Fast, 4)
	if logs != nil {
		d.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv := server.New(d)
	t.Cleanup(srv.Close)
	srv.MountAPI(func(r chi.Router) {
		r.Get("/ping", func(w http.ResponseWriter, r *http.Request) {
			srv.Logger().InfoContext(r.Context(), "inside the handler")
			httpx.WriteJSON(w, 200, map[string]string{"ip": httpx.ClientIP(r.Context())})
		})
		r.Post("/echo", func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			if err := httpx.Decode(w, r, &body); err != nil {
				httpx.WriteError(w, r, nil, err)
				return
			}
			httpx.WriteJSON(w, 200, body)
		})
		r.Post("/drain", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
		r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func do(t *testing.T, method, url string, body string, hdr map[string]string) (*http.Response, httpx.Problem) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body == "" {
		req.Body = http.NoBody
		req.ContentLength = 0
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p httpx.Problem
	if strings.HasPrefix(resp.Header.Get("Content-Type"), httpx.ProblemContentType) {
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
	}
	return resp, p
}

func TestEnvelope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		var logs bytes.Buffer
		ts := newTestServer(t, s, server.Deps{}, &logs)
		jsonCT := map[string]string{"Content-Type": "application/json"}
		big := `{"x":"` + strings.Repeat("a", httpx.MaxBody) + `"}`
		tests := []struct {
			name, method, path, body string
			hdr                      map[string]string
			status                   int
			field                    string
		}{
			{"ok", "POST", "/api/v1/echo", `{"a":1}`, jsonCT, 200, ""},
			{"wrong type", "POST", "/api/v1/echo", `a=1`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, ""},
			{"wrong type, handler never reads", "POST", "/api/v1/drain", `a=1`, map[string]string{"Content-Type": "text/plain"}, 415, ""},
			{"too large", "POST", "/api/v1/echo", big, jsonCT, 413, ""},
			{"too large, handler never reads", "POST", "/api/v1/drain", big, jsonCT, 413, ""},
			{"bad json", "POST", "/api/v1/echo", `{"a":NaN}`, jsonCT, 400, "a"},
			{"no route", "GET", "/api/v1/nope", "", nil, 404, ""},
			{"wrong method", "DELETE", "/api/v1/ping", "", nil, 405, ""},
			{"panic", "GET", "/api/v1/panic", "", nil, 500, ""},
		}
		for _, tt := range tests {
			resp, p := do(t, tt.method, ts.URL+tt.path, tt.body, tt.hdr)
			if resp.StatusCode != tt.status {
				t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
			}
			if resp.Header.Get("X-Request-Id") == "" {
				t.Errorf("%s: no X-Request-Id", tt.name)
			}
			if tt.status >= 400 && (p.Status != tt.status || p.RequestID != resp.Header.Get("X-Request-Id")) {
				t.Errorf("%s: problem %+v", tt.name, p)
			}
			if tt.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tt.field) {
				t.Errorf("%s: field errors %+v, want %s", tt.name, p.Errors, tt.field)
			}
		}
		if strings.Contains(logs.String(), "boom") == false || !strings.Contains(logs.String(), `"stack"`) {
			t.Errorf("panic not logged with its stack")
		}
		// Every line logged with a request's context carries its id.
		resp, _ := do(t, "GET", ts.URL+"/api/v1/ping", "", map[string]string{"X-Request-Id": "trace-42"})
		if resp.Header.Get("X-Request-Id") != "trace-42" {
			t.Fatalf("request id not kept: %q", resp.Header.Get("X-Request-Id"))
		}
		var inside, access bool
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if m["request_id"] == "trace-42" {
				inside = inside || m["msg"] == "inside the handler"
				access = access || (m["msg"] == "request" && m["route"] == "/api/v1/ping" && m["status"] == float64(200))
			}
		}
		if !inside || !access {
			t.Errorf("request id missing from log lines (handler %v, access %v):\n%s", inside, access, logs.String())
		}
		// An id that is not plain text is replaced.
		resp, _ = do(t, "GET", ts.URL+"/api/v1/ping", "", map[string]string{"X-Request-Id": "a b;<script>"})
		if id := resp.Header.Get("X-Request-Id"); id == "" || strings.ContainsAny(id, " ;<") {
			t.Errorf("bad request id kept: %q", id)
		}
	})
}

func TestRateLimit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		for _, trust := range []bool{false, true} {
			ts := newTestServer(t, s, server.Deps{RateLimitMax: 3, RateLimitWindow: time.Minute, TrustProxyHeaders: trust}, nil)
			// Behind a trusted proxy each rightmost hop is its own client;
			// without trust the header is ignored and all share one address.
			hdr := func(i int) map[string]string {
				return map[string]string{"X-Forwarded-For": "203.0.113.9, 198.51.100." + strconv.Itoa(i)}
			}
			for i := 1; i <= 3; i++ {
				resp, _ := do(t, "GET", ts.URL+"/api/v1/ping", "", hdr(i))
				if resp.StatusCode != 200 || resp.Header.Get("RateLimit-Limit") != "3" {
					t.Fatalf("trust=%v request %d: %d %v", trust, i, resp.StatusCode, resp.Header)
				}
				reset, err := strconv.Atoi(resp.Header.Get("RateLimit-Reset"))
				if err != nil || reset < 0 || reset > 60 {
					t.Fatalf("RateLimit-Reset %q is not seconds within the window", resp.Header.Get("RateLimit-Reset"))
				}
				if !trust && resp.Header.Get("RateLimit-Remaining") != strconv.Itoa(3-i) {
					t.Fatalf("remaining %q after %d", resp.Header.Get("RateLimit-Remaining"), i)
				}
			}
			resp, p := do(t, "GET", ts.URL+"/api/v1/ping", "", hdr(1))
			if trust {
				if resp.StatusCode != 200 {
					t.Fatalf("trusted: client 198.51.100.1's second request got %d", resp.StatusCode)
				}
				continue
			}
			if resp.StatusCode != 429 || p.Code != "too_many" || resp.Header.Get("Retry-After") == "" ||
				resp.Header.Get("RateLimit-Remaining") != "0" {
				t.Fatalf("4th request: %d %+v %v", resp.StatusCode, p, resp.Header)
			}
		}
		// The client address seen behind a trusted proxy is the rightmost hop.
		ts := newTestServer(t, s, server.Deps{TrustProxyHeaders: true}, nil)
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/ping", nil)
		req.Header.Add("X-Forwarded-For", "10.9.9.9")
		req.Header.Add("X-Forwarded-For", "1.1.1.1, 192.0.2.7")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if body["ip"] != "192.0.2.7" {
			t.Fatalf("client ip %q, want the rightmost hop", body["ip"])
		}
		// RATE_LIMIT_MAX=0 disables limiting.
		ts = newTestServer(t, s, server.Deps{RateLimitMax: 0}, nil)
		for range 5 {
			if resp, _ := do(t, "GET", ts.URL+"/api/v1/ping", "", nil); resp.StatusCode != 200 || resp.Header.Get("RateLimit-Limit") != "" {
				t.Fatalf("disabled limiter answered %d %v", resp.StatusCode, resp.Header)
			}
		}
	})
}

func TestHealthKeepsWorking(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ts := newTestServer(t, s, server.Deps{Version: "test"}, nil)
		for _, path := range []string{"/health", "/health/ready"} {
			resp, _ := do(t, "GET", ts.URL+path, "", nil)
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
	})
}

// TestReadyShowsLastCycle: readiness shows the monitor's last successful
// cycle without depending on it (a database without cycles is ready).
func TestReadyShowsLastCycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ts := newTestServer(t, s, server.Deps{Version: "test"}, nil)
		ready := func() map[string]any {
			resp, err := http.Get(ts.URL + "/health/ready")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var m map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
				t.Fatalf("/health/ready: %d %v %v", resp.StatusCode, m, err)
			}
			return m
		}
		if _, ok := ready()["last_successful_cycle"]; ok {
			t.Fatal("a cycle shown before any ran")
		}
		done := clock.Now().Add(-10 * time.Minute)
		if _, err := s.DB().ExecContext(context.Background(), `INSERT INTO monitor_cycles (id, trigger, expected, succeeded, failed, started_at, completed_at)
			VALUES ('c1', 'periodic', 1, 1, 0, $1, $1)`, done); err != nil {
			t.Fatal(err)
		}
		got, _ := ready()["last_successful_cycle"].(string)
		if at, err := time.Parse(time.RFC3339Nano, got); err != nil || !at.Equal(done) {
			t.Fatalf("last_successful_cycle = %q, want %v", got, done)
		}
	})
}
