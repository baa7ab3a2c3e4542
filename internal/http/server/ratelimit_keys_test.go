package server_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// The attack: a flood of made-up API keys from one address. Each used to
// cost a database lookup and answer 401 forever. Failed key checks now
// count against the address's allowance — reserved before the check, so
// concurrent guesses cannot all slip in — while requests with a valid key
// are charged to the key, not the address.
func TestInvalidAPIKeysAreRateLimited(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, "keys-owner@example.com", "Owner", "hash")
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "W"}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := s.CreateAPIKey(ctx, w.ID, store.NewAPIKey{Name: "k", Role: domain.RoleMember},
			domain.Actor{Kind: domain.ActorUser, ID: u.ID}, domain.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		const limit = 5
		ts := newTestServer(t, s, server.Deps{RateLimitMax: limit, RateLimitWindow: time.Hour, TrustProxyHeaders: true}, nil)
		from := func(addr, key string) map[string]string {
			return map[string]string{"X-Forwarded-For": addr, "Authorization": "Bearer " + key}
		}

		// Concurrent guesses from one address: at most limit are checked.
		const guesses = 4 * limit
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		for i := range guesses {
			wg.Go(func() {
				resp, _ := do(t, "GET", ts.URL+"/api/v1/ping", "", from("198.51.100.1", "vos_madeup"+string(rune('a'+i))))
				mu.Lock()
				codes[resp.StatusCode]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if codes[401] > limit || codes[401]+codes[429] != guesses {
			t.Fatalf("%d concurrent bad keys: %v, want at most %d × 401 and the rest 429", guesses, codes, limit)
		}

		// A valid key's requests do not use up its address's allowance:
		// after limit-1 of them, limit bad guesses are still each answered
		// (and checked) — then the address is refused.
		for i := range limit - 1 {
			if resp, _ := do(t, "GET", ts.URL+"/api/v1/ping", "", from("198.51.100.2", secret)); resp.StatusCode != 200 {
				t.Fatalf("valid key request %d: %d", i, resp.StatusCode)
			}
		}
		for i := range limit {
			if resp, _ := do(t, "GET", ts.URL+"/api/v1/ping", "", from("198.51.100.2", "vos_wrong")); resp.StatusCode != 401 {
				t.Fatalf("bad key %d after valid ones: %d, want 401", i, resp.StatusCode)
			}
		}
		if resp, p := do(t, "GET", ts.URL+"/api/v1/ping", "", from("198.51.100.2", "vos_wrong")); resp.StatusCode != 429 || p.Code != "too_many" {
			t.Fatalf("bad key past the limit: %d %+v", resp.StatusCode, p)
		}
		// Another address is unaffected.
		if resp, _ := do(t, "GET", ts.URL+"/api/v1/ping", "", from("198.51.100.3", "vos_wrong")); resp.StatusCode != 401 {
			t.Fatalf("other address: %d", resp.StatusCode)
		}
	})
}
