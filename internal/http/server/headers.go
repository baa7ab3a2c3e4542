package server

import (
	"net/http"
	"strconv"
	"time"
)

// contentSecurityPolicy allows only our own scripts, styles, images and
// form targets, and no framing. The API's JSON needs nothing more and the
// pages need nothing less, so every response gets the same policy.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the browser hardening headers on every response —
// pages, API, health, metrics, static files and every kind of 404 alike —
// before any handler runs, so no path can forget them. hstsMaxAge > 0 adds
// Strict-Transport-Security (production only: on plain-HTTP development
// hosts browsers would otherwise refuse to connect afterwards).
func securityHeaders(hstsMaxAge time.Duration) func(http.Handler) http.Handler {
	var hsts string
	if secs := int64(hstsMaxAge / time.Second); secs > 0 {
		hsts = "max-age=" + strconv.FormatInt(secs, 10) + "; includeSubDomains"
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "DENY")
			if hsts != "" {
				h.Set("Strict-Transport-Security", hsts)
			}
			next.ServeHTTP(w, r)
		})
	}
}
