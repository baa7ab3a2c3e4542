package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// A panic or an internal error is the friendly 500 page, logged once with
// the cause, which the page itself never shows.
func TestServerErrorPage(t *testing.T) {
	s := testdb.Open(t, store.SQLite, time.Now)
	var logs bytes.Buffer
	h, err := New(Deps{Store: s, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]http.Handler{
		"panic": h.recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail 42") })),
		"error": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.fail(w, r, &domain.Error{Kind: domain.KindInternal, Message: "secret detail 42"})
		}),
	}
	for name, handler := range cases {
		t.Run(name, func(t *testing.T) {
			logs.Reset()
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/w/x", nil))
			body := rec.Body.String()
			if rec.Code != http.StatusInternalServerError || !strings.Contains(body, "Something went wrong") ||
				!strings.Contains(body, "<html") || strings.Contains(body, "secret detail") {
				t.Fatalf("%d\n%s", rec.Code, body)
			}
			if !strings.Contains(logs.String(), "secret detail 42") {
				t.Fatalf("the cause was not logged: %s", logs.String())
			}
		})
	}
	rec := httptest.NewRecorder()
	h.fail(rec, httptest.NewRequest(http.MethodGet, "/", nil), domain.Errorf(domain.KindConflict, "This insight is resolved."))
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "This insight is resolved.") {
		t.Fatalf("conflict page: %d %s", rec.Code, rec.Body.String())
	}
}
