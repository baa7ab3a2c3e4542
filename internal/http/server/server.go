// Package server assembles VectorOS's HTTP surface: the router, the
// middleware every request passes through, sessions and authentication
// (shared by the API and the web UI), health endpoints, and the mount points
// where the API (internal/http/api) and the web UI add their routes.
//
// Request path, outermost first:
//
//	all:      request id → client IP → access log → metrics → recover → Sentry
//	/api/v1:  CORS → cross-origin protection → body limit + JSON-only bodies
//	          → session → authenticate → rate limit → route
//	web (/):  cross-origin protection → body limit → session → authenticate → route
package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
)

// Deps are what the HTTP surface needs from the process. Only internal/app
// reads configuration; it passes plain values here.
type Deps struct {
	Store   *store.Store
	Logger  *slog.Logger
	Version string
	// Now is the clock (the store's, normally); nil means time.Now.
	Now func() time.Time
	// Hasher hashes passwords; nil means password.Default with 2 at a time.
	Hasher *password.Hasher
	// Production marks session cookies Secure.
	Production bool
	// HSTSMaxAge > 0 sends Strict-Transport-Security (app sets it in
	// production only).
	HSTSMaxAge time.Duration
	// PublicURL's origin is trusted by cross-origin protection (a proxy may
	// rewrite Host).
	PublicURL string
	// CORSOrigins may call the API from browsers, without credentials.
	CORSOrigins []string
	// TrustProxyHeaders takes the client address from the rightmost
	// X-Forwarded-For hop (set only behind a proxy that appends it).
	TrustProxyHeaders bool
	// RateLimitMax requests per RateLimitWindow per user, key or IP; 0 disables.
	RateLimitMax    int
	RateLimitWindow time.Duration
	// MonitorInterval is MONITOR_INTERVAL: /health/monitor fails after two
	// intervals without a successful cycle. 0 means 30 minutes.
	MonitorInterval time.Duration
	// Observe is where requests are measured and errors reported (observe.go).
	Observe Observability
}

// Server is the HTTP surface of one process.
type Server struct {
	deps     Deps
	log      *slog.Logger
	router   *chi.Mux
	api      *chi.Mux
	web      *chi.Mux
	sessions *scs.SessionManager
	auth     *Auth
	limit    func(http.Handler) http.Handler
	stop     func()
}

// New builds the router. Call Close when done to stop session cleanup.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Hasher == nil {
		d.Hasher = password.NewHasher(password.Default, 2)
	}
	if d.RateLimitWindow <= 0 {
		d.RateLimitWindow = 15 * time.Minute
	}
	log := httpx.WithRequestIDs(d.Logger)
	s := &Server{deps: d, log: log, router: chi.NewRouter()}
	s.sessions, s.stop = newSessions(d.Store, d.Production, log)
	lim := newLimiter(d.RateLimitMax, d.RateLimitWindow)
	s.auth = newAuth(d.Store, s.sessions, d.Hasher, d.Now, log)
	s.auth.reserveAddress = lim.reserveAddress
	s.limit = lim.middleware
	s.routes()
	return s
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s.router }

// Routes exposes the route tree, for chi.Walk (the OpenAPI and tenancy
// tests walk it).
func (s *Server) Routes() chi.Routes { return s.router }

// Auth returns the authentication and authorization helpers.
func (s *Server) Auth() *Auth { return s.auth }

// Sessions returns the session manager, for the web UI's flash messages.
func (s *Server) Sessions() *scs.SessionManager { return s.sessions }

// Logger returns the logger that stamps request ids.
func (s *Server) Logger() *slog.Logger { return s.log }

// RateLimit is the API's rate-limit middleware, for web routes that want it
// (sign-in forms).
func (s *Server) RateLimit(next http.Handler) http.Handler { return s.limit(next) }

// Close stops the session store's cleanup goroutine.
func (s *Server) Close() { s.stop() }

// MountAPI lets the API add its routes under /api/v1, behind the API
// middleware. Paths given to fn's router are relative to /api/v1.
func (s *Server) MountAPI(fn func(r chi.Router)) { fn(s.api) }

// MountWeb lets the web UI add its routes at the root, behind the web
// middleware.
func (s *Server) MountWeb(fn func(r chi.Router)) {
	if s.web == nil {
		s.web = chi.NewRouter()
		s.web.Use(s.crossOrigin(), limitBody, s.sessions.LoadAndSave, s.auth.Authenticate)
		s.web.NotFound(notFound)
		s.web.MethodNotAllowed(methodNotAllowed)
		s.router.Mount("/", s.web)
	}
	fn(s.web)
}

func (s *Server) routes() {
	r := s.router
	r.Use(securityHeaders(s.deps.HSTSMaxAge), requestID, clientIP(s.deps.TrustProxyHeaders), accessLog(s.log), s.measure,
		recoverer(s.log), s.reportErrors)
	r.NotFound(notFound)
	r.MethodNotAllowed(methodNotAllowed)
	r.Get("/health", s.handleLive)
	r.Get("/health/ready", s.handleReady)
	r.Get("/health/monitor", s.handleMonitorHealth)
	s.mountMetrics(r)

	s.api = chi.NewRouter()
	s.api.Use(s.cors(), s.crossOrigin(), limitBody, requireJSON, s.sessions.LoadAndSave, s.auth.Authenticate, s.limit)
	s.api.NotFound(notFound)
	s.api.MethodNotAllowed(methodNotAllowed)
	r.Mount("/api/v1", s.api)
}
