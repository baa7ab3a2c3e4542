package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

// Deal is an opportunity. Value is in major units of currency (always the
// workspace's); status follows the stage's kind.
type Deal struct {
	ID             string            `json:"id"`
	Title          string            `json:"title"`
	Value          *json.Number      `json:"value"`
	Currency       string            `json:"currency"`
	Stage          string            `json:"stage"`
	Probability    *int              `json:"probability"`
	CloseDate      *domain.Date      `json:"close_date"`
	ContactName    string            `json:"contact_name"`
	ContactEmail   string            `json:"contact_email"`
	Company        string            `json:"company"`
	OwnerID        *string           `json:"owner_id"`
	Source         string            `json:"source"`
	ExternalID     string            `json:"external_id"`
	Status         domain.DealStatus `json:"status"`
	StageEnteredAt time.Time         `json:"stage_entered_at"`
	LastActivityAt *time.Time        `json:"last_activity_at"`
	ClosedAt       *time.Time        `json:"closed_at"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

func dealView(d domain.Deal) Deal {
	return Deal{ID: d.ID, Title: d.Title, Value: moneyp(d.Value, d.Currency), Currency: d.Currency, Stage: d.Stage,
		Probability: d.Probability, CloseDate: d.CloseDate, ContactName: d.ContactName, ContactEmail: d.ContactEmail,
		Company: d.Company, OwnerID: d.OwnerID, Source: d.Source, ExternalID: d.ExternalID, Status: d.Status,
		StageEnteredAt: utc(d.StageEnteredAt), LastActivityAt: utcp(d.LastActivityAt), ClosedAt: utcp(d.ClosedAt),
		CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt)}
}

// DealInput creates a deal. Stage defaults to the first open stage,
// probability to the stage's default, currency to the workspace's (no
// other is accepted). created_at and stage_entered_at are for imports from
// other CRMs: not in the future, stage entry not before creation.
type DealInput struct {
	Title          string                      `json:"title"`
	Value          httpx.Optional[json.Number] `json:"value,omitzero"`
	Currency       string                      `json:"currency,omitempty"`
	Stage          string                      `json:"stage,omitempty"`
	Probability    httpx.Optional[int]         `json:"probability,omitzero"`
	CloseDate      httpx.Optional[domain.Date] `json:"close_date,omitzero"`
	ContactName    string                      `json:"contact_name,omitempty"`
	ContactEmail   string                      `json:"contact_email,omitempty"`
	Company        string                      `json:"company,omitempty"`
	OwnerID        httpx.Optional[string]      `json:"owner_id,omitzero"`
	Source         string                      `json:"source,omitempty"`
	ExternalID     string                      `json:"external_id,omitempty"`
	CreatedAt      httpx.Optional[time.Time]   `json:"created_at,omitzero"`
	StageEnteredAt httpx.Optional[time.Time]   `json:"stage_entered_at,omitzero"`
}

// DealPatch changes only the fields present; null clears an optional field
// (title and stage cannot be cleared).
type DealPatch struct {
	Title        httpx.Optional[string]      `json:"title,omitzero"`
	Value        httpx.Optional[json.Number] `json:"value,omitzero"`
	Stage        httpx.Optional[string]      `json:"stage,omitzero"`
	Probability  httpx.Optional[int]         `json:"probability,omitzero"`
	CloseDate    httpx.Optional[domain.Date] `json:"close_date,omitzero"`
	ContactName  httpx.Optional[string]      `json:"contact_name,omitzero"`
	ContactEmail httpx.Optional[string]      `json:"contact_email,omitzero"`
	Company      httpx.Optional[string]      `json:"company,omitzero"`
	OwnerID      httpx.Optional[string]      `json:"owner_id,omitzero"`
	Source       httpx.Optional[string]      `json:"source,omitzero"`
	ExternalID   httpx.Optional[string]      `json:"external_id,omitzero"`
}

func (a *API) dealRoutes() []route {
	return []route{
		{method: http.MethodGet, path: ws + "/deals", tag: "deals", access: memberOf, handle: a.listDeals,
			summary: "List deals, newest first unless sorted", reply: List[Deal]{}, status: http.StatusOK,
			query: []param{
				{name: "stage", desc: "only deals in this stage (key)"},
				{name: "status", desc: "only deals with this status", enum: []string{"open", "won", "lost"}},
				{name: "owner", desc: "only deals owned by this user id"},
				{name: "q", desc: "search in title, company and contact name"},
				{name: "sort", desc: "sort key, - prefix for descending", enum: sortEnum()},
				limitParam, cursorParam,
			}},
		{method: http.MethodPost, path: ws + "/deals", tag: "deals", access: memberOf, handle: a.createDeal,
			summary: "Create a deal", body: DealInput{}, reply: Deal{}, status: http.StatusCreated},
		{method: http.MethodGet, path: ws + "/deals/{id}", tag: "deals", access: memberOf, handle: a.getDeal,
			summary: "Get a deal", reply: Deal{}, status: http.StatusOK},
		{method: http.MethodPatch, path: ws + "/deals/{id}", tag: "deals", access: memberOf, handle: a.updateDeal,
			summary: "Change a deal; each changed field is recorded as an event. Moving to a won or lost stage closes it, moving back reopens it",
			body:    DealPatch{}, reply: Deal{}, status: http.StatusOK},
		{method: http.MethodDelete, path: ws + "/deals/{id}", tag: "deals", access: memberOf, handle: a.deleteDeal,
			summary: "Delete a deal with its activities, events and insights", status: http.StatusNoContent},
		{method: http.MethodGet, path: ws + "/deals/{id}/events", tag: "deals", access: memberOf, handle: a.listDealEvents,
			summary: "A deal's change log, oldest first", reply: List[DealEvent]{}, status: http.StatusOK},
	}
}

func sortEnum() []string {
	var out []string
	for _, s := range domain.DealSorts {
		out = append(out, s, "-"+s)
	}
	return out
}

// parseValue reads a money field in the workspace's currency.
func parseValue(v *domain.Validation, field string, n json.Number, currency string) *int64 {
	minor, err := domain.ParseMoney(string(n), currency)
	if err != nil {
		v.Add(field, "%s", err.Error())
		return nil
	}
	return &minor
}

func (a *API) createDeal(w http.ResponseWriter, r *http.Request) {
	var in DealInput
	if !a.decode(w, r, &in) {
		return
	}
	sc := scopeOf(r.Context())
	var v domain.Validation
	n := store.NewDeal{Title: in.Title, Currency: in.Currency, Stage: in.Stage, Probability: in.Probability.Ptr(),
		CloseDate: in.CloseDate.Ptr(), ContactName: in.ContactName, ContactEmail: in.ContactEmail, Company: in.Company,
		OwnerID: in.OwnerID.Ptr(), Source: in.Source, ExternalID: in.ExternalID,
		CreatedAt: in.CreatedAt.Ptr(), StageEnteredAt: in.StageEnteredAt.Ptr()}
	if p := in.Value.Ptr(); p != nil {
		n.Value = parseValue(&v, "value", *p, sc.ws.Currency)
	}
	if err := v.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.store.CreateDeal(r.Context(), sc.ws.ID, n, sc.actor())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusCreated, dealView(d))
}

func (a *API) getDeal(w http.ResponseWriter, r *http.Request) {
	d, err := a.store.GetDeal(r.Context(), scopeOf(r.Context()).ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, dealView(d))
}

func (a *API) listDeals(w http.ResponseWriter, r *http.Request) {
	q := query{r: r}
	f := domain.DealFilter{Stage: q.str("stage"), Status: domain.DealStatus(q.oneOf("status", "open", "won", "lost")),
		OwnerID: q.str("owner"), Query: q.str("q"), Sort: q.oneOf("sort", sortEnum()...), Limit: q.limit(), Cursor: q.str("cursor")}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	deals, next, err := a.store.ListDeals(r.Context(), scopeOf(r.Context()).ws.ID, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, list(mapAll(deals, dealView), next))
}

func (a *API) updateDeal(w http.ResponseWriter, r *http.Request) {
	var in DealPatch
	if !a.decode(w, r, &in) {
		return
	}
	sc := scopeOf(r.Context())
	var v domain.Validation
	p := domain.DealPatch{
		Title: required(&v, "title", in.Title), Stage: required(&v, "stage", in.Stage),
		ContactName: orEmpty(in.ContactName), ContactEmail: orEmpty(in.ContactEmail), Company: orEmpty(in.Company),
		Source: orEmpty(in.Source), ExternalID: orEmpty(in.ExternalID),
		Probability: nullable(in.Probability), CloseDate: nullable(in.CloseDate), OwnerID: nullable(in.OwnerID),
	}
	if in.Value.Set {
		var minor *int64
		if !in.Value.Null {
			minor = parseValue(&v, "value", in.Value.Value, sc.ws.Currency)
		}
		p.Value = &minor
	}
	if err := v.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.store.UpdateDeal(r.Context(), sc.ws.ID, chi.URLParam(r, "id"), p, sc.actor())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, dealView(d))
}

func (a *API) deleteDeal(w http.ResponseWriter, r *http.Request) {
	if err := a.store.DeleteDeal(r.Context(), scopeOf(r.Context()).ws.ID, chi.URLParam(r, "id")); err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusNoContent, nil)
}

// required maps a field that may change but not be cleared.
func required[T any](v *domain.Validation, field string, o httpx.Optional[T]) *T {
	if o.Set && o.Null {
		v.Add(field, "cannot be null")
		return nil
	}
	return o.Ptr()
}

// orEmpty maps an optional text field: null clears it to "".
func orEmpty(o httpx.Optional[string]) *string {
	if !o.Set {
		return nil
	}
	s := o.Value
	if o.Null {
		s = ""
	}
	return &s
}

// nullable maps an optional field: absent → unchanged, null → cleared.
func nullable[T any](o httpx.Optional[T]) **T {
	if !o.Set {
		return nil
	}
	p := o.Ptr()
	return &p
}
