package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/observe"
)

// A caller's X-Request-Id is kept when it is short and plain, so a proxy's
// id follows the request; anything else is replaced.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), middleware.RequestIDKey, id)))
	})
}

// clientIP resolves the caller's address once. Behind a trusted proxy the
// rightmost X-Forwarded-For hop is the one the proxy itself appended; hops
// further left are whatever the client claimed and are never trusted.
func clientIP(trustProxy bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(httpx.WithClientIP(r.Context(), ClientAddr(r, trustProxy))))
		})
	}
}

// ClientAddr returns the request's client address (see clientIP).
func ClientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if vals := r.Header.Values("X-Forwarded-For"); len(vals) > 0 {
			hops := strings.Split(vals[len(vals)-1], ",")
			if a, err := netip.ParseAddr(strings.TrimSpace(hops[len(hops)-1])); err == nil {
				return a.Unmap().String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return host
}

// accessLog writes one line per request; inner handlers add who and which
// workspace through httpx.Note. Health probes log at debug level.
func accessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ctx, notes := httpx.WithLogNotes(r.Context())
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r.WithContext(ctx))
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			level := slog.LevelInfo
			switch {
			case status >= 500:
				level = slog.LevelError
			case strings.HasPrefix(r.URL.Path, "/health"):
				level = slog.LevelDebug
			}
			route := ""
			if rc := chi.RouteContext(ctx); rc != nil {
				route = rc.RoutePattern()
			}
			attrs := append([]slog.Attr{
				slog.String("method", r.Method), slog.String("path", observe.RedactPath(r.URL.Path)), slog.String("route", route),
				slog.Int("status", status), slog.Int("bytes", ww.BytesWritten()),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			}, notes.Attrs()...)
			log.LogAttrs(ctx, level, "request", attrs...)
		})
	}
}

// recoverer turns a panic into a logged 500 problem, keeping the process up.
func recoverer(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v) // the server's own signal to drop the connection
				}
				log.ErrorContext(r.Context(), "panic serving request", "panic", v, "stack", string(debug.Stack()))
				httpx.WriteError(w, r, nil, domain.Errorf(domain.KindInternal, "panic"))
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// limitBody refuses bodies over httpx.MaxBody: at once when Content-Length
// says so, else when a handler reads past the limit.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > httpx.MaxBody {
			httpx.WriteError(w, r, nil, httpx.Errorf(httpx.KindTooLarge, "the request body is larger than %d bytes", httpx.MaxBody))
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, httpx.MaxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// requireJSON refuses API request bodies that are not JSON, whether or not
// the handler would read them.
func requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if httpx.HasBody(r) && !httpx.IsJSON(r.Header.Get("Content-Type")) {
			httpx.WriteError(w, r, nil, httpx.Errorf(httpx.KindUnsupportedMedia, "send the request body as application/json"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, nil, domain.Errorf(domain.KindNotFound, "no such route: %s %s", r.Method, r.URL.Path))
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, r, nil, httpx.Errorf(httpx.KindMethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path))
}
