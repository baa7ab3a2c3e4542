package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

func (h *Web) dealRoutes(r chi.Router) {
	r.Get("/deals", h.dealList)
	r.Get("/deals/board", h.dealBoard)
	r.Get("/deals/new", h.newDealForm)
	r.Post("/deals", h.createDeal)
	r.Get("/deals/{id}", h.dealPage)
	r.Get("/deals/{id}/edit", h.editDealForm)
	r.Post("/deals/{id}", h.updateDeal)
	r.Post("/deals/{id}/stage", h.moveDeal)
	r.Post("/deals/{id}/activities", h.addActivity)
	r.Post("/deals/{id}/activities/{aid}/complete", h.completeActivity)
}

// dealPageSize is the deals table's page length.
const dealPageSize = 25

// dealQuery is the deals table's state, all in the URL: filters, sort and
// the keyset cursor of the page.
type dealQuery struct {
	Q, Stage, Status, Owner, Sort, Cursor string
	base                                  string
}

func parseDealQuery(r *http.Request, base string) dealQuery {
	v := r.URL.Query()
	q := dealQuery{Q: strings.TrimSpace(v.Get("q")), Stage: v.Get("stage"), Status: v.Get("status"),
		Owner: v.Get("owner"), Sort: v.Get("sort"), Cursor: v.Get("cursor"), base: base}
	if q.Sort != "" && !store.ValidDealSort(q.Sort) {
		q.Sort = ""
	}
	switch domain.DealStatus(q.Status) {
	case "", domain.DealOpen, domain.DealWon, domain.DealLost:
	default:
		q.Status = ""
	}
	return q
}

// URL is the table's address with one parameter changed (and the cursor
// reset, unless it is the one changed).
func (q dealQuery) URL(key, value string) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", q.Q)
	set("stage", q.Stage)
	set("status", q.Status)
	set("owner", q.Owner)
	set("sort", q.Sort)
	v.Del(key)
	set(key, value)
	if enc := v.Encode(); enc != "" {
		return q.base + "?" + enc
	}
	return q.base
}

// SortURL toggles a column's sort: first its natural direction (largest
// and newest first for amounts and times, A to Z and soonest first
// otherwise), then the other way.
func (q dealQuery) SortURL(key string) string {
	first, second := key, "-"+key
	if key == "created_at" || key == "updated_at" || key == "value" || key == "probability" {
		first, second = second, first
	}
	cur := q.Sort
	if cur == "" {
		cur = "-created_at"
	}
	if cur == first {
		return q.URL("sort", second)
	}
	return q.URL("sort", first)
}

// SortState is the aria-sort value of a column header.
func (q dealQuery) SortState(key string) string {
	switch q.Sort {
	case key:
		return "ascending"
	case "-" + key:
		return "descending"
	}
	if q.Sort == "" && key == "created_at" {
		return "descending"
	}
	return "none"
}

// Filtered reports whether any filter is set (for the empty state).
func (q dealQuery) Filtered() bool {
	return q.Q != "" || q.Stage != "" || q.Status != "" || q.Owner != ""
}

// dealRow is a deal as lists and the board show it.
type dealRow struct {
	domain.Deal
	StageName string
	OwnerName string
	URL       string
	Overdue   bool
}

type dealListPage struct {
	Query    dealQuery
	Rows     []dealRow
	NextURL  string
	FirstURL string
	Stages   []domain.Stage
	Members  []domain.Member
	Sorts    []sortOption
}

type sortOption struct{ Value, Label string }

var sortOptions = []sortOption{{"", "Newest first"}, {"created_at", "Oldest first"}, {"-updated_at", "Recently updated"},
	{"-value", "Value: high to low"}, {"value", "Value: low to high"}, {"close_date", "Close date: soonest"},
	{"-probability", "Probability: high to low"}, {"title", "Title: A to Z"}}

// workspaceLists loads the stages and members that forms and tables use.
func (h *Web) workspaceLists(r *http.Request, sc scope) ([]domain.Stage, []domain.Member, error) {
	stages, err := h.store.ListStages(r.Context(), sc.ws.ID)
	if err != nil {
		return nil, nil, err
	}
	members, err := h.store.ListMembers(r.Context(), sc.ws.ID)
	return stages, members, err
}

func (h *Web) rows(sc scope, today domain.Date, deals []domain.Deal, stages []domain.Stage, members []domain.Member) []dealRow {
	names := map[string]string{}
	for _, m := range members {
		names[m.UserID] = m.Name
	}
	out := make([]dealRow, len(deals))
	for i, d := range deals {
		row := dealRow{Deal: d, StageName: d.Stage, URL: sc.path("/deals/" + d.ID)}
		if st, ok := domain.StageByKey(stages, d.Stage); ok {
			row.StageName = st.Name
		}
		if d.OwnerID != nil {
			row.OwnerName = names[*d.OwnerID]
		}
		row.Overdue = d.Status == domain.DealOpen && d.CloseDate != nil && d.CloseDate.Before(today)
		out[i] = row
	}
	return out
}

