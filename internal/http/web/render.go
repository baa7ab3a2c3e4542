package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	webfs "github.com/vectoros/vectoros/web"
)

// templates holds one parsed template set per page (the layout and
// partials cloned, plus the page's file) and the static assets' hashes.
type templates struct {
	pages  map[string]*template.Template
	hashes map[string]string
}

func loadTemplates() (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}, hashes: map[string]string{}}
	static := webfs.Static()
	err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		t.hashes[p] = hex.EncodeToString(sum[:])[:10]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash static assets: %w", err)
	}
	tfs := webfs.Templates()
	base, err := template.New("layout.html").Funcs(funcs(t)).ParseFS(tfs, "layout.html", "partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(tfs, "pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(tfs, n); err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		t.pages[strings.TrimSuffix(path.Base(n), ".html")] = c
	}
	return t, nil
}

// asset is a static file's URL with its content hash, so it can be cached
// for a year and still change with each release.
func (t *templates) asset(name string) string {
	return "/static/" + name + "?v=" + t.hashes[name]
}

// view is what every page template gets: the page's own data in Data and
// what the layout needs around it.
type view struct {
	Title string
	// Nav names the active navigation entry.
	Nav        string
	User       *domain.User
	WS         *domain.Workspace
	Role       domain.Role
	Workspaces []domain.Membership
	Flash      *flash
	// Loc is the workspace's time zone (UTC outside a workspace); Today is
	// the date there.
	Loc   *time.Location
	Today domain.Date
	Data  any
}

// IsAdmin reports whether the viewer may change the workspace's settings.
func (v view) IsAdmin() bool { return v.Role.AtLeast(domain.RoleAdmin) }

// WSPath is the path of a page within the current workspace.
func (v view) WSPath(p string) string {
	if v.WS == nil {
		return p
	}
	return "/w/" + v.WS.ID + p
}

// flash is a one-time message shown on the next page.
type flash struct {
	Kind    string // success | error | info
	Message string
}

const (
	sessFlash     = "flash"
	sessFlashKind = "flash_kind"
)

// setFlash queues a message for the next page the user sees.
func (h *Web) setFlash(r *http.Request, kind, format string, args ...any) {
	h.sessions.Put(r.Context(), sessFlash, fmt.Sprintf(format, args...))
	h.sessions.Put(r.Context(), sessFlashKind, kind)
}

func (h *Web) popFlash(r *http.Request) *flash {
	msg := h.sessions.PopString(r.Context(), sessFlash)
	kind := h.sessions.PopString(r.Context(), sessFlashKind)
	if msg == "" {
		return nil
	}
	return &flash{Kind: kind, Message: msg}
}

// render writes a page. It renders into a buffer first, so a template
// error becomes the 500 page rather than half a page.
func (h *Web) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t, ok := h.tmpl.pages[page]
	if !ok {
		h.serverError(w, r, fmt.Errorf("web: no page template %q", page))
		return
	}
	h.fillView(r, &v)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		h.serverError(w, r, fmt.Errorf("web: render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// fillView adds what the layout shows around every page: the user, the
// workspace and its switcher, the flash message, the time zone.
func (h *Web) fillView(r *http.Request, v *view) {
	ctx := r.Context()
	if v.User == nil {
		v.User = userOf(r)
	}
	if sc, ok := scopeOf(ctx); ok && v.WS == nil {
		v.WS, v.Role = &sc.ws, sc.role
	}
	if v.User != nil && v.WS != nil && v.Workspaces == nil {
		ms, err := h.store.ListMemberships(ctx, v.User.ID)
		if err != nil {
			h.log.WarnContext(ctx, "web: list memberships for the switcher", "error", err)
		}
		v.Workspaces = ms
	}
	if v.Flash == nil && h.sessions != nil {
		v.Flash = h.popFlash(r)
	}
	v.Loc = time.UTC
	if v.WS != nil {
		v.Loc = v.WS.Location()
	}
	v.Today = domain.DateOf(h.now().In(v.Loc))
}

// redirect answers a form post: see the result at url (303, so a reload
// does not post again).
func redirect(w http.ResponseWriter, r *http.Request, url string) {
	http.Redirect(w, r, url, http.StatusSeeOther)
}
