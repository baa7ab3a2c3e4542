package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// The attack: a link to /signin?next=/%09/evil.test. A browser drops the
// tab from the Location header and follows //evil.test to another host.
// Every redirect target taken from a request must stay on this site, for a
// form post and for a signed-in visit to /signin alike.
func TestRedirectTargetsStayOnSite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock)
		c := h.client()
		c.signUp("mallory-target@example.com", "Target Co")
		noFollow := &http.Client{Jar: c.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
		location := func(req *http.Request) string {
			t.Helper()
			resp, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode/100 != 3 {
				t.Fatalf("%s %s: status %d, want a redirect", req.Method, req.URL, resp.StatusCode)
			}
			return resp.Header.Get("Location")
		}
		for _, next := range []string{"/\t/evil.test", "/\f/evil.test", "/\n/evil.test", "/\\evil.test",
			"//evil.test", "/\x00/evil.test", " //evil.test", "https://evil.test/"} {
			get, _ := http.NewRequest(http.MethodGet, h.url+"/signin?next="+url.QueryEscape(next), nil)
			form := vals("email", "mallory-target@example.com", "password", testPassword, "next", next).Encode()
			post, _ := http.NewRequest(http.MethodPost, h.url+"/signin", strings.NewReader(form))
			post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, req := range []*http.Request{get, post} {
				loc := location(req)
				if strings.Contains(loc, "evil") || httpx.LocalPath(loc, "") != loc {
					t.Errorf("%s next=%q: redirected to %q", req.Method, next, loc)
				}
			}
		}
	})
}
