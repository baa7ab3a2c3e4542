package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// The web UI's pages, its static files and its 404 carry the server's
// hardening headers (HSTS included when configured); pages are never
// cached, static files are.
func TestWebResponsesCarrySecurityHeaders(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock, func(d *server.Deps) { d.HSTSMaxAge = 24 * time.Hour })
		for _, tc := range []struct {
			path, status, cache string
		}{
			{"/", "200", "no-store"},
			{"/signin", "200", "no-store"},
			{"/no-such-page", "404", ""},
			{"/w/not-a-workspace/deals", "200", "no-store"}, // redirected to sign in
			{"/static/app.css", "200", "public, max-age=300"},
			{"/static/missing.css", "404", ""},
		} {
			resp, err := http.Get(h.url + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Status[:3]; got != tc.status {
				t.Errorf("%s: status %s, want %s", tc.path, got, tc.status)
			}
			for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
				"Strict-Transport-Security": "max-age=86400; includeSubDomains"} {
				if got := resp.Header.Get(name); got != want {
					t.Errorf("%s: %s = %q, want %q", tc.path, name, got, want)
				}
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("%s: no Content-Security-Policy", tc.path)
			}
			if tc.cache != "" && resp.Header.Get("Cache-Control") != tc.cache {
				t.Errorf("%s: Cache-Control %q, want %q", tc.path, resp.Header.Get("Cache-Control"), tc.cache)
			}
		}
	})
}
