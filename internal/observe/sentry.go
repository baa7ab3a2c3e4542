package observe

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/vectoros/vectoros/internal/domain"
)

// SentryOptions configure NewSentry.
type SentryOptions struct {
	DSN         string
	Release     string // the version
	Environment string // APP_ENV
	// Secrets are values that must never leave in an event (the configured
	// keys and tokens); any found in an event's text is replaced.
	Secrets []string
	Logger  *slog.Logger
}

// Sentry reports errors to Sentry. A nil *Sentry (no SENTRY_DSN) is valid
// and reports nothing, so callers need no checks. It keeps its own client
// and never touches sentry-go's global hub.
type Sentry struct {
	client   *sentry.Client
	redactor *redactor
	log      *slog.Logger
}

// NewSentry connects to the DSN; an empty DSN returns nil (reporting off).
func NewSentry(o SentryOptions) (*Sentry, error) {
	if o.DSN == "" {
		return nil, nil
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Sentry{redactor: newRedactor(o.Secrets), log: o.Logger}
	off := &sentry.KeyValueCollectionBehavior{Mode: sentry.CollectionOff}
	c, err := sentry.NewClient(sentry.ClientOptions{
		Dsn:              o.DSN,
		Release:          o.Release,
		Environment:      o.Environment,
		AttachStacktrace: true,
		// Collect nothing about requests by default: the HTTP middleware
		// writes the little an event carries (method, route pattern, ids).
		DataCollection: &sentry.DataCollection{
			UserInfo:    sentry.Set(false),
			Cookies:     off,
			HTTPHeaders: &sentry.HeaderCollectionConfig{Request: off, Response: off},
			QueryParams: off,
			HTTPBodies:  []sentry.BodyType{},
		},
		BeforeSend: s.scrub,
		// No tracing: the middleware's transactions are never sampled.
		TracesSampleRate: 0,
	})
	if err != nil {
		// The DSN itself is a secret: never echo it.
		return nil, errors.New("SENTRY_DSN is not a valid Sentry DSN")
	}
	s.client = c
	return s, nil
}

// Enabled reports whether events are sent anywhere.
func (s *Sentry) Enabled() bool { return s != nil }

// NewHub returns a hub of its own (one per request or report), bound to
// the client, so tags set for one request never leak into another's events.
func (s *Sentry) NewHub() *sentry.Hub {
	if s == nil {
		return nil
	}
	return sentry.NewHub(s.client, sentry.NewScope())
}

// Flush waits up to timeout for queued events to be sent; it reports
// whether the queue emptied.
func (s *Sentry) Flush(timeout time.Duration) bool {
	if s == nil {
		return true
	}
	return s.client.Flush(timeout)
}

// Close flushes (up to timeout) and releases the transport.
func (s *Sentry) Close(timeout time.Duration) {
	if s == nil {
		return
	}
	if !s.client.Flush(timeout) {
		s.log.Warn("sentry: some events were not sent before shutdown", "waited", timeout)
	}
	s.client.Close()
}

// RunFailed reports a monitor run that ended as failed, tagged with its
// workspace, run, cycle and trigger. The monitor calls it (through the app's
// hook) once per failed run; the error text is the run's, already in the log.
func (s *Sentry) RunFailed(ctx context.Context, run domain.MonitorRun, err error) {
	if s == nil || err == nil {
		return
	}
	hub := s.NewHub()
	hub.WithScope(func(scope *sentry.Scope) {
		scope.SetTag("component", "monitor")
		scope.SetTag("workspace_id", run.WorkspaceID)
		scope.SetTag("run_id", run.ID)
		scope.SetTag("trigger", run.Trigger)
		if run.CycleID != nil {
			scope.SetTag("cycle_id", *run.CycleID)
		}
		scope.SetContext("monitor_run", sentry.Context{"deals_analysed": run.DealsAnalysed,
			"insights_created": run.InsightsCreated, "llm_calls": run.LLMCalls})
		// One issue per kind of failure: the message without the ids in it.
		scope.SetFingerprint([]string{"monitor-run-failed", uuids.ReplaceAllString(err.Error(), "<id>")})
		hub.CaptureException(fmt.Errorf("monitor run failed: %w", err))
	})
}

// TestEvent sends the test event of POST /api/v1/test/sentry and waits up to
// wait for it to leave. It returns the event id ("" when Sentry is off) and
// whether the event was sent. On a request's hub (the HTTP middleware puts
// one in ctx) the event carries the request's tags like any other.
func (s *Sentry) TestEvent(ctx context.Context, wait time.Duration) (string, bool) {
	if s == nil {
		return "", false
	}
	hub := sentry.GetHubFromContext(ctx)
	if hub == nil {
		hub = s.NewHub()
	}
	var id *sentry.EventID
	hub.WithScope(func(scope *sentry.Scope) {
		scope.SetTag("test_event", "true")
		scope.SetLevel(sentry.LevelError)
		id = hub.CaptureException(errors.New("VectorOS test error: Sentry is receiving this server's errors"))
	})
	if id == nil {
		return "", false
	}
	return string(*id), s.client.Flush(wait)
}

// scrub is the last look at every event before it leaves: no request body,
// cookies, query string, headers or environment, whatever a middleware or
// integration added; and no configured secret anywhere in its text.
func (s *Sentry) scrub(e *sentry.Event, hint *sentry.EventHint) *sentry.Event {
	if hint != nil && hint.RecoveredException == http.ErrAbortHandler {
		return nil // net/http's signal to drop a connection, not a bug
	}
	if r := e.Request; r != nil {
		e.Request = &sentry.Request{Method: r.Method, URL: RedactURL(stripQuery(r.URL))}
	}
	e.User.IPAddress = ""
	e.User.Email = ""
	e.ServerName = "" // hostnames are infrastructure detail, not needed to debug
	e.Message = s.redactor.replace(e.Message)
	for i := range e.Exception {
		e.Exception[i].Value = s.redactor.replace(e.Exception[i].Value)
	}
	for i := range e.Fingerprint {
		e.Fingerprint[i] = s.redactor.replace(e.Fingerprint[i])
	}
	for k, v := range e.Tags {
		e.Tags[k] = s.redactor.replace(v)
	}
	for i := range e.Breadcrumbs {
		e.Breadcrumbs[i].Message = s.redactor.replace(e.Breadcrumbs[i].Message)
		e.Breadcrumbs[i].Data = nil
	}
	return e
}

// uuids matches the ids VectorOS puts in messages.
var uuids = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

func stripQuery(u string) string {
	u, _, _ = strings.Cut(u, "?")
	u, _, _ = strings.Cut(u, "#")
	return u
}
