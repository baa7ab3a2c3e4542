package api_test

import (
	"net/http"
	"testing"

	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// TestCrossOrigin: a page on another site cannot use a signed-in user's
// cookie to change anything (CSRF), while a front end on an allowed origin
// calls the API with a bearer key and CORS, never with credentials.
func TestCrossOrigin(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		const allowed = "https://app.example.com"
		e := newEnv(t, s, clock, server.Deps{CORSOrigins: []string{allowed}})
		c, w := e.owner("owner@example.com")
		k := e.key(c, w.ID, "member")
		path := "/workspaces/" + w.ID + "/deals"
		body := []byte(`{"title":"forged"}`)
		deals := e.count("deals")

		for _, hdr := range []http.Header{
			{"Origin": {"https://evil.example"}},
			{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}},
			{"Origin": {allowed}}, // CORS-allowed origins get no credentials either
		} {
			resp, err := c.Raw(ctx, "POST", path, "application/json", body, hdr)
			ok(t, err)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cookie POST with %v: %d, want 403", hdr, resp.StatusCode)
			}
		}
		// The same user's same-origin requests pass.
		resp, err := c.Raw(ctx, "POST", path, "application/json", body, http.Header{"Sec-Fetch-Site": {"same-origin"}})
		ok(t, err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("same-origin cookie POST: %d", resp.StatusCode)
		}
		if e.count("deals") != deals+1 {
			t.Fatal("a refused cross-origin request wrote a deal")
		}

		// A bearer key from another origin is not a forgery: it passes, and an
		// allowed origin gets CORS headers without credentials.
		kc := e.keyClient(k.Secret)
		resp, err = kc.Raw(ctx, "POST", path, "application/json", body,
			http.Header{"Origin": {allowed}, "Sec-Fetch-Site": {"cross-site"}})
		ok(t, err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated || resp.Header.Get("Access-Control-Allow-Origin") != allowed ||
			resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("bearer cross-origin POST: %d %v", resp.StatusCode, resp.Header)
		}
		// An Authorization header cannot smuggle the cookie past the check:
		// with one, only the key counts (one mechanism per request).
		resp, err = c.Raw(ctx, "POST", path, "application/json", body,
			http.Header{"Origin": {"https://evil.example"}, "Authorization": {"Bearer vos_not-a-key"}})
		ok(t, err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || e.count("deals") != deals+2 {
			t.Fatalf("cookie + bogus bearer from another origin: %d", resp.StatusCode)
		}

		// Preflight from the allowed origin: allowed, without credentials.
		pre, err := http.NewRequest("OPTIONS", e.ts.URL+"/api/v1"+path, nil)
		ok(t, err)
		pre.Header.Set("Origin", allowed)
		pre.Header.Set("Access-Control-Request-Method", "POST")
		pre.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		resp, err = http.DefaultClient.Do(pre)
		ok(t, err)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 || resp.Header.Get("Access-Control-Allow-Origin") != allowed ||
			resp.Header.Get("Access-Control-Allow-Credentials") != "" ||
			resp.Header.Get("Access-Control-Allow-Methods") == "" {
			t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
		// A preflight from another origin gets no CORS grant.
		pre.Header.Set("Origin", "https://evil.example")
		resp, err = http.DefaultClient.Do(pre)
		ok(t, err)
		resp.Body.Close()
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("preflight from a foreign origin was granted: %v", resp.Header)
		}
	})
}
