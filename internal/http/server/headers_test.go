package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// Every kind of response — a route, a probe, each router's 404 and 405, a
// panic's 500 — carries the same hardening headers, and HSTS exactly when
// it is configured.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		for _, tc := range []struct {
			name string
			hsts time.Duration
			want string
		}{
			{"production", 365 * 24 * time.Hour, "max-age=31536000; includeSubDomains"},
			{"off", 0, ""},
		} {
			ts := newTestServer(t, s, server.Deps{Now: clock.Now, HSTSMaxAge: tc.hsts}, nil)
			for _, probe := range []struct{ method, path string }{
				{"GET", "/health"}, {"GET", "/health/ready"}, {"GET", "/api/v1/ping"},
				{"GET", "/no-such-page"}, {"GET", "/api/v1/no-such-route"}, {"DELETE", "/health"},
				{"GET", "/api/v1/panic"},
			} {
				resp, _ := do(t, probe.method, ts.URL+probe.path, "", nil)
				h := resp.Header
				for name, want := range map[string]string{
					"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
					"Strict-Transport-Security": tc.want,
				} {
					if got := h.Get(name); got != want {
						t.Errorf("%s: %s %s (%d): %s = %q, want %q", tc.name, probe.method, probe.path, resp.StatusCode, name, got, want)
					}
				}
				if h.Get("Content-Security-Policy") == "" {
					t.Errorf("%s: %s %s (%d): no Content-Security-Policy", tc.name, probe.method, probe.path, resp.StatusCode)
				}
				if probe.path == "/api/v1/panic" && resp.StatusCode != http.StatusInternalServerError {
					t.Errorf("panic route: %d", resp.StatusCode)
				}
			}
		}
	})
}
