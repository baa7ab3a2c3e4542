package observe

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/getsentry/sentry-go"
)

// Redacted replaces a secret found in a log line or an event.
const Redacted = "[redacted]"

// minSecretLen keeps short values (a "0", a "dev") from being treated as
// secrets and blanked all over the logs.
const minSecretLen = 6

// redactor replaces known secret values in text.
type redactor struct{ secrets []string }

func newRedactor(secrets []string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

func (r *redactor) has(s string) bool {
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			return true
		}
	}
	return false
}

func (r *redactor) replace(s string) string {
	if r == nil || !r.has(s) {
		return s
	}
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, Redacted)
	}
	return s
}

// Redact returns a handler that replaces every secret (the configured keys,
// tokens and the database password) in a record's message and attributes
// with [redacted] before next sees it. Code never logs these on purpose;
// this catches the error text of a library that echoes a URL or a header.
func Redact(next slog.Handler, secrets []string) slog.Handler {
	r := newRedactor(secrets)
	if len(r.secrets) == 0 {
		return next
	}
	return redactHandler{next: next, r: r}
}

type redactHandler struct {
	next slog.Handler
	r    *redactor
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.replace(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return redactHandler{next: h.next.WithAttrs(clean), r: h.r}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{next: h.next.WithGroup(name), r: h.r}
}

func (h redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		if h.r.has(v.String()) {
			return slog.String(a.Key, h.r.replace(v.String()))
		}
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		// Errors, Stringers, structs: their text is what a handler prints.
		if s := fmt.Sprint(v.Any()); h.r.has(s) {
			return slog.String(a.Key, h.r.replace(s))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// LogHandler returns a handler that passes every record to next and also
// reports to Sentry the ERROR records logged with the context of a request
// the Sentry middleware is watching (its hub is in the context) that carry
// an error: the one line httpx.WriteError logs for a failed (5xx) request
// becomes that request's event, with the real error rather than a status.
// Other records, and errors logged outside a request, are not reported.
func (s *Sentry) LogHandler(next slog.Handler) slog.Handler {
	if s == nil {
		return next
	}
	return sentryLogHandler{next: next}
}

type sentryLogHandler struct{ next slog.Handler }

func (h sentryLogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError || h.next.Enabled(ctx, l)
}

func (h sentryLogHandler) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level >= slog.LevelError {
		if hub := sentry.GetHubFromContext(ctx); hub != nil {
			var err error
			rec.Attrs(func(a slog.Attr) bool {
				if e, ok := a.Value.Resolve().Any().(error); ok {
					err = e
					return false
				}
				return true
			})
			if err != nil {
				hub.WithScope(func(scope *sentry.Scope) {
					scope.SetTag("log_message", rec.Message)
					hub.CaptureException(err)
				})
			}
		}
	}
	if !h.next.Enabled(ctx, rec.Level) {
		return nil
	}
	return h.next.Handle(ctx, rec)
}

func (h sentryLogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return sentryLogHandler{next: h.next.WithAttrs(as)}
}

func (h sentryLogHandler) WithGroup(name string) slog.Handler {
	return sentryLogHandler{next: h.next.WithGroup(name)}
}
