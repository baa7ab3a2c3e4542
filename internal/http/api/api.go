// Package api serves VectorOS's JSON API under /api/v1: one file per
// resource, every route declared once in a table (routes.go) that drives
// registration, authorization and the OpenAPI document alike.
//
// Handlers are short: parse (httpx.Decode, query helpers) → validate →
// call the store → respond with a view (views.go). Errors are domain
// errors; httpx.WriteError turns them into problem+json.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/jobs"
	"github.com/vectoros/vectoros/internal/store"
)

// Deps are what the API needs.
type Deps struct {
	Store  *store.Store
	Auth   *server.Auth
	Logger *slog.Logger
	// Now is the clock; nil means the store's.
	Now func() time.Time
	// PublicURL, when set, turns invitation tokens into full links.
	PublicURL string
	// Monitor enqueues monitor runs (the job queue); nil answers 503.
	Monitor jobs.Requester
	// Sentry sends POST /test/sentry's event; nil (or no DSN) answers 503.
	Sentry SentryTester
}

// API is the /api/v1 handler set.
type API struct {
	store     *store.Store
	auth      *server.Auth
	log       *slog.Logger
	now       func() time.Time
	publicURL string
	monitor   jobs.Requester
	sentry    SentryTester
	routes    []route
	doc       func() ([]byte, error) // the OpenAPI document, built once
}

// New builds the API. Mount (or Register) puts it on a router.
func New(d Deps) *API {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = d.Store.Now
	}
	a := &API{store: d.Store, auth: d.Auth, log: d.Logger, now: d.Now, publicURL: d.PublicURL, monitor: d.Monitor,
		sentry: d.Sentry}
	a.routes = a.table()
	a.doc = sync.OnceValues(func() ([]byte, error) { return json.MarshalIndent(a.OpenAPI(), "", "  ") })
	return a
}

// Register builds the API on srv's auth and logger and mounts it at /api/v1.
func Register(srv *server.Server, d Deps) *API {
	d.Auth, d.Logger = srv.Auth(), srv.Logger()
	a := New(d)
	srv.MountAPI(a.Mount)
	return a
}

// Mount registers every route of the table, each behind its access check.
func (a *API) Mount(r chi.Router) {
	for _, rt := range a.routes {
		r.Method(rt.method, rt.path, a.guard(rt))
	}
}

// fail answers with err as problem+json.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.WriteError(w, r, a.log, err)
}

// decode reads the request body into dst, answering the error itself; it
// reports whether the handler may go on.
func (a *API) decode(w http.ResponseWriter, r *http.Request, dst any) bool {
	if err := httpx.Decode(w, r, dst); err != nil {
		a.fail(w, r, err)
		return false
	}
	return true
}

func reply(w http.ResponseWriter, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	httpx.WriteJSON(w, status, v)
}
