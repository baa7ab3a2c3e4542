package observe_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/observe/sentrytest"
)

const apiKeySecret = "sk-ant-api03-planted-secret-value"

func newSentry(t *testing.T) (*observe.Sentry, *sentrytest.Server) {
	t.Helper()
	ingest := sentrytest.NewServer(t)
	s, err := observe.NewSentry(observe.SentryOptions{DSN: ingest.DSN(), Release: "v1.2.3", Environment: "production",
		Secrets: []string{apiKeySecret}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(time.Second) })
	return s, ingest
}

func TestNoDSNMeansNoSentry(t *testing.T) {
	s, err := observe.NewSentry(observe.SentryOptions{})
	if err != nil || s != nil || s.Enabled() {
		t.Fatalf("got %v, %v; want nil, nil", s, err)
	}
	// A nil Sentry is safe to use everywhere.
	s.RunFailed(context.Background(), domain.MonitorRun{}, errors.New("x"))
	if id, sent := s.TestEvent(context.Background(), time.Second); id != "" || sent {
		t.Fatal("a nil Sentry sent a test event")
	}
	if !s.Flush(time.Second) || s.NewHub() != nil {
		t.Fatal("nil Sentry")
	}
	s.Close(time.Second)
}

func TestBadDSNIsNotEchoed(t *testing.T) {
	_, err := observe.NewSentry(observe.SentryOptions{DSN: "https://secretkey@"})
	if err == nil || strings.Contains(err.Error(), "secretkey") {
		t.Fatalf("got %v, want an error that does not repeat the DSN", err)
	}
}

func TestTestEvent(t *testing.T) {
	s, ingest := newSentry(t)
	id, sent := s.TestEvent(context.Background(), 5*time.Second)
	if id == "" || !sent {
		t.Fatalf("id %q sent %v", id, sent)
	}
	e := ingest.WaitFor(t, 5*time.Second, func(e sentrytest.Event) bool { return e.EventID == id })
	if e.Release != "v1.2.3" || e.Environment != "production" || e.Tags["test_event"] != "true" || e.Level != "error" {
		t.Fatalf("event %+v", e)
	}
	if !strings.Contains(e.Text(), "VectorOS test error") {
		t.Fatalf("text %q", e.Text())
	}
	if auth := ingest.Auth(); len(auth) == 0 || !strings.Contains(auth[0], "sentry_key="+sentrytest.Key) {
		t.Fatalf("X-Sentry-Auth %q", auth)
	}
}

func TestRunFailedTagsAndRedacts(t *testing.T) {
	s, ingest := newSentry(t)
	cycle := "0193c2a0-0000-7000-8000-000000000001"
	run := domain.MonitorRun{ID: "0193c2a0-0000-7000-8000-0000000000aa", WorkspaceID: "0193c2a0-0000-7000-8000-0000000000bb",
		CycleID: &cycle, Trigger: domain.TriggerPeriodic, DealsAnalysed: 12}
	s.RunFailed(context.Background(), run, errors.New("monitor: narrate: upstream said key "+apiKeySecret+" is invalid"))
	s.RunFailed(context.Background(), run, nil) // nothing to report
	if !s.Flush(5 * time.Second) {
		t.Fatal("not flushed")
	}
	e := ingest.WaitFor(t, time.Second, func(e sentrytest.Event) bool { return e.Tags["run_id"] == run.ID })
	want := map[string]string{"workspace_id": run.WorkspaceID, "cycle_id": cycle, "trigger": "periodic", "component": "monitor"}
	for k, v := range want {
		if e.Tags[k] != v {
			t.Errorf("tag %s = %q, want %q", k, e.Tags[k], v)
		}
	}
	if !strings.Contains(e.Text(), "monitor run failed") || !strings.Contains(e.Text(), observe.Redacted) {
		t.Errorf("text %q", e.Text())
	}
	if strings.Contains(ingest.Raw(), apiKeySecret) {
		t.Error("the secret reached Sentry")
	}
	if len(e.Fingerprint) != 2 || strings.Contains(e.Fingerprint[1], run.ID) {
		t.Errorf("fingerprint %q should group failures by kind, without ids", e.Fingerprint)
	}
	if n := len(ingest.Events()); n != 1 {
		t.Errorf("%d events, want 1", n)
	}
}

