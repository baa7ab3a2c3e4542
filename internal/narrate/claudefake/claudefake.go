// Package claudefake is a local stand-in for Anthropic's Messages API, for
// tests and benchmarks of the Claude narrator: an httptest server that
// checks the request the way the API would (Bearer key, version header,
// POST /v1/messages), records it, counts requests in flight and answers as
// the test scripts it. Its default answer words every finding from the
// request's own facts, so it passes the narrator's validation.
package claudefake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a fake Messages API.
type Server struct {
	URL    string
	APIKey string

	srv *httptest.Server

	mu      sync.Mutex
	respond func(n int, r *Request) Reply
	delay   time.Duration
	log     []*Request

	calls    atomic.Int64
	inflight atomic.Int64
	peak     atomic.Int64
}

// Request is one request the fake received.
type Request struct {
	N      int // 1-based arrival order
	At     time.Time
	Header http.Header
	Raw    []byte
	Body   MessageRequest
	// Facts is the JSON document the narrator put in the user message.
	Facts map[string]any
}

// MessageRequest is the part of a Messages API request the fake reads.
type MessageRequest struct {
	Model     string `json:"model"`
	MaxTokens int    `json:"max_tokens"`
	System    []struct {
		Text string `json:"text"`
	} `json:"system"`
	Messages []struct {
		Role    string `json:"role"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	} `json:"messages"`
	Tools []struct {
		Name        string         `json:"name"`
		InputSchema map[string]any `json:"input_schema"`
	} `json:"tools"`
	ToolChoice map[string]any `json:"tool_choice"`
}

// UserText is the text of the first user message.
func (m MessageRequest) UserText() string {
	if len(m.Messages) == 0 || len(m.Messages[0].Content) == 0 {
		return ""
	}
	return m.Messages[0].Content[0].Text
}

// Reply is what the fake answers to one request.
type Reply struct {
	Status int // default 200
	Header map[string]string
	Body   []byte
	Delay  time.Duration // before answering, on top of the server's delay
}

// New starts a fake that accepts the given API key.
func New(apiKey string) *Server {
	s := &Server{APIKey: apiKey}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Respond scripts the answers: fn gets the 1-based request number and the
// request. Nil restores the default (Good).
func (s *Server) Respond(fn func(n int, r *Request) Reply) {
	s.mu.Lock()
	s.respond = fn
	s.mu.Unlock()
}

// SetDelay makes every answer wait d (a slow model).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Calls is how many requests arrived.
func (s *Server) Calls() int { return int(s.calls.Load()) }

// PeakInFlight is the most requests that were being answered at once.
func (s *Server) PeakInFlight() int { return int(s.peak.Load()) }

// Requests returns the requests received so far, in arrival order.
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.log...)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	n := int(s.calls.Add(1))
	cur := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for {
		p := s.peak.Load()
		if cur <= p || s.peak.CompareAndSwap(p, cur) {
			break
		}
	}
	req := &Request{N: n, At: time.Now(), Header: r.Header.Clone()}
	var err error
	if req.Raw, err = io.ReadAll(r.Body); err == nil {
		err = json.Unmarshal(req.Raw, &req.Body)
	}
	s.mu.Lock()
	s.log = append(s.log, req)
	respond, delay := s.respond, s.delay
	s.mu.Unlock()

	var rep Reply
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/v1/messages":
		rep = Error(http.StatusNotFound, "not_found_error", "no such endpoint "+r.Method+" "+r.URL.Path)
	case r.Header.Get("Authorization") != "Bearer "+s.APIKey:
		rep = Error(http.StatusUnauthorized, "authentication_error", "invalid x-api-key")
	case r.Header.Get("Anthropic-Version") == "":
		rep = Error(http.StatusBadRequest, "invalid_request_error", "anthropic-version header is required")
	case err != nil:
		rep = Error(http.StatusBadRequest, "invalid_request_error", "body is not JSON: "+err.Error())
	default:
		if text := req.Body.UserText(); strings.Contains(text, "{") {
			_ = json.Unmarshal([]byte(text[strings.Index(text, "{"):]), &req.Facts)
		}
		if respond == nil {
			respond = func(_ int, r *Request) Reply { return Good(r) }
		}
		rep = respond(n, req)
	}
	if d := delay + rep.Delay; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", fmt.Sprintf("req_fake_%d", n))
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(rep.Body)
}
