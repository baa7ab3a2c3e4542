// Package sentrytest is a Sentry ingest endpoint for tests: an httptest
// server that accepts envelopes on /api/PROJECT/envelope/ and keeps the
// events in them, so tests check what would reach Sentry at the protocol
// level rather than through a mock of the SDK.
package sentrytest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Project is the project id in the DSN.
const Project = "42"

// Key is the DSN's public key.
const Key = "publickey0123456789"

// Event is the part of a Sentry event the tests look at; Raw is the whole
// item, for checks that nothing else leaked.
type Event struct {
	EventID     string            `json:"event_id"`
	Level       string            `json:"level"`
	Message     string            `json:"message"`
	Release     string            `json:"release"`
	Environment string            `json:"environment"`
	Tags        map[string]string `json:"tags"`
	Fingerprint []string          `json:"fingerprint"`
	User        struct {
		ID        string `json:"id"`
		IPAddress string `json:"ip_address"`
	} `json:"user"`
	Request *struct {
		Method      string            `json:"method"`
		URL         string            `json:"url"`
		QueryString string            `json:"query_string"`
		Cookies     string            `json:"cookies"`
		Headers     map[string]string `json:"headers"`
		Data        any               `json:"data"`
	} `json:"request"`
	Exception []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"exception"`
	Raw string `json:"-"`
}

// Text is the event's headline: its message or its exceptions' values.
func (e Event) Text() string {
	parts := []string{e.Message}
	for _, x := range e.Exception {
		parts = append(parts, x.Value)
	}
	return strings.Join(parts, " | ")
}

// Server is the ingest endpoint.
type Server struct {
	srv   *httptest.Server
	mu    sync.Mutex
	evs   []Event
	auth  []string // X-Sentry-Auth headers seen
	raw   bytes.Buffer
	delay time.Duration
}

// SetDelay makes the endpoint take d before it reads an envelope (a slow
// or distant Sentry).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// NewServer starts an ingest endpoint, closed when the test ends.
func NewServer(t testing.TB) *Server {
	s := &Server{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.srv.Close)
	return s
}

// DSN is a DSN pointing at this server.
func (s *Server) DSN() string {
	return "http://" + Key + "@" + strings.TrimPrefix(s.srv.URL, "http://") + "/" + Project
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/"+Project+"/envelope/" {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	d := s.delay
	s.mu.Unlock()
	time.Sleep(d)
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth = append(s.auth, r.Header.Get("X-Sentry-Auth"))
	s.raw.Write(body)
	s.raw.WriteByte('\n')
	// An envelope: a header line, then items of a header line and a payload.
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	sc.Scan() // envelope header
	for sc.Scan() {
		var item struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(sc.Bytes(), &item)
		if !sc.Scan() {
			break
		}
		if item.Type != "event" {
			continue
		}
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err == nil {
			e.Raw = sc.Text()
			s.evs = append(s.evs, e)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{}`))
}

// Events returns the events received so far.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.evs...)
}

// Raw returns every envelope body received, for leak checks.
func (s *Server) Raw() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw.String()
}

// Auth returns the X-Sentry-Auth headers received.
func (s *Server) Auth() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auth...)
}

// WaitFor waits up to timeout for an event matching ok and returns it.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, ok func(Event) bool) Event {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, e := range s.Events() {
			if ok(e) {
				return e
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for _, e := range s.Events() {
				got = append(got, e.Text())
			}
			t.Fatalf("no matching Sentry event within %s; received %d: %q", timeout, len(got), got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
