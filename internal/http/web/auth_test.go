package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestLandingStaticAndNotFound(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock)
		c := h.client()
		p := c.get("/")
		wantStatus(t, p, http.StatusOK)
		wantText(t, p, "Know which deals need you today", `href="/signup"`)
		p = c.get("/no/such/page")
		wantStatus(t, p, http.StatusNotFound)
		wantText(t, p, "Page not found", "<html")
		// Workspace pages need a session: back to sign-in, then here.
		p = c.get("/w/0190f1a0-0000-7000-8000-000000000000/deals")
		if p.path != "/signin?next=%2Fw%2F0190f1a0-0000-7000-8000-000000000000%2Fdeals" {
			t.Fatalf("anonymous: landed on %s", p.path)
		}
		resp, err := http.Get(h.url + "/static/app.css")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
			t.Fatalf("static: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if p := c.get("/static/nope.css"); p.status != http.StatusNotFound {
			t.Fatalf("missing asset: %d", p.status)
		}
	})
}

func TestSignUpOnboardingOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock)
		c := h.client()
		// Inline errors, and the passwords are not sent back.
		p := c.post("/signup", vals("email", "not-an-email", "password", "short", "password_confirm", "other"))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, `id="f-password_confirm-error"`, "Password again does not match the password.")
		if strings.Contains(p.body, `value="short"`) {
			t.Fatal("the password was echoed back")
		}
		p = c.post("/signup", vals("email", "not-an-email", "password", testPassword, "password_confirm", testPassword))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, `id="f-email-error"`, "Email must be an email address")

		ws := c.signUp("ann@example.com", "Acme Sales")
		p = c.get("/w/" + ws)
		wantText(t, p, "Acme Sales", "Open pipeline", "No open deal has a value yet", "Not run yet")
		// Onboarding is never asked again: not on this session, not after
		// signing in afresh elsewhere.
		if p := c.get("/onboarding"); p.path != "/w/"+ws {
			t.Fatalf("onboarding again: %s", p.path)
		}
		if p := c.post("/onboarding", vals("name", "Second")); p.path != "/w/"+ws {
			t.Fatalf("onboarding post again: %s", p.path)
		}
		other := h.client()
		if p := other.signIn("ann@example.com"); p.path != "/w/"+ws {
			t.Fatalf("fresh sign-in: %s", p.path)
		}
		ms, err := s.ListMemberships(context.Background(), h.user("ann@example.com").ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("memberships %v %v", ms, err)
		}
		// The same email cannot sign up twice.
		p = h.client().post("/signup", vals("email", "ann@example.com", "password", testPassword, "password_confirm", testPassword))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "Email already has an account")
	})
}

func TestSignInAndSignOut(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("bob@example.com", "Bob Co")
		p := h.client().post("/signin", vals("email", "bob@example.com", "password", "wrong-password-1"))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "The email or password is wrong.")

		// next= brings the user back where they were going, and only on
		// this site.
		d := h.client()
		if p := d.get("/w/" + ws + "/deals"); !strings.HasPrefix(p.path, "/signin?next=") {
			t.Fatalf("not redirected to sign in: %s", p.path)
		}
		if p := d.post("/signin", vals("email", "bob@example.com", "password", testPassword, "next", "/w/"+ws+"/deals")); p.path != "/w/"+ws+"/deals" {
			t.Fatalf("next: %s", p.path)
		}
		if p := h.client().post("/signin", vals("email", "bob@example.com", "password", testPassword, "next", "//evil.example/x")); p.path != "/w/"+ws {
			t.Fatalf("foreign next followed: %s", p.path)
		}

		// Sign out ends the session in the database: the old cookie, sent
		// again, is not signed in.
		u := h.base()
		old := c.c.Jar.Cookies(u)
		p = c.post("/signout", nil)
		wantText(t, p, "You are signed out.")
		if p := c.get("/w/" + ws); !strings.HasPrefix(p.path, "/signin") {
			t.Fatalf("after sign out: %s", p.path)
		}
		replay := h.client()
		replay.c.Jar.SetCookies(u, old)
		if p := replay.get("/w/" + ws); !strings.HasPrefix(p.path, "/signin") {
			t.Fatalf("replayed cookie still signed in: %s", p.path)
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("cara@example.com", "Cara Co")
		req, _ := http.NewRequest(http.MethodPost, h.url+"/w/"+ws+"/deals", strings.NewReader("title=Forged"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		p := c.do(req)
		wantStatus(t, p, http.StatusForbidden)
		deals, _, err := s.ListDeals(context.Background(), ws, domain.DealFilter{})
		if err != nil || len(deals) != 0 {
			t.Fatalf("a cross-site post saved a deal: %v %v", deals, err)
		}
	})
}

// The sign-in and sign-up forms share the server's rate limit; a refusal
// is a page, not the API's JSON.
func TestSignInRateLimitPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock, func(d *server.Deps) { d.RateLimitMax, d.RateLimitWindow = 3, time.Hour })
		c := h.client()
		for range 3 {
			p := c.post("/signin", vals("email", "nobody@example.com", "password", "wrong-password-1"))
			wantStatus(t, p, http.StatusUnprocessableEntity)
		}
		p := c.post("/signin", vals("email", "nobody@example.com", "password", "wrong-password-1"))
		wantStatus(t, p, http.StatusTooManyRequests)
		wantText(t, p, "<html", "Slow down", "Too many attempts from here")
		// Pages other than the two forms are not limited.
		wantStatus(t, c.get("/signin"), http.StatusOK)
	})
}
