package web

import (
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

func TestHistoryInWords(t *testing.T) {
	s := func(v string) *string { return &v }
	names := newHistoryNames(domain.DefaultStages(), []domain.Member{{UserID: "u1", Name: "Ann"}, {UserID: "u2", Name: "Bob"}}, "EUR")
	cases := []struct {
		e    domain.DealEvent
		want string
	}{
		{domain.DealEvent{Kind: domain.EventCreated, NewValue: s(`{"title":"T","stage":"proposal","value":"1250050","probability":"40","close_date":"2026-12-31","owner_id":"u1","currency":"EUR","status":"open"}`)},
			"Created in Proposal at €12,500.50, 40% likely, closing 31 Dec 2026, owned by Ann"},
		{domain.DealEvent{Kind: domain.EventCreated, NewValue: s(`{"title":"T","stage":"lead"}`)}, "Created in Lead"},
		{domain.DealEvent{Kind: domain.EventStageChanged, OldValue: s("proposal"), NewValue: s("negotiation")}, "Moved from Proposal to Negotiation"},
		{domain.DealEvent{Kind: domain.EventValueChanged, OldValue: nil, NewValue: s("500000")}, "Value changed from no value to €5,000"},
		{domain.DealEvent{Kind: domain.EventCloseDateChanged, OldValue: s("2026-12-01"), NewValue: s("2026-12-15")}, "Close date moved from 1 Dec 2026 to 15 Dec 2026"},
		{domain.DealEvent{Kind: domain.EventCloseDateChanged, NewValue: s("2026-12-15")}, "Close date set to 15 Dec 2026"},
		{domain.DealEvent{Kind: domain.EventCloseDateChanged, OldValue: s("2026-12-15")}, "Close date cleared (was 15 Dec 2026)"},
		{domain.DealEvent{Kind: domain.EventProbabilityChanged, OldValue: s("20"), NewValue: s("60")}, "Probability changed from 20% to 60%"},
		{domain.DealEvent{Kind: domain.EventProbabilityChanged, OldValue: s("20")}, "Probability changed from 20% to the stage default"},
		{domain.DealEvent{Kind: domain.EventOwnerChanged, OldValue: s("u1"), NewValue: s("u2")}, "Owner changed from Ann to Bob"},
		{domain.DealEvent{Kind: domain.EventOwnerChanged, NewValue: s("u2")}, "Assigned to Bob"},
		{domain.DealEvent{Kind: domain.EventOwnerChanged, OldValue: s("gone")}, "Unassigned (was a former member)"},
		{domain.DealEvent{Kind: domain.EventWon}, "Won"},
		{domain.DealEvent{Kind: domain.EventReopened, OldValue: s("lost")}, "Reopened (it was lost)"},
		{domain.DealEvent{Kind: domain.EventTitleChanged, OldValue: s("A"), NewValue: s("B")}, "Renamed from “A” to “B”"},
		{domain.DealEvent{Kind: domain.EventCompanyChanged, OldValue: s(""), NewValue: s("Initech")}, "Company changed from nothing to “Initech”"},
		{domain.DealEvent{Kind: "something_new"}, "Something new"},
	}
	for _, c := range cases {
		if got := names.describe(c.e); got != c.want {
			t.Errorf("%s: got %q, want %q", c.e.Kind, got, c.want)
		}
	}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	items := names.history([]domain.DealEvent{
		{Kind: domain.EventWon, At: at, Actor: domain.Actor{Kind: domain.ActorUser, ID: "u2"}},
		{Kind: domain.EventLost, At: at.Add(time.Hour), Actor: domain.Actor{Kind: domain.ActorAPIKey, ID: "k"}},
		{Kind: domain.EventReopened, OldValue: s("lost"), At: at.Add(2 * time.Hour), Actor: domain.SystemActor},
	})
	if len(items) != 3 || items[0].Actor != "VectorOS" || items[1].Actor != "an API key" || items[2].Actor != "Bob" || items[2].Text != "Won" {
		t.Fatalf("newest first with actors: %+v", items)
	}
}

func TestMoneyFieldParsesExactly(t *testing.T) {
	cases := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"50000", "USD", 50_000_00, true},
		{"50,000", "USD", 50_000_00, true},
		{"1,250.5", "USD", 1_250_50, true},
		{" 12 500 ", "EUR", 12_500_00, true},
		{"1,5", "EUR", 0, false},
		{"12,50", "EUR", 0, false},
		{"10.005", "USD", 0, false},
		{"1000", "JPY", 1000, true},
		{"1000.5", "JPY", 0, false},
		{"1e3", "USD", 1000_00, true},
		{"abc", "USD", 0, false},
	}
	for _, c := range cases {
		f := newForm(nil)
		f.Set("value", c.in)
		got := f.money("value", c.cur)
		if c.ok != (got != nil) || got != nil && *got != c.want {
			t.Errorf("%q %s: got %v (%q), want %d ok=%v", c.in, c.cur, got, f.Err("value"), c.want, c.ok)
		}
	}
	if got := newForm(nil).money("value", "USD"); got != nil {
		t.Errorf("empty: %v", *got)
	}
}
