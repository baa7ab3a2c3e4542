package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/observe/metricstest"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// syncBuffer is a log sink the handler goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// The fault: a client gives up while its request is in the database. The
// query fails because the request's context was cancelled; that is the
// client's doing, so it is recorded as 499 — not logged at ERROR, not a 500
// in the metrics that the error-rate alert watches.
func TestClientDisconnectIsNotAServerError(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		var logs syncBuffer
		m := observe.NewMetrics(observe.MetricsOptions{})
		srv := server.New(server.Deps{Store: s, Now: clock.Now, Hasher: password.NewHasher(password.Fast, 4),
			Logger:  slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			Observe: server.Observability{Metrics: m}})
		t.Cleanup(srv.Close)
		inHandler := make(chan struct{})
		srv.MountAPI(func(r chi.Router) {
			r.Get("/slow", func(w http.ResponseWriter, r *http.Request) {
				close(inHandler)
				<-r.Context().Done()
				// The store call a handler was making when the client left.
				_, err := s.GetUser(r.Context(), "0190f1a0-0000-7000-8000-000000000000")
				httpx.WriteError(w, r, srv.Logger(), err)
			})
		})
		served := make(chan struct{})
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv.Handler().ServeHTTP(w, r)
			if r.URL.Path == "/api/v1/slow" {
				close(served)
			}
		}))
		t.Cleanup(ts.Close)

		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/api/v1/slow", nil)
		go func() { <-inHandler; cancel() }()
		if _, err := http.DefaultClient.Do(req); err == nil {
			t.Fatal("the client's request was not cut short")
		}
		<-served

		out := logs.String()
		if strings.Contains(out, `"level":"ERROR"`) {
			t.Errorf("a client disconnect was logged as an error:\n%s", out)
		}
		if !strings.Contains(out, `"status":499`) {
			t.Errorf("the access log does not record 499:\n%s", out)
		}
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		series := metricstest.Parse(t, rec.Body)
		if v := series[`vectoros_http_requests_total{route="/api/v1/slow",status="499"}`]; v != 1 {
			var lines []string
			for k := range series {
				if strings.HasPrefix(k, "vectoros_http_requests_total") {
					lines = append(lines, k)
				}
			}
			t.Errorf("metrics: want one 499 for /api/v1/slow, got %v", lines)
		}
	})
}
