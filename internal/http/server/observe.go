package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/getsentry/sentry-go"
	sentryhttp "github.com/getsentry/sentry-go/http"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/observe"
)

// Observability is what the HTTP surface reports to (internal/observe);
// each part is optional.
type Observability struct {
	// Metrics records every request (by route pattern and status) and is
	// served at GET /metrics; nil leaves /metrics out.
	Metrics *observe.Metrics
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string
	// Sentry receives handler panics and 5xx answers.
	Sentry *observe.Sentry
}

// routePattern is the matched route (e.g. /api/v1/workspaces/{ws}/deals),
// complete once the router has dispatched; "" when nothing matched.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		return rc.RoutePattern()
	}
	return ""
}

// measure records each request's duration and status. It sits outside the
// recoverer, so a panic counts as the 500 the client got.
func (s *Server) measure(next http.Handler) http.Handler {
	m := s.deps.Observe.Metrics
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // a duration, so the monotonic clock rather than the injected wall clock
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		m.ObserveHTTP(routePattern(r), status, time.Since(start))
	})
}

// reportErrors sends handler panics and 5xx answers to Sentry, each with
// the request's method, route pattern, request id and the ids of its user,
// API key and workspace, and nothing else of it (observe.Sentry drops the
// rest). It sits inside the recoverer: sentryhttp reports a panic and
// panics again (Repanic), and the recoverer answers the 500.
//
// Every request gets a hub of its own in its context. A failed request's
// error reaches Sentry through the log: httpx.WriteError logs it at ERROR
// with the request context and observe.Sentry.LogHandler reports it on the
// hub. A 5xx written without such a line is reported here, by status.
func (s *Server) reportErrors(next http.Handler) http.Handler {
	rep := s.deps.Observe.Sentry
	if rep == nil {
		return next
	}
	inner := sentryhttp.New(sentryhttp.Options{Repanic: true}).Handle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outer := r.Context()
		hub := sentry.GetHubFromContext(outer)
		// Collect the log notes (user, key, workspace) here to tag events,
		// and hand them on to the access log's collector afterwards.
		ctx, notes := httpx.WithLogNotes(outer)
		rc := chi.RouteContext(outer)
		method := r.Method
		hub.Scope().AddEventProcessor(func(e *sentry.Event, _ *sentry.EventHint) *sentry.Event {
			route := ""
			if rc != nil {
				route = rc.RoutePattern()
			}
			tagRequest(e, method, route, httpx.RequestID(outer), notes.Attrs())
			return e
		})
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		done := false
		defer func() {
			httpx.Note(outer, notes.Attrs()...) // also when panicking: the access log still wants them
			status := ww.Status()
			if done && status >= 500 && hub.LastEventID() == "" && !strings.HasPrefix(r.URL.Path, "/health") {
				hub.CaptureMessage(fmt.Sprintf("HTTP %d from %s %s", status, method, routePattern(r)))
			}
		}()
		next.ServeHTTP(ww, r.WithContext(ctx))
		done = true
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.ServeHTTP(w, r.WithContext(sentry.SetHubOnContext(r.Context(), rep.NewHub())))
	})
}

// tagRequest writes what an event may say about its request. The URL is
// the route pattern, never the path: a path may hold a token (an
// invitation link) and the pattern groups events per endpoint anyway.
func tagRequest(e *sentry.Event, method, route, requestID string, notes []slog.Attr) {
	if e.Tags == nil {
		e.Tags = map[string]string{}
	}
	e.Tags["component"] = "http"
	e.Tags["http.method"] = method
	e.Tags["route"] = route
	if requestID != "" {
		e.Tags["request_id"] = requestID
	}
	for _, a := range notes {
		switch a.Key {
		case "user_id":
			e.User.ID = a.Value.String()
			e.Tags["user_id"] = a.Value.String()
		case "api_key_id", "workspace_id":
			e.Tags[a.Key] = a.Value.String()
		}
	}
	e.Transaction = method + " " + route
	e.Request = &sentry.Request{Method: method, URL: route}
}

// mountMetrics serves GET /metrics when metrics are on.
func (s *Server) mountMetrics(r chi.Router) {
	if s.deps.Observe.Metrics != nil {
		r.Method(http.MethodGet, "/metrics", MetricsHandler(s.deps.Observe))
	}
}

// MetricsHandler serves o.Metrics in the Prometheus text format. With a
// token set, only `Authorization: Bearer <token>` gets in (compared in
// constant time). `vectoros worker --metrics-addr` serves it too.
func MetricsHandler(o Observability) http.Handler {
	if o.Metrics == nil {
		return http.NotFoundHandler()
	}
	h := o.Metrics.Handler()
	want := sha256.Sum256([]byte(o.MetricsToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.MetricsToken != "" {
			scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			got := sha256.Sum256([]byte(strings.TrimSpace(token)))
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
				httpx.WriteError(w, r, nil, domain.Errorf(domain.KindUnauthorized,
					"/metrics needs Authorization: Bearer <METRICS_TOKEN>"))
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}
