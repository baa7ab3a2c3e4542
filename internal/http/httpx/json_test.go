package httpx

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

type sample struct {
	Title     string                   `json:"title"`
	Value     Optional[json.Number]    `json:"value"`
	CloseDate Optional[domain.Date]    `json:"close_date"`
	At        Optional[time.Time]      `json:"at"`
	Prob      Optional[int]            `json:"probability"`
	Tags      []string                 `json:"tags"`
	Nested    Optional[map[string]int] `json:"nested"`
}

func TestDecodeBytes(t *testing.T) {
	tests := []struct {
		name, body   string
		field, inMsg string // expected field error ("" = success)
	}{
		{"ok", `{"title":"a","value":12.5,"close_date":"2026-01-02","probability":null}`, "", ""},
		{"unknown field", `{"title":"a","colour":"red"}`, "colour", "not a field"},
		{"NaN", `{"title":"a","value":NaN}`, "value", "not a valid JSON value"},
		{"string NaN", `{"title":"a","value":"NaN"}`, "value", "must be a number"},
		{"bad date", `{"close_date":"2026-13-45"}`, "close_date", "YYYY-MM-DD"},
		{"bad time", `{"at":"yesterday"}`, "at", "RFC 3339"},
		{"title number", `{"title":5}`, "title", "must be a string"},
		{"probability fraction", `{"probability":1.5}`, "probability", "whole number"},
		{"tags not list", `{"tags":"x"}`, "tags", "must be a list"},
		{"empty", ``, "body", "required"},
		{"array", `[]`, "body", "JSON object"},
		{"two objects", `{} {}`, "body", "exactly one"},
		{"truncated", `{"title":"a"`, "body", "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s sample
			err := DecodeBytes([]byte(tt.body), &s)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid || len(de.Fields) != 1 {
				t.Fatalf("got %#v, want one field error on %s", err, tt.field)
			}
			if f := de.Fields[0]; f.Field != tt.field || !strings.Contains(f.Message, tt.inMsg) {
				t.Fatalf("got %+v, want field %q with %q", f, tt.field, tt.inMsg)
			}
		})
	}
}

func TestOptionalPresence(t *testing.T) {
	var s sample
	if err := DecodeBytes([]byte(`{"value":null,"probability":40}`), &s); err != nil {
		t.Fatal(err)
	}
	if !s.Value.Set || !s.Value.Null || s.Value.Ptr() != nil {
		t.Fatalf("value: %+v, want set null", s.Value)
	}
	if p := s.Prob.Ptr(); p == nil || *p != 40 {
		t.Fatalf("probability: %+v", s.Prob)
	}
	if s.CloseDate.Set {
		t.Fatalf("close_date absent but Set")
	}
}

func TestDecodeEnvelope(t *testing.T) {
	big := `{"title":"` + strings.Repeat("x", MaxBody) + `"}`
	tests := []struct {
		name, ctype, body string
		chunked           bool
		status            int
	}{
		{"json", "application/json", `{"title":"a"}`, false, 0},
		{"json charset", "application/json; charset=utf-8", `{"title":"a"}`, false, 0},
		{"form", "application/x-www-form-urlencoded", `title=a`, false, http.StatusUnsupportedMediaType},
		{"no type", "", `{"title":"a"}`, false, http.StatusUnsupportedMediaType},
		{"too large", "application/json", big, false, http.StatusRequestEntityTooLarge},
		{"too large chunked", "application/json", big, true, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			if tt.chunked {
				r.ContentLength = -1
			}
			r.Header.Set("Content-Type", tt.ctype)
			var s sample
			err := Decode(httptest.NewRecorder(), r, &s)
			if tt.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := StatusOf(err); got != tt.status {
				t.Fatalf("status %d (%v), want %d", got, err, tt.status)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		err    error
		status int
		detail string
		retry  string
	}{
		{domain.ErrNotFound("deal"), 404, "deal not found", ""},
		{FieldErr("title", "is required"), 400, "the request has invalid fields", ""},
		{WithRetryAfter(domain.Errorf(domain.KindTooMany, "slow down"), 90*time.Second), 429, "slow down", "90"},
		{errors.New("pq: secret internals"), 500, "something went wrong on our side; the error was logged", ""},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		WriteError(w, httptest.NewRequest("GET", "/", nil), nil, tt.err)
		var p Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if w.Code != tt.status || p.Status != tt.status || p.Detail != tt.detail || p.Errors == nil ||
			w.Header().Get("Content-Type") != ProblemContentType || w.Header().Get("Retry-After") != tt.retry {
			t.Errorf("%v: got %d %+v headers %v", tt.err, w.Code, p, w.Header())
		}
	}
}
