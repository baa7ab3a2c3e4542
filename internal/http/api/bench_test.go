package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// BenchmarkHandlers measures the server's CPU per request, without a
// network or a client: the whole middleware chain, key auth, the store
// and JSON, on each database.
//
//	go test ./internal/http/api -run '^$' -bench Handlers
func BenchmarkHandlers(b *testing.B) {
	for _, kind := range testdb.Kinds(b) {
		s := testdb.Open(b, kind, time.Now)
		e := newEnv(b, s, testdb.NewClock(time.Now()), server.Deps{})
		u, err := s.CreateUser(ctx, "bench@example.com", "Bench", "!")
		if err != nil {
			b.Fatal(err)
		}
		w, _ := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "Bench"}, u.ID)
		_, secret, _ := s.CreateAPIKey(ctx, w.ID, store.NewAPIKey{Name: "b", Role: domain.RoleMember},
			domain.Actor{Kind: domain.ActorUser, ID: u.ID}, domain.RoleOwner)
		var id string
		for i := range 200 {
			v := int64(100_000 + i)
			d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: fmt.Sprintf("Deal %d", i), Value: &v, Company: "Co"},
				domain.Actor{Kind: domain.ActorSystem, ID: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			id = d.ID
		}
		h := e.srv.Handler()
		for _, c := range []struct{ name, path string }{
			{"list50", "/api/v1/workspaces/" + w.ID + "/deals?limit=50"},
			{"get", "/api/v1/workspaces/" + w.ID + "/deals/" + id},
			{"pipeline", "/api/v1/workspaces/" + w.ID + "/pipeline"},
		} {
			b.Run(string(kind)+"/"+c.name, func(b *testing.B) {
				for b.Loop() {
					req := httptest.NewRequest("GET", c.path, nil)
					req.Header.Set("Authorization", "Bearer "+secret)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%d %s", rec.Code, rec.Body)
					}
				}
			})
		}
	}
}
