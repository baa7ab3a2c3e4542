package analysis

import (
	"fmt"

	"github.com/vectoros/vectoros/internal/domain"
)

// Thresholds of the close-date rules, in whole days and percent.
const (
	closeRiskWindow     = 14 // close_date_risk looks this far ahead
	closeRiskHighWithin = 7  // …and is high this close
	closeRiskProb       = 70 // below this probability
	overdueHighAfter    = 14 // overdue is high after this many days
	slipMin             = 2  // close_date_slipped fires at this many moves
	slipHigh            = 3  // …and is high at this many
	readyWindow         = 30 // ready_to_close looks this far ahead
	readyProb           = 70 // at or above this probability
	recentEngagement    = 7  // engagement this many whole days ago is recent
)

// evalCloseDateRisk: the close date is 0–14 days away and probability < 70.
func evalCloseDateRisk(e *env, f *facts) *result {
	if !f.hasClose || !f.hasProb || f.daysToClose < 0 || f.daysToClose > closeRiskWindow || f.prob >= closeRiskProb {
		return nil
	}
	prio := domain.PriorityMedium
	if f.daysToClose <= closeRiskHighWithin {
		prio = domain.PriorityHigh
	}
	ev := []domain.Evidence{
		days("days_to_close", f.daysToClose), days("window_days", closeRiskWindow), days("high_within_days", closeRiskHighWithin),
		percent("probability", f.prob), percent("probability_threshold", closeRiskProb),
	}
	date, dtc := f.closeDate.String(), f.daysToClose
	return &result{
		priority: prio, confidence: .8, evidence: ev,
		actions: func(p domain.Priority) []domain.Action {
			return []domain.Action{
				{Kind: domain.ActionContactBuyer, Title: fmt.Sprintf("Ask the buyer straight out whether %s still holds and what could stop it", date), DueInDays: due(p, 1, 1, 2)},
				{Kind: domain.ActionScheduleActivity, Title: "Book a call to walk through every step left before signature", DueInDays: due(p, 1, 2, 3)},
				{Kind: domain.ActionUpdateCloseDate, Title: fmt.Sprintf("If the buyer cannot commit to closing %s, move the close date now rather than after it passes", inDays(dtc)), DueInDays: due(p, 2, 3, 5)},
			}
		},
	}
}

// evalOverdue: the close date has passed; high after 14 days.
func evalOverdue(e *env, f *facts) *result {
	if !f.hasClose || f.daysToClose >= 0 {
		return nil
	}
	late := -f.daysToClose
	prio := domain.PriorityMedium
	if late > overdueHighAfter {
		prio = domain.PriorityHigh
	}
	ev := []domain.Evidence{days("days_overdue", late), days("high_after_days", overdueHighAfter)}
	date := f.closeDate.String()
	return &result{
		priority: prio, confidence: .95, evidence: ev,
		actions: func(p domain.Priority) []domain.Action {
			a := []domain.Action{
				{Kind: domain.ActionUpdateCloseDate, Title: fmt.Sprintf("Set a close date you believe: %s passed %s ago", date, plural(late, "day")), DueInDays: 1},
				{Kind: domain.ActionContactBuyer, Title: "Ask the buyer what has to happen before they sign, and by when", DueInDays: due(p, 1, 2, 2)},
			}
			if p.Rank() >= domain.PriorityHigh.Rank() {
				a = append(a, domain.Action{Kind: domain.ActionCloseDeal,
					Title: "If the buyer has gone cold, close the deal as lost and keep the forecast clean", DueInDays: 7})
			}
			return a
		},
	}
}

// evalCloseDateSlipped: the close date moved later at least twice while the
// deal was open; high at three times.
func evalCloseDateSlipped(e *env, f *facts) *result {
	n, total := closeDateSlips(e, f)
	if n < slipMin {
		return nil
	}
	prio := domain.PriorityMedium
	if n >= slipHigh {
		prio = domain.PriorityHigh
	}
	ev := []domain.Evidence{count("times_slipped", n), days("days_slipped", total), count("threshold_times", slipMin), count("high_at_times", slipHigh)}
	return &result{
		priority: prio, confidence: .9, evidence: ev,
		actions: func(p domain.Priority) []domain.Action {
			a := []domain.Action{
				{Kind: domain.ActionContactBuyer, Title: "Ask the buyer for a close plan with dates they will commit to in writing", DueInDays: due(p, 1, 2, 3)},
				{Kind: domain.ActionUpdateProbability, Title: fmt.Sprintf("Lower the probability: the close date has moved %d times, %s in all", n, plural(total, "day")), DueInDays: due(p, 2, 3, 5)},
			}
			if p.Rank() >= domain.PriorityHigh.Rank() {
				a = append(a, domain.Action{Kind: domain.ActionEscalate,
					Title: "Review with your manager whether this deal will close this quarter at all", DueInDays: due(p, 2, 5, 5)})
			}
			return a
		},
	}
}

// evalReadyToClose: a late-stage deal with recent engagement, probability
// ≥ 70 and the close date 0–30 days away; high on a high-value deal.
func evalReadyToClose(e *env, f *facts) *result {
	if !f.hasStage || !f.stage.IsLate || !f.hasProb || f.prob < readyProb || !f.hasClose ||
		f.daysToClose < 0 || f.daysToClose > readyWindow || !f.engaged || f.engagementDays > recentEngagement {
		return nil
	}
	prio := domain.PriorityMedium
	ev := []domain.Evidence{
		days("days_to_close", f.daysToClose), days("window_days", readyWindow),
		percent("probability", f.prob), percent("probability_threshold", readyProb),
		days("days_since_engagement", f.engagementDays), days("recent_engagement_days", recentEngagement),
	}
	if f.highValue {
		prio = domain.PriorityHigh
		ev = append(ev, e.highValueEvidence(f)...)
	}
	date, dtc := f.closeDate.String(), f.daysToClose
	return &result{
		priority: prio, confidence: .7, evidence: ev,
		actions: func(p domain.Priority) []domain.Action {
			return []domain.Action{
				{Kind: domain.ActionCloseDeal, Title: fmt.Sprintf("Ask for the signature: the buyer is engaged and the deal is due to close %s", inDays(dtc)), DueInDays: due(p, 1, 1, 2)},
				{Kind: domain.ActionContactBuyer, Title: "Confirm the paperwork, the approvals still needed and exactly who signs", DueInDays: due(p, 1, 1, 2)},
				{Kind: domain.ActionScheduleActivity, Title: fmt.Sprintf("Book the signing call for no later than %s", date), DueInDays: due(p, 2, 2, 3)},
			}
		},
	}
}
