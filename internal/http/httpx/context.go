package httpx

import (
	"context"
	"log/slog"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/vectoros/vectoros/internal/domain"
)

type ctxKey int

const (
	principalKey ctxKey = iota
	clientIPKey
	logNotesKey
)

// Principal is who makes a request: a signed-in user or an API key, never
// both. The zero Principal is anonymous.
type Principal struct {
	User *domain.User
	Key  *domain.APIKey
	// KeyWorkspace is the key's workspace, loaded with the key.
	KeyWorkspace *domain.Workspace
}

// Anonymous reports whether nobody is signed in.
func (p Principal) Anonymous() bool { return p.User == nil && p.Key == nil }

// Actor is how changes made by this principal are recorded.
func (p Principal) Actor() domain.Actor {
	switch {
	case p.User != nil:
		return domain.Actor{Kind: domain.ActorUser, ID: p.User.ID}
	case p.Key != nil:
		return domain.Actor{Kind: domain.ActorAPIKey, ID: p.Key.ID}
	}
	return domain.Actor{}
}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns the request's principal (anonymous when none).
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey).(Principal)
	return p
}

// WithClientIP returns ctx carrying the client's address as resolved by the
// server (the rightmost X-Forwarded-For hop only behind a trusted proxy).
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey, ip)
}

// ClientIP returns the resolved client address ("" outside a request).
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey).(string)
	return ip
}

// RequestID returns the request's id ("" outside a request).
func RequestID(ctx context.Context) string { return middleware.GetReqID(ctx) }

// LogNotes collects attributes inner handlers learn (who the principal is,
// which workspace) for the one access-log line the outer middleware writes.
type LogNotes struct{ attrs []slog.Attr }

// Attrs returns the collected attributes.
func (n *LogNotes) Attrs() []slog.Attr { return n.attrs }

// WithLogNotes returns ctx carrying a fresh collector.
func WithLogNotes(ctx context.Context) (context.Context, *LogNotes) {
	n := &LogNotes{}
	return context.WithValue(ctx, logNotesKey, n), n
}

// Note adds attributes to the request's access-log line; a no-op outside
// a request. A request is served by one goroutine, so no lock is needed.
func Note(ctx context.Context, attrs ...slog.Attr) {
	if n, ok := ctx.Value(logNotesKey).(*LogNotes); ok {
		n.attrs = append(n.attrs, attrs...)
	}
}
