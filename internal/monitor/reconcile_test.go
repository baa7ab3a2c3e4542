package monitor

import (
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

func TestReconcileRules(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	ev := func(idle float64) []domain.Evidence {
		return []domain.Evidence{{Name: "idle_days", Value: idle, Unit: "days"}}
	}
	finding := func(p domain.Priority, idle float64) domain.Finding {
		return domain.Finding{Rule: "stale", DealID: "d1", Type: domain.InsightRisk, Priority: p, Evidence: ev(idle)}
	}
	state := func(status domain.InsightStatus, p, maxNotified domain.Priority, idle float64) store.InsightState {
		return store.InsightState{ID: "i1", DealID: "d1", Rule: "stale", Fingerprint: "stale:d1", Priority: p,
			MaxPriorityNotified: maxNotified.Rank(), Status: status, EvidenceJSON: domain.EvidenceJSON(ev(idle))}
	}
	snoozed := func(until time.Time, p domain.Priority) store.InsightState {
		st := state(domain.StatusSnoozed, p, p, 10)
		st.SnoozedUntil = &until
		return st
	}
	const (
		low, medium, high, critical = domain.PriorityLow, domain.PriorityMedium, domain.PriorityHigh, domain.PriorityCritical
	)
	type want struct {
		none      bool
		create    bool
		resolve   bool
		status    domain.InsightStatus
		maxRank   domain.Priority
		content   bool
		escalated bool
	}
	cases := []struct {
		name     string
		findings []domain.Finding
		open     []store.InsightState
		want     want
	}{
		{"a new finding creates an insight", []domain.Finding{finding(high, 10)}, nil,
			want{create: true, status: domain.StatusNew, maxRank: high, content: true}},
		{"unchanged: nothing is written", []domain.Finding{finding(medium, 10)}, []store.InsightState{state(domain.StatusNew, medium, medium, 10)},
			want{none: true}},
		{"unchanged while dismissed: nothing", []domain.Finding{finding(medium, 10)}, []store.InsightState{state(domain.StatusDismissed, medium, medium, 10)},
			want{none: true}},
		{"evidence changed: content only, viewed kept", []domain.Finding{finding(medium, 11)}, []store.InsightState{state(domain.StatusViewed, medium, medium, 10)},
			want{status: domain.StatusViewed, maxRank: medium, content: true}},
		{"evidence changed: actioned kept", []domain.Finding{finding(medium, 11)}, []store.InsightState{state(domain.StatusActioned, medium, medium, 10)},
			want{status: domain.StatusActioned, maxRank: medium, content: true}},
		{"evidence changed: dismissed kept", []domain.Finding{finding(medium, 11)}, []store.InsightState{state(domain.StatusDismissed, medium, medium, 10)},
			want{status: domain.StatusDismissed, maxRank: medium, content: true}},
		{"evidence changed: snoozed kept while the snooze runs", []domain.Finding{finding(medium, 11)}, []store.InsightState{snoozed(now.Add(time.Hour), medium)},
			want{status: domain.StatusSnoozed, maxRank: medium, content: true}},
		{"priority down: content only, max kept", []domain.Finding{finding(medium, 10)}, []store.InsightState{state(domain.StatusDismissed, high, high, 10)},
			want{status: domain.StatusDismissed, maxRank: high, content: true}},
		{"priority back up to what was notified: no new alert", []domain.Finding{finding(high, 10)}, []store.InsightState{state(domain.StatusDismissed, medium, high, 10)},
			want{status: domain.StatusDismissed, maxRank: high, content: true}},
		{"priority above max notified: new again from viewed", []domain.Finding{finding(high, 10)}, []store.InsightState{state(domain.StatusViewed, medium, medium, 10)},
			want{status: domain.StatusNew, maxRank: high, content: true, escalated: true}},
		{"priority above max notified: new again from dismissed", []domain.Finding{finding(critical, 10)}, []store.InsightState{state(domain.StatusDismissed, high, high, 10)},
			want{status: domain.StatusNew, maxRank: critical, content: true, escalated: true}},
		{"priority above max notified: new again from snoozed", []domain.Finding{finding(critical, 10)}, []store.InsightState{snoozed(now.Add(time.Hour), high)},
			want{status: domain.StatusNew, maxRank: critical, content: true, escalated: true}},
		{"priority above max while new: escalated, still new", []domain.Finding{finding(high, 10)}, []store.InsightState{state(domain.StatusNew, low, low, 10)},
			want{status: domain.StatusNew, maxRank: high, content: true, escalated: true}},
		{"snooze passed: new again, content untouched", []domain.Finding{finding(medium, 10)}, []store.InsightState{snoozed(now, medium)},
			want{status: domain.StatusNew, maxRank: medium}},
		{"snooze not passed: nothing", []domain.Finding{finding(medium, 10)}, []store.InsightState{snoozed(now.Add(time.Second), medium)},
			want{none: true}},
		{"rule stopped firing: resolved from new", nil, []store.InsightState{state(domain.StatusNew, medium, medium, 10)},
			want{resolve: true, status: domain.StatusResolved}},
		{"rule stopped firing: resolved from dismissed", nil, []store.InsightState{state(domain.StatusDismissed, medium, medium, 10)},
			want{resolve: true, status: domain.StatusResolved}},
		{"rule stopped firing: resolved from snoozed", nil, []store.InsightState{snoozed(now.Add(time.Hour), medium)},
			want{resolve: true, status: domain.StatusResolved}},
		{"rule stopped firing: resolved from actioned", nil, []store.InsightState{state(domain.StatusActioned, medium, medium, 10)},
			want{resolve: true, status: domain.StatusResolved}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := reconcile(tc.findings, tc.open, now)
			if tc.want.none {
				if !p.empty() {
					t.Fatalf("want no change, got %+v", p.changes)
				}
				return
			}
			cs := p.changes["d1"]
			if len(cs) != 1 {
				t.Fatalf("want one change, got %+v", p.changes)
			}
			c := cs[0]
			got := want{create: c.create(), resolve: c.resolve(), status: c.status, content: c.content, escalated: c.escalated}
			if !c.resolve() {
				got.maxRank = domain.PriorityFromRank(c.maxRank)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if !c.create() && c.state.Status != tc.open[0].Status {
				t.Fatal("the change must carry the status it was decided on")
			}
		})
	}
}

func TestReconcileGroupsAndBatchesByDeal(t *testing.T) {
	var findings []domain.Finding
	for _, d := range []string{"d3", "d1", "d2", "d1"} {
		rule := "stale"
		if len(findings) == 3 {
			rule = "overdue"
		}
		findings = append(findings, domain.Finding{Rule: rule, DealID: d, Priority: domain.PriorityMedium})
	}
	// A duplicate finding (same rule and deal) is written once.
	findings = append(findings, domain.Finding{Rule: "stale", DealID: "d2", Priority: domain.PriorityHigh})
	open := []store.InsightState{{ID: "x", DealID: "d9", Rule: "stale", Fingerprint: "stale:d9", Status: domain.StatusNew}}
	p := reconcile(findings, open, time.Now())
	if got := p.deals; len(got) != 4 || got[0] != "d1" || got[3] != "d9" {
		t.Fatalf("deals %v", got)
	}
	if len(p.changes["d1"]) != 2 || len(p.changes["d2"]) != 1 || !p.changes["d9"][0].resolve() {
		t.Fatalf("changes %+v", p.changes)
	}
	b := p.batches(3)
	if len(b) != 2 || len(b[0]) != 3 || len(b[1]) != 1 {
		t.Fatalf("batches %v", b)
	}
}
