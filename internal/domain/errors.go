package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error so the edges (HTTP, CLI) can map it once.
type Kind string

// Error kinds. The HTTP layer maps each to one status code.
const (
	KindInvalid      Kind = "invalid"      // 400: the input is wrong
	KindUnauthorized Kind = "unauthorized" // 401: who are you?
	KindForbidden    Kind = "forbidden"    // 403: you may not
	KindNotFound     Kind = "not_found"    // 404: absent, or another tenant's
	KindConflict     Kind = "conflict"     // 409: clashes with existing state
	KindTooMany      Kind = "too_many"     // 429: throttled
	KindUnavailable  Kind = "unavailable"  // 503: a dependency is down
	KindInternal     Kind = "internal"     // 500: a bug or an unexpected failure
)

// FieldError names one invalid input field and says what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error with a kind and a message that is safe to show users.
// The wrapped Err keeps the internal cause for logs.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted safe message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is returned (wrapped in *Error) when a row does not exist in
// the caller's workspace.
func ErrNotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Message: what + " not found"}
}

// KindOf returns the kind of err, KindInternal when it carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsKind reports whether err has the given kind.
func IsKind(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// Validation collects field errors; Err returns nil when there are none.
type Validation struct{ Fields []FieldError }

// Add records a problem with one field.
func (v *Validation) Add(field, format string, args ...any) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns the collected problems as one KindInvalid error, or nil.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "the request has invalid fields", Fields: v.Fields}
}
