package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// historyItem is one deal_events row told in words.
type historyItem struct {
	At    time.Time
	Actor string
	Text  string
}

// historyNames resolves what events refer to by key or id.
type historyNames struct {
	stages   []domain.Stage
	members  map[string]string
	currency string
}

func newHistoryNames(stages []domain.Stage, members []domain.Member, currency string) historyNames {
	n := historyNames{stages: stages, members: map[string]string{}, currency: currency}
	for _, m := range members {
		n.members[m.UserID] = m.Name
	}
	return n
}

func (n historyNames) stage(key string) string {
	if st, ok := domain.StageByKey(n.stages, key); ok {
		return st.Name
	}
	return key
}

func (n historyNames) person(id string) string {
	if name, ok := n.members[id]; ok {
		return name
	}
	return "a former member"
}

func (n historyNames) actor(a domain.Actor) string {
	switch a.Kind {
	case domain.ActorUser:
		return n.person(a.ID)
	case domain.ActorAPIKey:
		return "an API key"
	}
	return "VectorOS"
}

func (n historyNames) money(p *string) string {
	if p == nil {
		return "no value"
	}
	v, err := strconv.ParseInt(*p, 10, 64)
	if err != nil {
		return *p
	}
	return domain.FormatMoney(v, n.currency)
}

func (n historyNames) date(p *string) string {
	if p == nil {
		return "none"
	}
	d, err := domain.ParseDate(*p)
	if err != nil {
		return *p
	}
	return fmtDate(d)
}

func pctText(p *string) string {
	if p == nil {
		return "the stage default"
	}
	return *p + "%"
}

func quoted(p *string) string {
	if p == nil || *p == "" {
		return "nothing"
	}
	return "“" + *p + "”"
}

// history tells a deal's change log in words, newest first.
func (n historyNames) history(events []domain.DealEvent) []historyItem {
	out := make([]historyItem, 0, len(events))
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		out = append(out, historyItem{At: e.At, Actor: n.actor(e.Actor), Text: n.describe(e)})
	}
	return out
}

func (n historyNames) describe(e domain.DealEvent) string {
	o, v := e.OldValue, e.NewValue
	switch e.Kind {
	case domain.EventCreated:
		return n.created(v)
	case domain.EventStageChanged:
		return fmt.Sprintf("Moved from %s to %s", n.stage(deref(o)), n.stage(deref(v)))
	case domain.EventValueChanged:
		return fmt.Sprintf("Value changed from %s to %s", n.money(o), n.money(v))
	case domain.EventCloseDateChanged:
		switch {
		case o == nil:
			return "Close date set to " + n.date(v)
		case v == nil:
			return "Close date cleared (was " + n.date(o) + ")"
		}
		return fmt.Sprintf("Close date moved from %s to %s", n.date(o), n.date(v))
	case domain.EventProbabilityChanged:
		return fmt.Sprintf("Probability changed from %s to %s", pctText(o), pctText(v))
	case domain.EventOwnerChanged:
		switch {
		case v == nil:
			return "Unassigned (was " + n.person(deref(o)) + ")"
		case o == nil:
			return "Assigned to " + n.person(*v)
		}
		return fmt.Sprintf("Owner changed from %s to %s", n.person(*o), n.person(*v))
	case domain.EventWon:
		return "Won"
	case domain.EventLost:
		return "Lost"
	case domain.EventReopened:
		return "Reopened (it was " + deref(o) + ")"
	case domain.EventTitleChanged:
		return fmt.Sprintf("Renamed from %s to %s", quoted(o), quoted(v))
	case domain.EventContactNameChanged:
		return fmt.Sprintf("Contact changed from %s to %s", quoted(o), quoted(v))
	case domain.EventContactEmailChanged:
		return fmt.Sprintf("Contact email changed from %s to %s", quoted(o), quoted(v))
	case domain.EventCompanyChanged:
		return fmt.Sprintf("Company changed from %s to %s", quoted(o), quoted(v))
	case domain.EventSourceChanged:
		return fmt.Sprintf("Source changed from %s to %s", quoted(o), quoted(v))
	case domain.EventExternalIDChanged:
		return fmt.Sprintf("External id changed from %s to %s", quoted(o), quoted(v))
	}
	return titleCase(e.Kind)
}

// created describes the created event's initial values.
func (n historyNames) created(v *string) string {
	var init map[string]string
	if v == nil || json.Unmarshal([]byte(*v), &init) != nil {
		return "Created"
	}
	s := "Created in " + n.stage(init["stage"])
	if val, ok := init["value"]; ok {
		s += " at " + n.money(&val)
	}
	if p, ok := init["probability"]; ok {
		s += ", " + p + "% likely"
	}
	if d, ok := init["close_date"]; ok {
		s += ", closing " + n.date(&d)
	}
	if o, ok := init["owner_id"]; ok {
		s += ", owned by " + n.person(o)
	}
	return s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
