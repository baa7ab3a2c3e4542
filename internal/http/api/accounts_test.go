package api_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestSignupLoginLogout(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, me := e.user("Jane@Example.com")
		if me.User.Email != "jane@example.com" || me.User.Name != "Jane" || len(me.Workspaces) != 0 {
			t.Fatalf("signup: %+v", me)
		}
		w, err := c.CreateWorkspace(ctx, client.WorkspaceInput{Name: "Acme", Currency: "eur", TimeZone: "Europe/Berlin"})
		ok(t, err)
		if w.Currency != "EUR" || w.TimeZone != "Europe/Berlin" || w.Role != "owner" {
			t.Fatalf("workspace: %+v", w)
		}
		me, err = c.Me(ctx)
		ok(t, err)
		if len(me.Workspaces) != 1 || me.Workspaces[0].ID != w.ID || me.Workspaces[0].Role != "owner" {
			t.Fatalf("me: %+v", me)
		}
		ok(t, c.Logout(ctx))
		_, err = c.Me(ctx)
		wantStatus(t, err, 401)

		c2 := e.client()
		_, err = c2.Login(ctx, "jane@example.com", "wrong password!")
		ce := wantStatus(t, err, 401)
		if !strings.Contains(ce.Detail, "email or password") {
			t.Fatalf("detail %q", ce.Detail)
		}
		_, err = c2.Login(ctx, "nobody@example.com", testPassword)
		wantStatus(t, err, 401)
		me, err = c2.Login(ctx, "JANE@example.com", testPassword)
		ok(t, err)
		if me.User.Email != "jane@example.com" || len(me.Workspaces) != 1 {
			t.Fatalf("login: %+v", me)
		}
	})
}

func TestSignupValidation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("taken@example.com")
		users := e.count("users")
		tests := []struct {
			in     client.SignupInput
			status int
			field  string
		}{
			{client.SignupInput{Email: "not-an-email", Password: testPassword}, 400, "email"},
			{client.SignupInput{Email: "a@example.com", Password: "short"}, 400, "password"},
			{client.SignupInput{Email: "a@example.com", Password: "a@example.com"}, 400, "password"},
			{client.SignupInput{Email: "a@example.com", Password: "password123"}, 400, "password"},
			{client.SignupInput{Email: "a@example.com", Name: strings.Repeat("n", 101), Password: testPassword}, 400, "name"},
			{client.SignupInput{Email: "TAKEN@example.com", Password: testPassword}, 409, "email"},
		}
		for _, tt := range tests {
			_, err := e.client().Signup(ctx, tt.in)
			wantStatus(t, err, tt.status, tt.field)
		}
		if n := e.count("users"); n != users {
			t.Fatalf("%d users written by invalid sign-ups", n-users)
		}
	})
}

// sessionCookie returns the client's session cookie value.
func sessionCookie(t *testing.T, e *env, jar http.CookieJar) string {
	t.Helper()
	u, _ := url.Parse(e.ts.URL)
	for _, c := range jar.Cookies(u) {
		if c.Name == server.SessionCookie {
			return c.Value
		}
	}
	return ""
}

