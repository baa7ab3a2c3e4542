package web

import (
	"net/http"
	"sort"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// onboardingPage is the first-workspace form.
type onboardingPage struct {
	Form       *form
	Currencies []string
	TimeZones  []string
}

// commonTimeZones are offered in the time zone field's suggestions; any
// IANA name is accepted.
var commonTimeZones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
	"Europe/Istanbul", "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Hong_Kong",
	"Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo",
	"America/Mexico_City", "America/New_York", "America/Toronto", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Vancouver"}

func currencies() []string {
	list := []string{}
	for _, c := range []string{"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
		"RON", "BGN", "INR", "CNY", "HKD", "SGD", "ZAR", "BRL", "MXN", "ILS", "TRY", "AED", "SAR", "THB", "MYR", "PHP",
		"IDR", "TWD", "ARS", "CLP", "COP", "PEN", "JPY", "KRW", "ISK", "VND", "UGX", "KWD", "BHD", "JOD", "OMR", "TND"} {
		if _, ok := domain.CurrencyDecimals(c); ok {
			list = append(list, c)
		}
	}
	sort.Strings(list[1:]) // USD first, the default
	return list
}

// onboardingForm asks a new user for their first workspace. A user who
// already belongs to one is never asked: the database says so.
func (h *Web) onboardingForm(w http.ResponseWriter, r *http.Request) {
	if h.hasWorkspace(w, r) {
		return
	}
	f := newForm(nil)
	f.Set("currency", "USD")
	f.Set("time_zone", "UTC")
	h.render(w, r, http.StatusOK, "onboarding", view{Title: "Set up your workspace",
		Data: onboardingPage{Form: f, Currencies: currencies(), TimeZones: commonTimeZones}})
}

func (h *Web) onboard(w http.ResponseWriter, r *http.Request) {
	if h.hasWorkspace(w, r) {
		return
	}
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u := userOf(r)
	ws, err := h.store.CreateWorkspace(r.Context(), store.NewWorkspace{Name: f.Get("name"), Currency: f.Get("currency"),
		TimeZone: f.Get("time_zone")}, u.ID)
	if err != nil {
		if !f.adopt(err, "name", "currency", "time_zone") {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "onboarding", view{Title: "Set up your workspace",
			Data: onboardingPage{Form: f, Currencies: currencies(), TimeZones: commonTimeZones}})
		return
	}
	h.setFlash(r, "success", "%s is ready. Add your first deal: the monitor looks at every open deal every %s.",
		ws.Name, every(h.interval))
	redirect(w, r, "/w/"+ws.ID)
}

// hasWorkspace sends a user who already has a workspace home and reports
// whether it did.
func (h *Web) hasWorkspace(w http.ResponseWriter, r *http.Request) bool {
	ms, err := h.store.ListMemberships(r.Context(), userOf(r).ID)
	if err != nil {
		h.fail(w, r, err)
		return true
	}
	if len(ms) == 0 {
		return false
	}
	target, err := h.home(r, *userOf(r))
	if err != nil {
		h.fail(w, r, err)
		return true
	}
	redirect(w, r, target)
	return true
}

// invitation shows an invitation link's page: accepting joins the
// workspace (the link must be for the signed-in user's email).
func (h *Web) invitation(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "invitation", view{Title: "Join a workspace", Data: chi.URLParam(r, "token")})
}

func (h *Web) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	m, err := h.store.AcceptInvitation(r.Context(), chi.URLParam(r, "token"), *userOf(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "success", "You joined %s as %s.", m.Workspace.Name, m.Role)
	redirect(w, r, "/w/"+m.Workspace.ID)
}
