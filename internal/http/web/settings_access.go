package web

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

func (h *Web) setRole(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	ctx := r.Context()
	m, err := h.store.GetMember(ctx, sc.ws.ID, chi.URLParam(r, "user"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	role := domain.Role(r.FormValue("role"))
	if !role.Valid() {
		h.fail(w, r, domain.Errorf(domain.KindInvalid, "Choose member, admin or owner."))
		return
	}
	if err := domain.CanSetRole(sc.role, m.Role, role); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.store.SetMemberRole(ctx, sc.ws.ID, m.UserID, role); err != nil {
		if domain.IsKind(err, domain.KindConflict) {
			h.setFlash(r, "error", "%s", sentence(safeMessage(err)))
			redirect(w, r, sc.path("/settings#members"))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "success", "%s is now %s.", m.Name, role)
	redirect(w, r, sc.path("/settings#members"))
}

// baseURL is where links the UI hands out (invitations) point.
func (h *Web) baseURL(r *http.Request) string {
	if h.public != "" {
		return strings.TrimSuffix(h.public, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *Web) createInvitation(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in, token, err := h.store.CreateInvitation(r.Context(), sc.ws.ID,
		store.NewInvitation{Email: f.Get("email"), Role: domain.Role(f.Get("role"))}, sc.actor(), sc.role)
	if err != nil {
		if !f.adopt(err, "email", "role") {
			h.fail(w, r, err)
			return
		}
		h.renderSettings(w, r, http.StatusUnprocessableEntity, settingsPage{InviteForm: f})
		return
	}
	h.renderSettings(w, r, http.StatusOK, settingsPage{NewLink: h.baseURL(r) + "/invitations/" + token, NewLinkFor: in.Email})
}

func (h *Web) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	if err := h.store.RevokeInvitation(r.Context(), sc.ws.ID, chi.URLParam(r, "id")); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "success", "Invitation revoked: its link no longer works.")
	redirect(w, r, sc.path("/settings#invitations"))
}

func (h *Web) createAPIKey(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	k, secret, err := h.store.CreateAPIKey(r.Context(), sc.ws.ID, store.NewAPIKey{Name: f.Get("name"),
		Role: domain.Role(f.Get("role"))}, sc.actor(), sc.role)
	if err != nil {
		if !f.adopt(err, "name", "role") {
			h.fail(w, r, err)
			return
		}
		h.renderSettings(w, r, http.StatusUnprocessableEntity, settingsPage{KeyForm: f})
		return
	}
	h.renderSettings(w, r, http.StatusOK, settingsPage{NewSecret: secret, NewKeyName: k.Name})
}

func (h *Web) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	k, err := h.store.RevokeAPIKey(r.Context(), sc.ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "success", "API key %s revoked.", k.Name)
	redirect(w, r, sc.path("/settings#api-keys"))
}
