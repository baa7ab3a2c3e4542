package web

import (
	"net/http"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
)

// authPage is the data of the sign-in and sign-up pages.
type authPage struct {
	Form *form
	Next string
	// SignedOut says the user just signed out.
	SignedOut bool
}

// landing is the front page for visitors; a signed-in user goes to their
// workspace, or to onboarding when they have none yet.
func (h *Web) landing(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		h.notFound(w, r)
		return
	}
	if u := userOf(r); u != nil {
		target, err := h.home(r, *u)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		redirect(w, r, target)
		return
	}
	h.render(w, r, http.StatusOK, "landing", view{Title: "Revenue intelligence for B2B sales teams", Data: every(h.interval)})
}

// home is where a signed-in user starts: the workspace they used last, else
// their first, else onboarding. Whether they have a workspace is read from
// the database every time, never remembered by the browser.
func (h *Web) home(r *http.Request, u domain.User) (string, error) {
	ms, err := h.store.ListMemberships(r.Context(), u.ID)
	if err != nil {
		return "", err
	}
	if len(ms) == 0 {
		return "/onboarding", nil
	}
	last := h.sessions.GetString(r.Context(), sessLastWorkspace)
	for _, m := range ms {
		if m.Workspace.ID == last {
			return "/w/" + last, nil
		}
	}
	return "/w/" + ms[0].Workspace.ID, nil
}

func (h *Web) signUpForm(w http.ResponseWriter, r *http.Request) {
	if userOf(r) != nil {
		redirect(w, r, "/")
		return
	}
	h.render(w, r, http.StatusOK, "signup", view{Title: "Create your account",
		Data: authPage{Form: newForm(nil), Next: httpx.LocalPath(r.URL.Query().Get("next"), "")}})
}

func (h *Web) signUp(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	next := httpx.LocalPath(f.Get("next"), "")
	if f.Get("password") != f.Values.Get("password_confirm") {
		f.Fail("password_confirm", "does not match the password")
	}
	var u domain.User
	if f.OK() {
		u, err = h.auth.SignUp(ctx, f.Get("email"), f.Get("name"), f.Values.Get("password"))
		switch {
		case domain.IsKind(err, domain.KindConflict):
			f.Fail("email", "already has an account: sign in instead")
		case err != nil && !f.adopt(err, "email", "name", "password"):
			h.fail(w, r, err)
			return
		}
	}
	if !f.OK() {
		f.Values.Del("password")
		f.Values.Del("password_confirm")
		h.render(w, r, http.StatusUnprocessableEntity, "signup", view{Title: "Create your account", Data: authPage{Form: f, Next: next}})
		return
	}
	if err := h.auth.StartSession(ctx, u); err != nil {
		h.fail(w, r, err)
		return
	}
	// Someone who came with an invitation link goes back to it; everyone
	// else sets up a workspace.
	if strings.HasPrefix(next, "/invitations/") {
		h.setFlash(r, "success", "Welcome to VectorOS, %s.", u.Name)
		redirect(w, r, next)
		return
	}
	h.setFlash(r, "success", "Welcome to VectorOS, %s. Set up your workspace to start.", u.Name)
	redirect(w, r, "/onboarding")
}

func (h *Web) signInForm(w http.ResponseWriter, r *http.Request) {
	next := httpx.LocalPath(r.URL.Query().Get("next"), "")
	if userOf(r) != nil {
		redirect(w, r, httpx.LocalPath(next, "/"))
		return
	}
	h.render(w, r, http.StatusOK, "signin", view{Title: "Sign in",
		Data: authPage{Form: newForm(nil), Next: next, SignedOut: r.URL.Query().Get("signed_out") == "1"}})
}

func (h *Web) signIn(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	next := httpx.LocalPath(f.Get("next"), "")
	u, err := h.auth.SignIn(r.Context(), f.Get("email"), f.Values.Get("password"))
	if err != nil {
		switch domain.KindOf(err) {
		case domain.KindUnauthorized, domain.KindTooMany:
			f.Message = sentence(safeMessage(err))
		default:
			h.fail(w, r, err)
			return
		}
		f.Values.Del("password")
		h.render(w, r, http.StatusUnprocessableEntity, "signin", view{Title: "Sign in", Data: authPage{Form: f, Next: next}})
		return
	}
	if next == "" {
		if next, err = h.home(r, u); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	redirect(w, r, next)
}

// signOut ends the session (its row is deleted: the cookie is worthless
// afterwards, even if replayed).
func (h *Web) signOut(w http.ResponseWriter, r *http.Request) {
	if err := h.auth.SignOut(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/signin?signed_out=1")
}
