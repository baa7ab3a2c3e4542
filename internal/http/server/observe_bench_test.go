package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/observe/sentrytest"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// BenchmarkObserveOverhead is what measuring and Sentry add to a request
// (an anonymous GET through the whole API chain to a handler that writes
// a small JSON body). Run with:
//
//	go test ./internal/http/server -run '^$' -bench ObserveOverhead
func BenchmarkObserveOverhead(b *testing.B) {
	s := testdb.Open(b, store.SQLite, time.Now)
	ingest := sentrytest.NewServer(b)
	rep, err := observe.NewSentry(observe.SentryOptions{DSN: ingest.DSN()})
	if err != nil {
		b.Fatal(err)
	}
	defer rep.Close(time.Second)
	for _, tc := range []struct {
		name string
		obs  server.Observability
	}{
		{"off", server.Observability{}},
		{"metrics", server.Observability{Metrics: observe.NewMetrics(observe.MetricsOptions{})}},
		{"metrics+sentry", server.Observability{Metrics: observe.NewMetrics(observe.MetricsOptions{}), Sentry: rep}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := server.New(server.Deps{Store: s, Hasher: password.NewHasher(password.Fast, 1), Observe: tc.obs})
			defer srv.Close()
			srv.MountAPI(func(r chi.Router) {
				r.Get("/ok", func(w http.ResponseWriter, r *http.Request) { httpx.WriteJSON(w, 200, map[string]bool{"ok": true}) })
			})
			h := srv.Handler()
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/ok", nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
