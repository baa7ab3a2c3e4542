package analysis

import (
	"fmt"

	"github.com/vectoros/vectoros/internal/domain"
)

// evalStale: idle > rotting_days; priority by ratio idle / rotting_days.
func evalStale(e *env, f *facts) *result {
	if !f.hasStage || f.stage.RottingDays == nil || *f.stage.RottingDays <= 0 {
		return nil
	}
	rot := *f.stage.RottingDays
	if f.idleDays <= rot {
		return nil
	}
	r := ratio{f.idleDays, rot}
	ev := []domain.Evidence{days("idle_days", f.idleDays), days("rotting_days", rot), ratioEv("idle_ratio", r)}
	never := !f.engaged
	idle := f.idleDays
	return &result{
		priority: r.band(), confidence: .9, ratio: &r, evidence: ev,
		actions: func(p domain.Priority) []domain.Action {
			first := fmt.Sprintf("Call the buyer today: no email, call or meeting in %s", plural(idle, "day"))
			if never {
				first = fmt.Sprintf("Call the buyer today: nobody has spoken to them in the %s since the deal was created", plural(idle, "day"))
			}
			a := []domain.Action{
				{Kind: domain.ActionContactBuyer, Title: first, DueInDays: due(p, 1, 1, 2)},
				{Kind: domain.ActionScheduleActivity, Title: "Book the next meeting before you hang up, so the deal never goes quiet again", DueInDays: due(p, 2, 3, 5)},
			}
			if p.Rank() >= domain.PriorityHigh.Rank() {
				a = append(a, domain.Action{Kind: domain.ActionUpdateProbability,
					Title: "If the buyer stays silent this week, lower the probability to what the silence says", DueInDays: 7})
			}
			if p == domain.PriorityCritical {
				a = append(a, domain.Action{Kind: domain.ActionEscalate,
					Title: "Ask your manager or an executive sponsor to reach out and reopen the conversation", DueInDays: 3})
			}
			return a
		},
	}
}

// evalStuck: days in stage > stage norm; priority by ratio days / norm.
func evalStuck(e *env, f *facts) *result {
	if !f.hasStage {
		return nil
	}
	n, ok := e.norms[f.stage.Key]
	if !ok || f.daysInStage <= n.days {
		return nil
	}
	r := ratio{f.daysInStage, n.days}
	conf := .7
	ev := []domain.Evidence{days("days_in_stage", f.daysInStage), days("stage_norm_days", n.days), days("stuck_days", n.stuckDays)}
	if n.learned {
		conf = .85
		ev = append(ev, count("won_deals_learned_from", n.wonDeals))
	}
	ev = append(ev, ratioEv("stage_ratio", r))
	stage, inStage, norm := f.stage.Name, f.daysInStage, n.days
	dateAction := "Recheck the close date"
	if !f.hasClose {
		dateAction = "Set a close date the buyer agrees to"
	}
	return &result{
		priority: r.band(), confidence: conf, ratio: &r, evidence: ev,
		actions: func(p domain.Priority) []domain.Action {
			a := []domain.Action{
				{Kind: domain.ActionContactBuyer, Title: "Ask the buyer what is holding up a decision and who else has to sign off", DueInDays: due(p, 1, 2, 3)},
				{Kind: domain.ActionScheduleActivity, Title: fmt.Sprintf("Agree with the buyer the one step that moves this deal out of %s, and book it", stage), DueInDays: due(p, 2, 3, 5)},
			}
			if p.Rank() >= domain.PriorityHigh.Rank() {
				a = append(a, domain.Action{Kind: domain.ActionUpdateCloseDate,
					Title: fmt.Sprintf("%s: %s in %s against a usual %s", dateAction, plural(inStage, "day"), stage, plural(norm, "day")), DueInDays: 5})
			}
			if p == domain.PriorityCritical {
				a = append(a, domain.Action{Kind: domain.ActionEscalate,
					Title: "Review this deal with your manager and decide whether to push or let it go", DueInDays: 3})
			}
			return a
		},
	}
}

// evalNoNextStep: a late-stage deal with no activity scheduled today or later.
func evalNoNextStep(e *env, f *facts) *result {
	if !f.hasStage || !f.stage.IsLate || f.nextStep {
		return nil
	}
	ev := []domain.Evidence{count("next_steps", 0), count("open_activities", f.ds.OpenActivities)}
	if t := f.ds.LatestOpenScheduledAt; t != nil {
		// The latest planned step is in the past and was never done.
		ev = append(ev, days("days_since_last_planned_step", e.today.DaysSince(domain.DateOf(t.In(e.loc)))))
	}
	stage := f.stage.Name
	return &result{
		priority: domain.PriorityMedium, confidence: .85, evidence: ev,
		actions: func(p domain.Priority) []domain.Action {
			return []domain.Action{
				{Kind: domain.ActionScheduleActivity, Title: fmt.Sprintf("Put the next step with the buyer in the calendar: a deal in %s needs a date", stage), DueInDays: due(p, 1, 1, 2)},
				{Kind: domain.ActionContactBuyer, Title: "Send the buyer a short recap of where things stand and propose a time to meet", DueInDays: due(p, 1, 2, 3)},
			}
		},
	}
}

// plural writes "1 day", "12 days".
func plural(n int, unit string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, unit)
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// inDays writes a future day count the way people say it.
func inDays(n int) string {
	switch n {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	}
	return "in " + plural(n, "day")
}