func (h *Web) dealList(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	q := parseDealQuery(r, sc.path("/deals"))
	stages, members, err := h.workspaceLists(r, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	deals, next, err := h.store.ListDeals(r.Context(), sc.ws.ID, domain.DealFilter{Stage: q.Stage,
		Status: domain.DealStatus(q.Status), OwnerID: q.Owner, Query: q.Q, Sort: q.Sort, Limit: dealPageSize, Cursor: q.Cursor})
	if domain.IsKind(err, domain.KindInvalid) && q.Cursor != "" {
		redirect(w, r, q.URL("cursor", "")) // a stale cursor (the sort changed): start over
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	today := domain.DateOf(h.now().In(sc.ws.Location()))
	page := dealListPage{Query: q, Rows: h.rows(sc, today, deals, stages, members), Stages: stages, Members: members,
		Sorts: sortOptions}
	if next != "" {
		page.NextURL = q.URL("cursor", next)
	}
	if q.Cursor != "" {
		page.FirstURL = q.URL("cursor", "")
	}
	h.render(w, r, http.StatusOK, "deals", view{Title: "Deals", Nav: "deals", Data: page})
}

// boardColumn is one stage of the board.
type boardColumn struct {
	Stage   domain.Stage
	Count   int
	Value   int64
	Cards   []dealRow
	More    int
	MoreURL string
}

type boardPage struct {
	Columns  []boardColumn
	Stages   []domain.Stage
	Currency string
	Return   string
}

// Board columns show at most this many cards (closed stages fewer: only
// the most recent matter there); the table has the rest.
const (
	boardOpenCards   = 20
	boardClosedCards = 5
)

func (h *Web) dealBoard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := mustScope(r)
	stages, members, err := h.workspaceLists(r, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.store.Pipeline(ctx, sc.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	counts := map[string]store.PipelineStage{}
	for _, ps := range p.Stages {
		counts[ps.Key] = ps
	}
	today := domain.DateOf(h.now().In(sc.ws.Location()))
	page := boardPage{Stages: stages, Currency: sc.ws.Currency, Return: sc.path("/deals/board")}
	for _, st := range stages {
		limit, sort := boardOpenCards, "close_date"
		if st.Kind != domain.StageOpen {
			limit, sort = boardClosedCards, "-updated_at"
		}
		deals, _, err := h.store.ListDeals(ctx, sc.ws.ID, domain.DealFilter{Stage: st.Key, Sort: sort, Limit: limit})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		col := boardColumn{Stage: st, Count: counts[st.Key].Count, Value: counts[st.Key].Value,
			Cards: h.rows(sc, today, deals, stages, members)}
		if col.More = col.Count - len(deals); col.More > 0 {
			col.MoreURL = sc.path("/deals?stage=" + url.QueryEscape(st.Key))
		}
		page.Columns = append(page.Columns, col)
	}
	h.render(w, r, http.StatusOK, "board", view{Title: "Board", Nav: "board", Data: page})
}

// moveDeal moves a deal to another stage (the board's and the deal page's
// form; drag-and-drop submits the same form).
func (h *Web) moveDeal(w http.ResponseWriter, r *http.Request) {
	sc := mustScope(r)
	f, err := parseForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	back := httpx.LocalPath(f.Get("return"), "")
	if !strings.HasPrefix(back, sc.path("/")) {
		back = sc.path("/deals/" + id)
	}
	stages, err := h.store.ListStages(r.Context(), sc.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	stage := f.Get("stage")
	d, err := h.store.UpdateDeal(r.Context(), sc.ws.ID, id, domain.DealPatch{Stage: &stage}, sc.actor())
	switch {
	case domain.IsKind(err, domain.KindInvalid):
		h.setFlash(r, "error", "The deal was not moved. %s", fieldMessages(err))
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		name := stage
		if st, ok := domain.StageByKey(stages, stage); ok {
			name = st.Name
		}
		h.setFlash(r, "success", "“%s” moved to %s.", d.Title, name)
	}
	redirect(w, r, back)
}

// fieldMessages joins a validation error's messages for a flash.
func fieldMessages(err error) string {
	f := newForm(nil)
	if f.adopt(err, "-") && f.Message != "" {
		return f.Message
	}
	return sentence(safeMessage(err))
}