// TestRequestDataNeverLeaves: whatever a hub's scope knows about a request
// (headers, cookies, query, body), the event carries its method and URL
// without query only.
func TestRequestDataNeverLeaves(t *testing.T) {
	s, ingest := newSentry(t)
	r := httptest.NewRequest("POST", "http://vectoros.example/api/v1/auth/login?token=query-secret",
		strings.NewReader(`{"password":"body-secret"}`))
	r.Header.Set("Authorization", "Bearer vos_header_secret")
	r.Header.Set("Cookie", "session=cookie-secret")
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	hub := s.NewHub()
	hub.Scope().SetRequest(r)
	_, _ = r.Body.Read(make([]byte, 100)) // the scope buffers what the handler reads
	hub.CaptureException(errors.New("boom"))
	s.Flush(5 * time.Second)
	e := ingest.WaitFor(t, time.Second, func(sentrytest.Event) bool { return true })
	if e.Request == nil || e.Request.Method != "POST" || e.Request.URL != "http://vectoros.example/api/v1/auth/login" {
		t.Fatalf("request %+v", e.Request)
	}
	for _, leak := range []string{"query-secret", "body-secret", "vos_header_secret", "cookie-secret", "203.0.113.9"} {
		if strings.Contains(ingest.Raw(), leak) {
			t.Errorf("%q reached Sentry", leak)
		}
	}
}

// TestLogHandlerReportsRequestErrors: an ERROR line with an error, logged
// with a context carrying a request's hub, becomes that hub's event; other
// lines do not.
func TestLogHandlerReportsRequestErrors(t *testing.T) {
	s, ingest := newSentry(t)
	var out bytes.Buffer
	log := slog.New(s.LogHandler(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn})))
	hub := s.NewHub()
	ctx := sentry.SetHubOnContext(context.Background(), hub)

	log.ErrorContext(ctx, "request failed", "status", 500, "error", errors.New("store: deals: connection reset"))
	log.ErrorContext(context.Background(), "outside a request", "error", errors.New("not reported"))
	log.WarnContext(ctx, "a warning", "error", errors.New("not reported either"))
	log.ErrorContext(ctx, "an error line without an error")
	log.Debug("below the level") // neither written nor reported
	s.Flush(5 * time.Second)

	evs := ingest.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1: %+v", len(evs), evs)
	}
	if !strings.Contains(evs[0].Text(), "connection reset") || evs[0].Tags["log_message"] != "request failed" {
		t.Fatalf("event %q tags %v", evs[0].Text(), evs[0].Tags)
	}
	if id := hub.LastEventID(); string(id) != evs[0].EventID {
		t.Fatalf("hub's last event %q, want %q (the middleware relies on it)", id, evs[0].EventID)
	}
	if lines := strings.Count(out.String(), "\n"); lines != 4 || strings.Contains(out.String(), "below the level") {
		t.Fatalf("log output (want the 4 lines at WARN and above):\n%s", out.String())
	}
}

// TestCloseFlushes: events still queued when the process stops reach Sentry
// before Close returns (the app closes last on shutdown).
func TestCloseFlushes(t *testing.T) {
	ingest := sentrytest.NewServer(t)
	ingest.SetDelay(500 * time.Millisecond)
	var logs bytes.Buffer
	s, err := observe.NewSentry(observe.SentryOptions{DSN: ingest.DSN(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.RunFailed(context.Background(), domain.MonitorRun{ID: "r1", WorkspaceID: "w1"}, errors.New("first"))
	s.RunFailed(context.Background(), domain.MonitorRun{ID: "r2", WorkspaceID: "w1"}, errors.New("second"))
	if n := len(ingest.Events()); n != 0 {
		t.Fatalf("%d events arrived before Close; the delay should hold them", n)
	}
	s.Close(5 * time.Second)
	if n := len(ingest.Events()); n != 2 {
		t.Fatalf("%d events after Close, want 2", n)
	}
	if logs.Len() != 0 {
		t.Fatalf("Close complained: %s", logs.String())
	}

	// A Sentry slower than the wait: Close gives up and says so.
	s2, _ := observe.NewSentry(observe.SentryOptions{DSN: ingest.DSN(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ingest.SetDelay(2 * time.Second)
	s2.RunFailed(context.Background(), domain.MonitorRun{ID: "r3"}, errors.New("third"))
	s2.Close(100 * time.Millisecond)
	if !strings.Contains(logs.String(), "not sent before shutdown") {
		t.Fatalf("no warning: %q", logs.String())
	}
}

func TestAbortHandlerIsNotReported(t *testing.T) {
	s, ingest := newSentry(t)
	hub := s.NewHub()
	hub.RecoverWithContext(context.Background(), http.ErrAbortHandler)
	hub.RecoverWithContext(context.Background(), "a real panic")
	s.Flush(5 * time.Second)
	if evs := ingest.Events(); len(evs) != 1 || !strings.Contains(evs[0].Text(), "a real panic") {
		t.Fatalf("events %+v, want only the real panic", evs)
	}
}
