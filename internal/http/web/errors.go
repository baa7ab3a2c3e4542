package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	webfs "github.com/vectoros/vectoros/web"
)

// errorPage is the data of the friendly error pages.
type errorPage struct {
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// fail answers a request whose work failed with the page the error's kind
// calls for: sign-in for 401, the friendly 404 for anything not found
// (including another workspace's objects), the 500 page (logged) for
// failures of ours, and a page with the safe message otherwise.
func (h *Web) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.StatusFor(r, err)
	switch {
	case status == httpx.StatusClientClosedRequest:
		w.WriteHeader(status) // for the access log and metrics; the browser is gone
	case status == http.StatusUnauthorized:
		redirect(w, r, "/signin")
	case status == http.StatusNotFound:
		h.notFound(w, r)
	case status >= 500 && status != http.StatusServiceUnavailable:
		h.serverError(w, r, err)
	default:
		var de *domain.Error
		msg := "The request could not be completed."
		if errors.As(err, &de) {
			msg = de.Message
		}
		heading := map[int]string{http.StatusForbidden: "Not allowed", http.StatusConflict: "That did not work",
			http.StatusTooManyRequests: "Slow down", http.StatusServiceUnavailable: "Try again in a moment"}[status]
		if heading == "" {
			heading = "That did not work"
		}
		h.errorPage(w, r, errorPage{Status: status, Heading: heading, Message: msg})
	}
}

// safeMessage is the message of a domain error, safe to show.
func safeMessage(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return "the request could not be completed"
}

func (h *Web) notFound(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, errorPage{Status: http.StatusNotFound, Heading: "Page not found",
		Message: "There is nothing here, or it belongs to a workspace you are not a member of."})
}

func (h *Web) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, errorPage{Status: http.StatusMethodNotAllowed, Heading: "Not here",
		Message: fmt.Sprintf("%s is not allowed on this page.", r.Method)})
}

// serverError logs err once, here at the edge, and shows the 500 page with
// the request id to quote (never the error itself).
func (h *Web) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "web: request failed", "error", err)
	h.errorPage(w, r, errorPage{Status: http.StatusInternalServerError, Heading: "Something went wrong",
		Message: "Something went wrong on our side. It was logged; please try again."})
}

func (h *Web) errorPage(w http.ResponseWriter, r *http.Request, e errorPage) {
	e.RequestID = httpx.RequestID(r.Context())
	t := h.tmpl.pages["error"]
	v := view{Title: e.Heading, Data: e}
	h.fillView(r, &v)
	var b strings.Builder
	if t == nil || t.ExecuteTemplate(&b, "layout", v) != nil {
		// The error page itself failed: plain text, never a loop.
		http.Error(w, e.Heading+": "+e.Message, e.Status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	_, _ = w.Write([]byte(b.String()))
}

// recoverer turns a panic in a page into the 500 page.
func (h *Web) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.serverError(w, r, fmt.Errorf("web: panic: %v\n%s", v, debug.Stack()))
		}()
		next.ServeHTTP(w, r)
	})
}

// static serves the embedded assets. A request carrying the content hash
// (?v=, as asset() writes it) may be cached for a year.
func (h *Web) static() http.Handler {
	fsrv := http.StripPrefix("/static/", http.FileServerFS(webfs.Static()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if _, err := fs.Stat(webfs.Static(), name); err != nil || strings.HasSuffix(r.URL.Path, "/") {
			h.notFound(w, r)
			return
		}
		if v := r.URL.Query().Get("v"); v != "" && v == h.tmpl.hashes[name] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		fsrv.ServeHTTP(w, r)
	})
}
