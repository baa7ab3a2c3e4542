// Package client is a small typed Go client of the VectorOS API
// (/api/v1). Sign in with Login (the session cookie is kept in the client's
// cookie jar) or pass an API key with WithAPIKey for a workspace's routes.
//
//	c := client.New("https://vectoros.example.com", client.WithAPIKey(os.Getenv("VECTOROS_API_KEY")))
//	deal, err := c.CreateDeal(ctx, wsID, client.DealInput{Title: "Acme renewal", Value: client.Amount("12500")})
//
// Every error answer becomes an *Error with the status and per-field problems.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls one VectorOS server. It is safe for concurrent use.
type Client struct {
	base   string
	http   *http.Client
	apiKey string
	strict bool
}

// Option configures a Client.
type Option func(*Client)

// WithAPIKey authenticates every request with a vos_… key instead of a session.
func WithAPIKey(secret string) Option { return func(c *Client) { c.apiKey = secret } }

// WithHTTPClient uses h (its Jar holds the session cookie; New adds one
// when h has none).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithStrictDecoding fails on response fields this client does not know,
// which tests use to catch drift between the API and the client.
func WithStrictDecoding() Option { return func(c *Client) { c.strict = true } }

// New returns a client of the server at baseURL (scheme and host, e.g.
// http://localhost:8080).
func New(baseURL string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/") + "/api/v1"}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	if c.http.Jar == nil {
		jar, _ := cookiejar.New(nil)
		h := *c.http
		h.Jar = jar
		c.http = &h
	}
	return c
}

// Error is an error answer (application/problem+json).
type Error struct {
	Status     int
	Title      string
	Detail     string
	Code       string
	RequestID  string
	Errors     []FieldError
	RetryAfter time.Duration
	Header     http.Header
}

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "vectoros: %d %s", e.Status, e.Title)
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	for _, f := range e.Errors {
		fmt.Fprintf(&b, "; %s %s", f.Field, f.Message)
	}
	return b.String()
}

// Field returns the message about one input field, "" when there is none.
func (e *Error) Field(name string) string {
	for _, f := range e.Errors {
		if f.Field == name {
			return f.Message
		}
	}
	return ""
}

// StatusOf returns the HTTP status of an *Error, 0 for other errors.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// Do sends a request to path (relative to /api/v1) with body as JSON (nil:
// no body) and decodes a JSON answer into out (nil: discard it).
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("vectoros: encode request: %w", err)
		}
	}
	resp, err := c.Raw(ctx, method, path, "application/json", payload, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return readError(resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	dec := json.NewDecoder(resp.Body)
	if c.strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("vectoros: decode %s %s: %w", method, path, err)
	}
	return nil
}

// Raw sends a request as given (body nil: none) and returns the response
// unread, for callers that need the bytes or headers.
func (c *Client) Raw(ctx context.Context, method, path, contentType string, body []byte, header http.Header) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("vectoros: %w", err)
	}
	if body != nil && contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("vectoros: %s %s: %w", method, path, err)
	}
	return resp, nil
}

func readError(resp *http.Response) error {
	e := &Error{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode), Header: resp.Header}
	var p struct {
		Title     string       `json:"title"`
		Detail    string       `json:"detail"`
		Code      string       `json:"code"`
		RequestID string       `json:"request_id"`
		Errors    []FieldError `json:"errors"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&p); err == nil {
		e.Detail, e.Code, e.RequestID, e.Errors = p.Detail, p.Code, p.RequestID, p.Errors
		if p.Title != "" {
			e.Title = p.Title
		}
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

func esc(s string) string { return url.PathEscape(s) }

// Amount is a money value for inputs, a decimal in major units ("12500",
// "99.95"), sent as a JSON number.
func Amount(s string) *json.Number { n := json.Number(s); return &n }

// Field is a PATCH field: left out unless made with Set, or Clear for null.
type Field[T any] struct {
	set, null bool
	v         T
}

// Set changes a field to v.
func Set[T any](v T) Field[T] { return Field[T]{set: true, v: v} }

// Clear sets an optional field to null.
func Clear[T any]() Field[T] { return Field[T]{set: true, null: true} }

// IsZero reports whether the field is left out (for omitzero).
func (f Field[T]) IsZero() bool { return !f.set }

// MarshalJSON writes the value or null.
func (f Field[T]) MarshalJSON() ([]byte, error) {
	if f.null || !f.set {
		return []byte("null"), nil
	}
	return json.Marshal(f.v)
}

// Page is one page of a list; NextCursor is "" on the last page.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// Next returns the cursor of the next page, "" when this is the last.
func (p Page[T]) Next() string {
	if p.NextCursor == nil {
		return ""
	}
	return *p.NextCursor
}

func listOf[T any](c *Client, ctx context.Context, path string) ([]T, error) {
	var p Page[T]
	if err := c.Do(ctx, http.MethodGet, path, nil, &p); err != nil {
		return nil, err
	}
	return p.Items, nil
}
