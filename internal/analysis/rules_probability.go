package analysis

import (
	"fmt"

	"github.com/vectoros/vectoros/internal/domain"
)

// evalProbabilityMismatch: probability below the stage's floor (priority by
// ratio floor / max(p, 1), at most high) or above its ceiling (medium).
func evalProbabilityMismatch(e *env, f *facts) *result {
	if !f.hasStage || !f.hasProb {
		return nil
	}
	p, stage := f.prob, f.stage.Name
	if fl := f.stage.ProbFloor; fl != nil && p < *fl {
		floor := *fl
		r := ratio{floor, max(p, 1)}
		prio := r.band()
		if prio == domain.PriorityCritical {
			prio = domain.PriorityHigh
		}
		ev := []domain.Evidence{percent("probability", p), percent("probability_floor", floor), ratioEv("floor_ratio", r)}
		return &result{
			priority: prio, confidence: .75, ratio: &r, evidence: ev,
			actions: func(pr domain.Priority) []domain.Action {
				a := []domain.Action{
					{Kind: domain.ActionContactBuyer, Title: "Confirm with the buyer where they really stand: budget, decision maker and timeline", DueInDays: due(pr, 1, 2, 3)},
					{Kind: domain.ActionUpdateProbability, Title: fmt.Sprintf("Make the forecast honest: %d%% is below the %d%% a deal in %s should carry, so raise it or move the deal back a stage", p, floor, stage), DueInDays: due(pr, 1, 2, 3)},
				}
				if pr.Rank() >= domain.PriorityHigh.Rank() {
					a = append(a, domain.Action{Kind: domain.ActionEscalate,
						Title: fmt.Sprintf("Review with your manager whether this deal really belongs in %s", stage), DueInDays: due(pr, 2, 3, 5)})
				}
				return a
			},
		}
	}
	if cl := f.stage.ProbCeiling; cl != nil && p > *cl {
		ceil := *cl
		ev := []domain.Evidence{percent("probability", p), percent("probability_ceiling", ceil)}
		return &result{
			priority: domain.PriorityMedium, confidence: .75, evidence: ev,
			actions: func(pr domain.Priority) []domain.Action {
				return []domain.Action{
					{Kind: domain.ActionUpdateProbability, Title: fmt.Sprintf("Bring the probability down to %d%% or less until the deal earns a later stage: %s deals top out there", ceil, stage), DueInDays: due(pr, 1, 2, 3)},
					{Kind: domain.ActionScheduleActivity, Title: "Book the meeting that moves the deal to the next stage, if you are that confident", DueInDays: due(pr, 3, 5, 7)},
				}
			},
		}
	}
	return nil
}

// Thresholds of high_value_at_risk.
const (
	hvIdleDays    = 5
	hvProbability = 30
)

// evalHighValueAtRisk: a high-value deal idle > 5 days or below 30%. It is
// always critical and is not raised (it is the high-value rule).
func evalHighValueAtRisk(e *env, f *facts) *result {
	if !f.highValue {
		return nil
	}
	idle := f.idleDays > hvIdleDays
	low := f.hasProb && f.prob < hvProbability
	if !idle && !low {
		return nil
	}
	ev := []domain.Evidence{
		money("value", e.money(f.value)), money("high_value_threshold", e.money(e.highValueMin)),
		days("idle_days", f.idleDays), days("idle_threshold_days", hvIdleDays),
	}
	if f.hasProb {
		ev = append(ev, percent("probability", f.prob))
	}
	ev = append(ev, percent("probability_threshold", hvProbability))
	value, idleDays, prob := domain.FormatMoney(f.value, e.currency), f.idleDays, f.prob
	return &result{
		priority: domain.PriorityCritical, confidence: .85, evidence: ev,
		actions: func(domain.Priority) []domain.Action {
			a := []domain.Action{{Kind: domain.ActionEscalate,
				Title: fmt.Sprintf("Put this %s deal on this week's pipeline review with your manager", value), DueInDays: 2}}
			if idle {
				a = append(a, domain.Action{Kind: domain.ActionContactBuyer,
					Title: fmt.Sprintf("Call the decision maker today: %s without a conversation on a %s deal", plural(idleDays, "day"), value), DueInDays: 1})
			}
			a = append(a, domain.Action{Kind: domain.ActionScheduleActivity,
				Title: "Book a meeting with the economic buyer to confirm budget, timeline and who signs", DueInDays: 3})
			if low {
				a = append(a, domain.Action{Kind: domain.ActionUpdateProbability,
					Title: fmt.Sprintf("Decide what it takes to move this deal past %d%%, or forecast it as the long shot it is", prob), DueInDays: 3})
			}
			return a
		},
	}
}