func TestSessions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		jar, _ := cookiejar.New(nil)
		c := e.client(client.WithHTTPClient(&http.Client{Jar: jar}))
		_, err := c.Signup(ctx, client.SignupInput{Email: "s@example.com", Password: testPassword})
		ok(t, err)
		before := sessionCookie(t, e, jar)
		me, err := c.Login(ctx, "s@example.com", testPassword)
		ok(t, err)
		after := sessionCookie(t, e, jar)
		if before == "" || after == "" || before == after {
			t.Fatalf("login must renew the session token: %q → %q", before, after)
		}
		// The old token is dead.
		oldJar, _ := cookiejar.New(nil)
		u, _ := url.Parse(e.ts.URL)
		oldJar.SetCookies(u, []*http.Cookie{{Name: server.SessionCookie, Value: before}})
		old := e.client(client.WithHTTPClient(&http.Client{Jar: oldJar}))
		_, err = old.Me(ctx)
		wantStatus(t, err, 401)

		// Two sessions; a password reset ends both.
		other := e.client()
		_, err = other.Login(ctx, "s@example.com", testPassword)
		ok(t, err)
		hash, err := password.NewHasher(password.Fast, 1).Hash(ctx, "a brand new passphrase")
		ok(t, err)
		ok(t, e.s.SetPassword(ctx, me.User.ID, hash))
		for _, cl := range []*client.Client{c, other} {
			_, err = cl.Me(ctx)
			wantStatus(t, err, 401)
		}
		_, err = e.client().Login(ctx, "s@example.com", "a brand new passphrase")
		ok(t, err)
		// Cookies are HttpOnly and SameSite=Lax.
		resp, err := e.client().Raw(ctx, "POST", "/auth/login", "application/json",
			[]byte(`{"email":"s@example.com","password":"a brand new passphrase"}`), nil)
		ok(t, err)
		resp.Body.Close()
		var found bool
		for _, ck := range resp.Cookies() {
			if ck.Name == server.SessionCookie {
				found = true
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
					t.Fatalf("cookie flags: %+v", ck)
				}
			}
		}
		if !found {
			t.Fatal("login set no session cookie")
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("t@example.com")
		c := e.client()
		for i := 1; i <= 4; i++ {
			_, err := c.Login(ctx, "t@example.com", "wrong password "+string(rune('a'+i)))
			wantStatus(t, err, 401)
		}
		_, err := c.Login(ctx, "t@example.com", "wrong password again")
		ce := wantStatus(t, err, 429)
		if ce.RetryAfter < 14*time.Minute || ce.RetryAfter > 15*time.Minute {
			t.Fatalf("Retry-After %v", ce.RetryAfter)
		}
		// Even the right password waits out the lock.
		_, err = c.Login(ctx, "t@example.com", testPassword)
		wantStatus(t, err, 429)
		e.clock.Advance(15 * time.Minute)
		_, err = c.Login(ctx, "t@example.com", testPassword)
		ok(t, err)
		if n := e.count("login_failures WHERE key LIKE 'email:%'"); n != 0 {
			t.Fatalf("account failures kept after a successful sign-in: %d", n)
		}
	})
}

func TestLoginThrottlePerAddress(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// 20 failures from one address over different accounts lock the address.
		for i := range 19 {
			_, err := e.client().Login(ctx, "guess"+string(rune('a'+i))+"@example.com", "wrong password")
			wantStatus(t, err, 401)
		}
		_, err := e.client().Login(ctx, "last@example.com", "wrong password")
		wantStatus(t, err, 429)
		e.user("real@example.com") // sign-up is not sign-in: allowed
		_, err = e.client().Login(ctx, "real@example.com", testPassword)
		wantStatus(t, err, 429)
	})
}

func TestUserRateLimit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		e := newEnv(t, s, clock, server.Deps{RateLimitMax: 4, RateLimitWindow: time.Hour})
		// Sign-up is an anonymous request, counted against the address.
		a, _ := e.user("a@example.com")
		b, _ := e.user("b@example.com")
		// Signed in, each user has their own budget though they share an address.
		for range 4 {
			_, err := a.Me(ctx)
			ok(t, err)
		}
		_, err := a.Me(ctx)
		ce := wantStatus(t, err, 429)
		if ce.Header.Get("Retry-After") == "" || ce.Header.Get("RateLimit-Remaining") != "0" || ce.Code != "too_many" {
			t.Fatalf("429 headers %v", ce.Header)
		}
		for range 4 {
			_, err := b.Me(ctx)
			ok(t, err)
		}
		// Anonymous calls from this address: two sign-ups used two of four.
		for range 2 {
			_, err := e.client().OpenAPI(ctx)
			ok(t, err)
		}
		_, err = e.client().OpenAPI(ctx)
		wantStatus(t, err, 429)
	})
}

func TestProductionCookieIsSecure(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		e := newEnv(t, s, clock, server.Deps{Production: true})
		resp, err := e.client().Raw(ctx, "POST", "/auth/signup", "application/json",
			[]byte(`{"email":"p@example.com","password":"`+testPassword+`"}`), nil)
		ok(t, err)
		resp.Body.Close()
		cookies := resp.Cookies()
		if resp.StatusCode != 201 || len(cookies) != 1 || cookies[0].Name != server.SessionCookie || !cookies[0].Secure ||
			!cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode {
			t.Fatalf("production sign-up: %d %+v", resp.StatusCode, cookies)
		}
	})
}
