package httpx

import (
	"context"
	"log/slog"
)

// requestIDHandler stamps every record logged with a request's context with
// that request's id, so one request's lines can be found together.
type requestIDHandler struct{ slog.Handler }

// NewLogHandler wraps h so records logged with a request context carry
// request_id.
func NewLogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(requestIDHandler); ok {
		return h
	}
	return requestIDHandler{h}
}

// WithRequestIDs returns a logger whose records carry request_id when
// logged with a request's context.
func WithRequestIDs(log *slog.Logger) *slog.Logger { return slog.New(NewLogHandler(log.Handler())) }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
