package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// dealFormPage is the create and edit form.
type dealFormPage struct {
	Form     *form
	Deal     *domain.Deal // nil when creating
	Action   string
	Stages   []domain.Stage
	Members  []domain.Member
	Currency string
}

// dealFields are the form's fields, named as the store names them, so a
// store validation error lands next to its field.
var dealFields = []string{"title", "value", "stage", "probability", "close_date", "contact_name", "contact_email",
	"company", "owner_id", "source"}

func (h *Web) newDealForm(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	f := newForm(nil)
	f.Set("owner_id", sc.user.ID)
	if st := r.URL.Query().Get("stage"); st != "" {
		f.Set("stage", st)
	}
	h.renderDealForm(w, r, http.StatusOK, sc, f, nil)
}

func (h *Web) renderDealForm(w http.ResponseWriter, r *http.Request, status int, sc scope, f *form, d *domain.Deal) {
	stages, members, err := h.workspaceLists(r, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := dealFormPage{Form: f, Deal: d, Action: sc.path("/deals"), Stages: stages, Members: members, Currency: sc.ws.Currency}
	title := "New deal"
	if d != nil {
		page.Action, title = sc.path("/deals/"+d.ID), "Edit "+d.Title
	}
	h.render(w, r, status, "deal_form", view{Title: title, Nav: "deals", Data: page})
}

// parsedDeal is what the form says, parsed; nil pointers are empty fields.
type parsedDeal struct {
	title, stage, contactName, contactEmail, company, source string
	value                                                    *int64
	probability                                              *int
	closeDate                                                *domain.Date
	owner                                                    *string
}

// parseDeal reads the form, recording parse problems (a value that is not
// an amount in the workspace currency, a probability outside 0–100, a bad
// date) next to their fields. The close date is optional.
func parseDeal(f *form, currency string) parsedDeal {
	p := parsedDeal{title: f.Get("title"), stage: f.Get("stage"), contactName: f.Get("contact_name"),
		contactEmail: f.Get("contact_email"), company: f.Get("company"), source: f.Get("source")}
	f.required("title")
	p.value = f.money("value", currency)
	p.probability = f.percent("probability")
	p.closeDate = f.date("close_date")
	if o := f.Get("owner_id"); o != "" {
		p.owner = &o
	}
	return p
}

func (h *Web) createDeal(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := parseDeal(f, sc.ws.Currency)
	if !f.OK() {
		h.renderDealForm(w, r, http.StatusUnprocessableEntity, sc, f, nil)
		return
	}
	d, err := h.store.CreateDeal(r.Context(), sc.ws.ID, store.NewDeal{Title: p.title, Value: p.value, Stage: p.stage,
		Probability: p.probability, CloseDate: p.closeDate, ContactName: p.contactName, ContactEmail: p.contactEmail,
		Company: p.company, OwnerID: p.owner, Source: p.source}, sc.actor())
	if err != nil {
		if !f.adopt(err, dealFields...) {
			h.fail(w, r, err)
			return
		}
		h.renderDealForm(w, r, http.StatusUnprocessableEntity, sc, f, nil)
		return
	}
	h.setFlash(r, "success", "Deal “%s” created.", d.Title)
	redirect(w, r, sc.path("/deals/"+d.ID))
}

// dealValues fills a form from a deal, as the edit form shows it.
func dealValues(d domain.Deal) *form {
	f := newForm(nil)
	f.Set("title", d.Title)
	if d.Value != nil {
		f.Set("value", domain.FormatMoneyPlain(*d.Value, d.Currency))
	}
	f.Set("stage", d.Stage)
	if d.Probability != nil {
		f.Set("probability", strconv.Itoa(*d.Probability))
	}
	if d.CloseDate != nil {
		f.Set("close_date", d.CloseDate.String())
	}
	f.Set("contact_name", d.ContactName)
	f.Set("contact_email", d.ContactEmail)
	f.Set("company", d.Company)
	if d.OwnerID != nil {
		f.Set("owner_id", *d.OwnerID)
	}
	f.Set("source", d.Source)
	return f
}

func (h *Web) editDealForm(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	d, err := h.store.GetDeal(r.Context(), sc.ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderDealForm(w, r, http.StatusOK, sc, dealValues(d), &d)
}

// updateDeal saves the edit form. Only fields that differ from the deal
// are patched, so the change history records exactly what the user
// changed (and moving to a closing stage without touching the probability
// lets the stage set it).
func (h *Web) updateDeal(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	ctx := r.Context()
	d, err := h.store.GetDeal(ctx, sc.ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := parseDeal(f, sc.ws.Currency)
	if !f.OK() {
		h.renderDealForm(w, r, http.StatusUnprocessableEntity, sc, f, &d)
		return
	}
	var patch domain.DealPatch
	str := func(dst **string, old, now string) {
		if old != now {
			*dst = &now
		}
	}
	str(&patch.Title, d.Title, p.title)
	str(&patch.Stage, d.Stage, p.stage)
	str(&patch.ContactName, d.ContactName, p.contactName)
	str(&patch.ContactEmail, d.ContactEmail, p.contactEmail)
	str(&patch.Company, d.Company, p.company)
	str(&patch.Source, d.Source, p.source)
	if !sameInt64(d.Value, p.value) {
		patch.Value = &p.value
	}
	if !sameInt(d.Probability, p.probability) {
		patch.Probability = &p.probability
	}
	if !sameDate(d.CloseDate, p.closeDate) {
		patch.CloseDate = &p.closeDate
	}
	if !sameString(d.OwnerID, p.owner) {
		patch.OwnerID = &p.owner
	}
	if _, err := h.store.UpdateDeal(ctx, sc.ws.ID, d.ID, patch, sc.actor()); err != nil {
		if !f.adopt(err, dealFields...) {
			h.fail(w, r, err)
			return
		}
		h.renderDealForm(w, r, http.StatusUnprocessableEntity, sc, f, &d)
		return
	}
	h.setFlash(r, "success", "Deal saved.")
	redirect(w, r, sc.path("/deals/"+d.ID))
}

func sameInt64(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
func sameInt(a, b *int) bool     { return a == nil && b == nil || a != nil && b != nil && *a == *b }
func sameString(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
func sameDate(a, b *domain.Date) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
