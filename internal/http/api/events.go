package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/domain"
)

// DealEvent is one entry of a deal's change log. Values are text: a stage
// key, an amount in major units, YYYY-MM-DD, a percentage, a user id; the
// created event's new_value is a JSON object of the initial values.
type DealEvent struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	OldValue *string   `json:"old_value"`
	NewValue *string   `json:"new_value"`
	Actor    Actor     `json:"actor"`
	At       time.Time `json:"at"`
}

func eventView(e domain.DealEvent, currency string) DealEvent {
	out := DealEvent{ID: e.ID, Kind: e.Kind, OldValue: e.OldValue, NewValue: e.NewValue,
		Actor: Actor{Kind: e.Actor.Kind, ID: e.Actor.ID}, At: utc(e.At)}
	// The log stores minor units; the API speaks major units everywhere.
	major := func(s *string) *string {
		if s == nil {
			return nil
		}
		n, err := strconv.ParseInt(*s, 10, 64)
		if err != nil {
			return s
		}
		m := domain.FormatMoneyPlain(n, currency)
		return &m
	}
	switch e.Kind {
	case domain.EventValueChanged:
		out.OldValue, out.NewValue = major(e.OldValue), major(e.NewValue)
	case domain.EventCreated:
		var init map[string]any
		if e.NewValue != nil && json.Unmarshal([]byte(*e.NewValue), &init) == nil {
			if v, ok := init["value"].(string); ok {
				init["value"] = json.Number(*major(&v))
			}
			b, _ := json.Marshal(init)
			s := string(b)
			out.NewValue = &s
		}
	}
	return out
}

func (a *API) listDealEvents(w http.ResponseWriter, r *http.Request) {
	sc := scopeOf(r.Context())
	events, err := a.store.ListDealEvents(r.Context(), sc.ws.ID, chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, list(mapAll(events, func(e domain.DealEvent) DealEvent { return eventView(e, sc.ws.Currency) }), ""))
}
