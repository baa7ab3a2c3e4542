package web

import (
	"net/http"

	"github.com/vectoros/vectoros/internal/domain"
)

// pageLimit applies the server's rate limit (shared with the API) to a
// form, but answers a refusal with the HTML page rather than the API's
// problem+json: the limiter writes its 429 before the form's handler runs,
// so a 429 written while the handler has not been reached is the limiter's.
func (h *Web) pageLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lw := &limitWriter{ResponseWriter: w}
		reached := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lw.reached = true
			next.ServeHTTP(w, r)
		})
		h.limit(reached).ServeHTTP(lw, r)
		if lw.refused {
			h.fail(w, r, domain.Errorf(domain.KindTooMany,
				"Too many attempts from here in a short time. Wait a few minutes and try again."))
		}
	})
}

// limitWriter passes everything through, except the limiter's own refusal,
// which it swallows and records.
type limitWriter struct {
	http.ResponseWriter
	reached, refused bool
}

func (l *limitWriter) WriteHeader(code int) {
	if !l.reached && code == http.StatusTooManyRequests {
		l.refused = true
		return
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *limitWriter) Write(b []byte) (int, error) {
	if l.refused {
		return len(b), nil
	}
	return l.ResponseWriter.Write(b)
}
