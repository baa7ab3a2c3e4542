// Package web serves VectorOS's web UI: server-rendered pages from the
// html/template files embedded by package web (the repository's web/
// folder), one file of handlers and view models per page area.
//
// Every core flow works with plain HTML forms: a POST changes something and
// redirects with a flash message (or re-renders the form with its errors
// next to each field). static/app.js only adds conveniences (drag-and-drop
// on the board, the browser's time zone on onboarding).
//
// Sessions, authentication and cross-origin protection are the server's
// (internal/http/server), shared with the API: this package reads the
// principal from the context and asks server.Auth to authorize each
// workspace page. Another workspace's objects answer the friendly 404 page.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/jobs"
	"github.com/vectoros/vectoros/internal/store"
)

// Deps are what the web UI needs.
type Deps struct {
	Store    *store.Store
	Auth     *server.Auth
	Sessions *scs.SessionManager
	Logger   *slog.Logger
	// Now is the clock; nil means the store's.
	Now func() time.Time
	// Runs enqueues manual monitor runs (the operations page's "run now"),
	// the same way the API does; nil hides the button.
	Runs jobs.Requester
	// MonitorInterval is the periodic cycle's period, for "next cycle".
	MonitorInterval time.Duration
	// PublicURL, when set, is the base of invitation links; else the
	// request's host is.
	PublicURL string
	// RateLimit guards the sign-in and sign-up forms; nil means none.
	RateLimit func(http.Handler) http.Handler
}

// Web is the UI's handler set.
type Web struct {
	store    *store.Store
	auth     *server.Auth
	sessions *scs.SessionManager
	log      *slog.Logger
	now      func() time.Time
	runs     jobs.Requester
	interval time.Duration
	public   string
	limit    func(http.Handler) http.Handler
	tmpl     *templates
}

// New parses the templates and builds the UI.
func New(d Deps) (*Web, error) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = d.Store.Now
	}
	if d.RateLimit == nil {
		d.RateLimit = func(h http.Handler) http.Handler { return h }
	}
	if d.MonitorInterval <= 0 {
		d.MonitorInterval = 30 * time.Minute
	}
	t, err := loadTemplates()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	return &Web{store: d.Store, auth: d.Auth, sessions: d.Sessions, log: d.Logger, now: d.Now, runs: d.Runs,
		interval: d.MonitorInterval, public: d.PublicURL, limit: d.RateLimit, tmpl: t}, nil
}

// Register builds the UI on srv's sessions, auth, logger and rate limit and
// mounts it at the root.
func Register(srv *server.Server, d Deps) (*Web, error) {
	d.Auth, d.Sessions, d.Logger, d.RateLimit = srv.Auth(), srv.Sessions(), srv.Logger(), srv.RateLimit
	w, err := New(d)
	if err != nil {
		return nil, err
	}
	srv.MountWeb(w.Mount)
	return w, nil
}

// Mount registers the UI's routes.
func (h *Web) Mount(r chi.Router) {
	r.NotFound(h.notFound)
	r.MethodNotAllowed(h.methodNotAllowed)
	r.Handle("/static/*", h.static())
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, h.tmpl.asset("icon.svg"), http.StatusMovedPermanently)
	})
	r.Group(func(r chi.Router) {
		r.Use(h.recoverer, pageHeaders)
		r.Get("/", h.landing)
		r.Get("/signup", h.signUpForm)
		r.With(h.pageLimit).Post("/signup", h.signUp)
		r.Get("/signin", h.signInForm)
		r.With(h.pageLimit).Post("/signin", h.signIn)
		r.Post("/signout", h.signOut)
		r.Group(func(r chi.Router) {
			r.Use(h.requireUser)
			r.Get("/onboarding", h.onboardingForm)
			r.Post("/onboarding", h.onboard)
			r.Get("/invitations/{token}", h.invitation)
			r.Post("/invitations/{token}", h.acceptInvitation)
		})
		r.Route("/w/{ws}", func(r chi.Router) {
			r.Use(h.requireUser, h.workspace)
			r.Get("/", h.dashboard)
			h.dealRoutes(r)
			h.insightRoutes(r)
			h.operationsRoutes(r)
			h.settingsRoutes(r)
		})
	})
}

// pageHeaders keeps pages (which show a user's data) out of shared caches
// and the back-forward cache after sign-out. The security headers every
// response carries are set by the server, before any handler.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
