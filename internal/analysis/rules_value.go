package analysis

import (
	"fmt"

	"github.com/vectoros/vectoros/internal/domain"
)

// Thresholds of value_dropped, in percent of the value at stage entry.
const (
	valueDropMedium = 80
	valueDropHigh   = 60
)

// evalValueDropped: value ≤ 80% of the value at stage entry; high at ≤ 60%.
func evalValueDropped(e *env, f *facts) *result {
	if !f.hasValue {
		return nil
	}
	entry, ok := valueAtStageEntry(f)
	if !ok || entry <= 0 {
		return nil
	}
	v := f.value
	if v*100 > valueDropMedium*entry {
		return nil
	}
	prio := domain.PriorityMedium
	if v*100 <= valueDropHigh*entry {
		prio = domain.PriorityHigh
	}
	// Rounded up, the percentage is ≤ a whole threshold exactly when the
	// exact one is, so the evidence agrees with the band.
	pct := int((v*100 + entry - 1) / entry)
	ev := []domain.Evidence{
		money("value", e.money(v)), money("value_at_stage_entry", e.money(entry)),
		percent("value_percent_of_entry", pct), percent("value_drop_percent", 100-pct),
		percent("threshold_percent", valueDropMedium), percent("high_threshold_percent", valueDropHigh),
	}
	from, to, stage := domain.FormatMoney(entry, e.currency), domain.FormatMoney(v, e.currency), "this stage"
	if f.hasStage {
		stage = f.stage.Name
	}
	return &result{
		priority: prio, confidence: .9, evidence: ev,
		actions: func(p domain.Priority) []domain.Action {
			a := []domain.Action{
				{Kind: domain.ActionContactBuyer, Title: fmt.Sprintf("Find out why the deal shrank from %s to %s since it entered %s: scope, budget or a competitor?", from, to, stage), DueInDays: due(p, 1, 2, 3)},
				{Kind: domain.ActionScheduleActivity, Title: "Book a session with the buyer to rebuild the value case before more comes off", DueInDays: due(p, 2, 3, 5)},
			}
			if p.Rank() >= domain.PriorityHigh.Rank() {
				a = append(a, domain.Action{Kind: domain.ActionEscalate,
					Title: "Agree the walk-away price with your manager before you concede anything else", DueInDays: due(p, 1, 2, 3)})
			}
			return a
		},
	}
}
