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

// limiter allows limit requests per window per signed-in user, per API key,
// or per client address when anonymous. The counts are per process: with
// several replicas each enforces its own.
type limiter struct {
	rl      *httprate.RateLimiter // nil: rate limiting is off
	counter httprate.LimitCounter
	limit   int
	window  time.Duration
}

func newLimiter(limit int, window time.Duration) *limiter {
	l := &limiter{limit: limit, window: window}
	if limit <= 0 {
		return l
	}
	// Our own counter makes httprate align windows to the wall clock, so a
	// reservation can be handed back to the window it was taken from.
	l.counter = httprate.NewLocalLimitCounter(window)
	l.rl = httprate.NewRateLimiter(limit, window, httprate.WithLimitCounter(l.counter),
		httprate.WithResponseHeaders(httprate.ResponseHeaders{
			Limit: "RateLimit-Limit", Remaining: "RateLimit-Remaining", Reset: resetScratch, RetryAfter: "Retry-After",
		}))
	return l
}

// middleware charges the request to its principal (it runs after
// Authenticate) and refuses it with 429 past the limit.
func (l *limiter) middleware(next http.Handler) http.Handler {
	if l.rl == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.take(w, r, rateKey(r)) {
			next.ServeHTTP(w, r)
		}
	})
}

// reserveAddress charges a credential check to the client address before
// the check runs, so failed authentications count against the address's
// allowance and a flood of made-up API keys stops at the limit — without a
// database lookup each, and without concurrent guesses all slipping in
// before the first failure is counted. A check that succeeds gives the
// reservation back (refund): the request is then charged to its key.
func (l *limiter) reserveAddress(w http.ResponseWriter, r *http.Request) (refund func(), ok bool) {
	if l.rl == nil {
		return func() {}, true
	}
	key := addressKey(r)
	window := time.Now().UTC().Truncate(l.window)
	if !l.take(w, r, key) {
		return nil, false
	}
	return func() { _ = l.counter.IncrementBy(key, window, -1) }, true
}

// take counts one request against key; past the limit it writes the 429
// problem and returns false.
func (l *limiter) take(w http.ResponseWriter, r *http.Request, key string) bool {
	limited := l.rl.OnLimit(w, r, key)
	h := w.Header()
	if at, err := strconv.ParseInt(h.Get(resetScratch), 10, 64); err == nil {
		h.Set("RateLimit-Reset", strconv.FormatInt(max(0, at-time.Now().Unix()), 10))
	}
	h.Del(resetScratch)
	if limited {
		httpx.WriteError(w, r, nil, domain.Errorf(domain.KindTooMany,
			"too many requests: at most %d per %s; see the Retry-After header", l.limit, l.window))
	}
	return !limited
}

func rateKey(r *http.Request) string {
	p := httpx.PrincipalFrom(r.Context())
	switch {
	case p.User != nil:
		return "user:" + p.User.ID
	case p.Key != nil:
		return "key:" + p.Key.ID
	}
	return addressKey(r)
}

func addressKey(r *http.Request) string {
	return "ip:" + httprate.CanonicalizeIP(httpx.ClientIP(r.Context()))
}
