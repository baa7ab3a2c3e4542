package server

import (
	"net/http"
	"net/url"

	"github.com/rs/cors"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
)

// crossOrigin refuses state-changing browser requests from other origins
// (CSRF), using the stdlib's Sec-Fetch-Site / Origin checks. Requests that
// carry an Authorization header are exempt: a browser never attaches one by
// itself, so such a request cannot be forged by another site, and the
// authenticator then ignores any session cookie it carries.
func (s *Server) crossOrigin() func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.deps.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			s.log.Warn("PUBLIC_URL is not a usable origin for cross-origin protection", "error", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, r, nil, domain.Errorf(domain.KindForbidden,
			"cross-origin request refused: browsers on other sites must call the API with an API key, not a session"))
	}))
	return func(next http.Handler) http.Handler {
		protected := cop.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				next.ServeHTTP(w, r)
				return
			}
			protected.ServeHTTP(w, r)
		})
	}
}

// cors lets the configured origins call the API from browsers. It never
// allows credentials: other front ends authenticate with bearer keys, so a
// session cookie never rides a cross-origin call. With no origins
// configured, no CORS headers are sent at all.
func (s *Server) cors() func(http.Handler) http.Handler {
	if len(s.deps.CORSOrigins) == 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	return cors.New(cors.Options{
		AllowedOrigins:   s.deps.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "X-Request-Id"},
		ExposedHeaders:   []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "X-Request-Id"},
		AllowCredentials: false,
		MaxAge:           600,
	}).Handler
}
