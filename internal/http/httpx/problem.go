// Package httpx holds the HTTP helpers the API and the web UI share: JSON
// decoding with strict limits, problem+json errors (RFC 9457) with the one
// mapping from error kinds to status codes, and the request-scoped values
// (principal, client IP, request id) the middleware puts in the context.
package httpx

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// HTTP-only error kinds: they describe the request's envelope, not the
// domain, so they live here rather than in internal/domain.
const (
	KindTooLarge         domain.Kind = "too_large"          // 413
	KindUnsupportedMedia domain.Kind = "unsupported_media"  // 415
	KindMethodNotAllowed domain.Kind = "method_not_allowed" // 405
)

// StatusOf is the one place an error's kind becomes an HTTP status.
func StatusOf(err error) int {
	switch domain.KindOf(err) {
	case domain.KindInvalid:
		return http.StatusBadRequest
	case domain.KindUnauthorized:
		return http.StatusUnauthorized
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindConflict:
		return http.StatusConflict
	case domain.KindTooMany:
		return http.StatusTooManyRequests
	case domain.KindUnavailable:
		return http.StatusServiceUnavailable
	case KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case KindUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case KindMethodNotAllowed:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// StatusClientClosedRequest is the status recorded (in logs and metrics;
// nobody is left to read it) when a request failed because its client went
// away: the nginx convention. It is not a server error, so it neither logs
// at ERROR, nor reaches Sentry, nor feeds the 5xx error-rate alert.
const StatusClientClosedRequest = 499

// StatusFor is StatusOf for a request: an error that would be a 500 is the
// client's doing when the request's context is already done — the query or
// the hash was cut short because the client disconnected (drivers report
// that as context.Canceled, an interrupt or a closed connection, so the
// context, not the error, is the witness).
func StatusFor(r *http.Request, err error) int {
	status := StatusOf(err)
	if status == http.StatusInternalServerError && r != nil && r.Context().Err() != nil {
		return StatusClientClosedRequest
	}
	return status
}

// Problem is an RFC 9457 problem details body. Code repeats the error kind
// for programs; Errors lists per-field problems (always present, maybe empty).
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Code      string              `json:"code"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []domain.FieldError `json:"errors"`
}

// ProblemContentType is the media type of error bodies.
const ProblemContentType = "application/problem+json"

// retryError carries how long a throttled client should wait.
type retryError struct {
	err   error
	after time.Duration
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// WithRetryAfter attaches a Retry-After hint to a (429 or 503) error.
func WithRetryAfter(err error, after time.Duration) error { return &retryError{err: err, after: after} }

// ProblemOf builds the problem body for err. Internal errors get a generic
// detail: their cause is for the log, not the client.
func ProblemOf(r *http.Request, err error) Problem {
	status := StatusFor(r, err)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Code: string(domain.KindOf(err)), Errors: []domain.FieldError{}}
	if status == StatusClientClosedRequest {
		p.Title, p.Code = "Client Closed Request", "client_closed"
	}
	if r != nil {
		p.RequestID = RequestID(r.Context())
	}
	var de *domain.Error
	if status < 500 && errors.As(err, &de) {
		p.Detail = de.Message
		if len(de.Fields) > 0 {
			p.Errors = de.Fields
		}
	} else if status >= 500 {
		p.Detail = "something went wrong on our side; the error was logged"
		if status == http.StatusServiceUnavailable && errors.As(err, &de) {
			p.Detail = de.Message
		}
	}
	return p
}

// WriteError answers with a problem+json body for err and logs server-side
// failures once, here at the edge.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := ProblemOf(r, err)
	if p.Status >= 500 && log != nil {
		log.ErrorContext(r.Context(), "request failed", "status", p.Status, "error", err)
	}
	var re *retryError
	if errors.As(err, &re) {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int((re.after+time.Second-1)/time.Second))))
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vectoros"`)
	}
	w.Header().Set("Content-Type", ProblemContentType)
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, p.Status, p)
}

// Errorf is shorthand for an error of a kind with a safe message.
func Errorf(kind domain.Kind, format string, args ...any) error {
	return domain.Errorf(kind, format, args...)
}

// FieldErr is an invalid-input error about one field.
func FieldErr(field, message string) error {
	return &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
		Fields: []domain.FieldError{{Field: field, Message: message}}}
}
