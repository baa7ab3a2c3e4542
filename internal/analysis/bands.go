package analysis

import (
	"math"
	"slices"

	"github.com/vectoros/vectoros/internal/domain"
)

// rule is one row of design §4's rule table.
type rule struct {
	name string
	typ  domain.InsightType
	// raise: on a high-value deal the priority goes up one band (every
	// risk rule but high_value_at_risk).
	raise bool
	eval  func(e *env, f *facts) *result
}

// rules returns the rule table in the order a deal's findings are listed.
func rules() []rule {
	risk := func(name string, eval func(*env, *facts) *result) rule {
		return rule{name: name, typ: domain.InsightRisk, raise: true, eval: eval}
	}
	return []rule{
		risk(RuleStale, evalStale),
		risk(RuleStuckInStage, evalStuck),
		risk(RuleProbabilityMismatch, evalProbabilityMismatch),
		{name: RuleHighValueAtRisk, typ: domain.InsightRisk, eval: evalHighValueAtRisk},
		risk(RuleCloseDateRisk, evalCloseDateRisk),
		risk(RuleOverdue, evalOverdue),
		risk(RuleCloseDateSlipped, evalCloseDateSlipped),
		risk(RuleValueDropped, evalValueDropped),
		risk(RuleNoNextStep, evalNoNextStep),
		{name: RuleReadyToClose, typ: domain.InsightOpportunity, eval: evalReadyToClose},
	}
}

// result is what a rule concluded before the high-value raise.
type result struct {
	priority   domain.Priority
	confidence float64
	// ratio is set for ratio rules; their severity is min(1, ratio/3).
	ratio    *ratio
	evidence []domain.Evidence
	// actions builds the recommendations for the final priority, so an
	// escalation can depend on the raise.
	actions func(p domain.Priority) []domain.Action
}

// ratio is num/den of whole units, kept exact so band edges are exact.
type ratio struct{ num, den int }

// band: ratio < 2 → medium, < 3 → high, ≥ 3 → critical.
func (r ratio) band() domain.Priority {
	switch {
	case r.num < 2*r.den:
		return domain.PriorityMedium
	case r.num < 3*r.den:
		return domain.PriorityHigh
	}
	return domain.PriorityCritical
}

// value is the ratio truncated to two decimals, so the evidence never
// shows a band edge the ratio did not reach.
func (r ratio) value() float64 { return float64(r.num*100/r.den) / 100 }

// severity is min(1, ratio/3), rounded to two decimals.
func (r ratio) severity() float64 {
	return min(1, math.Round(float64(r.num)*100/float64(3*r.den))/100)
}

// bandSeverity is the severity of a rule without a ratio.
func bandSeverity(p domain.Priority) float64 {
	switch p {
	case domain.PriorityLow:
		return .25
	case domain.PriorityMedium:
		return .5
	case domain.PriorityHigh:
		return .75
	}
	return 1
}

func (e *env) finding(r rule, f *facts, res *result) domain.Finding {
	p := res.priority
	ev := res.evidence
	if f.probDefault && slices.ContainsFunc(ev, func(e domain.Evidence) bool { return e.Name == "probability" }) {
		// Say so when nobody set a probability and the stage's applies.
		ev = withEvidence(ev, percent("stage_default_probability", f.prob))
	}
	if r.raise && f.highValue {
		p = domain.PriorityFromRank(p.Rank() + 1)
		ev = withEvidence(ev, e.highValueEvidence(f)...)
	}
	sev := bandSeverity(p)
	if res.ratio != nil {
		sev = res.ratio.severity()
	}
	return domain.Finding{
		Rule:       r.name,
		DealID:     f.deal.ID,
		Type:       r.typ,
		Priority:   p,
		Severity:   sev,
		Confidence: res.confidence,
		Evidence:   ev,
		Actions:    res.actions(p),
	}
}

// withEvidence appends the evidence whose names are not there yet.
func withEvidence(ev []domain.Evidence, more ...domain.Evidence) []domain.Evidence {
	for _, m := range more {
		if !slices.ContainsFunc(ev, func(e domain.Evidence) bool { return e.Name == m.Name }) {
			ev = append(ev, m)
		}
	}
	return ev
}

func (e *env) highValueEvidence(f *facts) []domain.Evidence {
	return []domain.Evidence{
		money("value", e.money(f.value)),
		money("high_value_threshold", e.money(e.highValueMin)),
	}
}

// highValueMinMajor is the floor of the high-value threshold in major units.
const highValueMinMajor = 10_000

// highValueThreshold is max(10,000, the 80th percentile of open deal
// values) in minor units; values are the open deals' that have one, and
// are sorted in place.
func highValueThreshold(values []int64, currency string) int64 {
	dec, _ := domain.CurrencyDecimals(currency)
	floor := int64(highValueMinMajor)
	for range dec {
		floor *= 10
	}
	if len(values) == 0 {
		return floor
	}
	slices.Sort(values)
	return max(floor, nearestRank(values, 80))
}

// nearestRank is the p-th percentile of sorted values by the nearest-rank
// method: the smallest value with at least p% of values at or below it.
// It is always an observed value, so it stays in whole units.
func nearestRank[T any](sorted []T, p int) T {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func days(name string, v int) domain.Evidence {
	return domain.Evidence{Name: name, Value: float64(v), Unit: "days"}
}

func percent(name string, v int) domain.Evidence {
	return domain.Evidence{Name: name, Value: float64(v), Unit: "percent"}
}

func count(name string, v int) domain.Evidence {
	return domain.Evidence{Name: name, Value: float64(v), Unit: "count"}
}

func money(name string, v float64) domain.Evidence {
	return domain.Evidence{Name: name, Value: v, Unit: "money"}
}

func ratioEv(name string, r ratio) domain.Evidence {
	return domain.Evidence{Name: name, Value: r.value(), Unit: "ratio"}
}

// due picks how soon an action is due from the finding's final priority.
func due(p domain.Priority, critical, high, other int) int {
	switch p {
	case domain.PriorityCritical:
		return critical
	case domain.PriorityHigh:
		return high
	}
	return other
}
