package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/httprate"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
)

// resetScratch receives httprate's reset instant (a Unix time) so it can be
// rewritten as the seconds the RateLimit-Reset header must carry.
const resetScratch = "X-Vectoros-Ratelimit-Reset-At"

// rateLimit allows limit requests per window per signed-in user, per API key,
// or per client address when anonymous (it runs after Authenticate). The
// counts are per process: with several replicas each enforces its own.
func rateLimit(limit int, window time.Duration) func(http.Handler) http.Handler {
	if limit <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	rl := httprate.NewRateLimiter(limit, window, httprate.WithResponseHeaders(httprate.ResponseHeaders{
		Limit: "RateLimit-Limit", Remaining: "RateLimit-Remaining", Reset: resetScratch, RetryAfter: "Retry-After",
	}))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limited := rl.OnLimit(w, r, rateKey(r))
			h := w.Header()
			if at, err := strconv.ParseInt(h.Get(resetScratch), 10, 64); err == nil {
				// httprate keeps its windows on the wall clock, so the
				// remaining seconds must be measured on it too.
				h.Set("RateLimit-Reset", strconv.FormatInt(max(0, at-time.Now().Unix()), 10))
			}
			h.Del(resetScratch)
			if limited {
				httpx.WriteError(w, r, nil, domain.Errorf(domain.KindTooMany,
					"too many requests: at most %d per %s; see the Retry-After header", limit, window))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func rateKey(r *http.Request) string {
	p := httpx.PrincipalFrom(r.Context())
	switch {
	case p.User != nil:
		return "user:" + p.User.ID
	case p.Key != nil:
		return "key:" + p.Key.ID
	}
	return "ip:" + httprate.CanonicalizeIP(httpx.ClientIP(r.Context()))
}
