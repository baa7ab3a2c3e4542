package narrate

import (
	"fmt"
	"strings"
)

// tmplRuleWords holds the template's wording per rule (design §4's rule table).
// Each reads the evidence names its rule in internal/analysis writes and
// leaves out a tmplSentence whose numbers are missing rather than guess them.
var tmplRuleWords = map[string]func(s *tmplSentence) (title, description string){
	"stale":                staleWords,
	"stuck_in_stage":       stuckWords,
	"probability_mismatch": probabilityWords,
	"high_value_at_risk":   highValueWords,
	"close_date_risk":      closeRiskWords,
	"overdue":              overdueWords,
	"close_date_slipped":   slippedWords,
	"value_dropped":        valueDroppedWords,
	"no_next_step":         noNextStepWords,
	"ready_to_close":       readyWords,
}

func staleWords(s *tmplSentence) (string, string) {
	idle, ok := s.num("idle_days")
	if !ok {
		return s.facts.Title + " has gone quiet", fmt.Sprintf("Nobody has emailed, called or met the buyer on %s for longer than deals in %s should go. Get back in touch before the deal goes cold.", s.deal(), s.stage())
	}
	title := fmt.Sprintf("%s has gone quiet for %s", s.facts.Title, tmplDays(idle))
	desc := fmt.Sprintf("No email, call or meeting on %s in %s.", s.deal(), tmplDays(idle))
	if rot, ok := s.num("rotting_days"); ok {
		every := "every " + tmplDays(rot)
		if rot == 1 {
			every = "every day"
		}
		desc += fmt.Sprintf(" Deals in %s should hear from us at least %s", s.stage(), every)
		if r, ok := s.ev["idle_ratio"]; ok {
			desc += fmt.Sprintf(", so this one has been left %s as long as it should be", tmplRatio(r))
		}
		desc += "."
	}
	desc += " The longer a buyer hears nothing, the more likely someone else is talking to them."
	return title, desc
}

func stuckWords(s *tmplSentence) (string, string) {
	in, ok := s.num("days_in_stage")
	if !ok {
		return s.facts.Title + " is stuck in " + s.stage(), fmt.Sprintf("%s has been in %s longer than deals usually take to move on. Find out what is blocking it.", s.deal(), s.stage())
	}
	title := fmt.Sprintf("%s has been stuck in %s for %s", s.facts.Title, s.stage(), tmplDays(in))
	desc := fmt.Sprintf("%s entered %s %s ago.", s.deal(), s.stage(), tmplDays(in))
	if norm, ok := s.num("stage_norm_days"); ok {
		if won, ok := s.num("won_deals_learned_from"); ok {
			desc += fmt.Sprintf(" Our won deals usually move on within %s (learned from %d won deals)", tmplDays(norm), won)
		} else {
			desc += fmt.Sprintf(" Deals usually move on within %s", tmplDays(norm))
		}
		if r, ok := s.ev["stage_ratio"]; ok {
			desc += fmt.Sprintf(", so this one is taking %s as long", tmplRatio(r))
		}
		desc += "."
	}
	desc += " A deal that stops moving is usually waiting on a decision nobody has asked for."
	return title, desc
}

func probabilityWords(s *tmplSentence) (string, string) {
	p, _ := s.num("probability")
	if floor, ok := s.num("probability_floor"); ok {
		return fmt.Sprintf("%s is forecast at %d%%, too low for %s", s.facts.Title, p, s.stage()),
			fmt.Sprintf("%s sits in %s but carries %d%%, under the %d%% a deal at that stage should carry. Either the deal is not really at %s or the forecast undersells it; until one of them changes, the pipeline is wrong.",
				s.deal(), s.stage(), p, floor, s.stage())
	}
	if ceil, ok := s.num("probability_ceiling"); ok {
		return fmt.Sprintf("%s is forecast at %d%%, too high for %s", s.facts.Title, p, s.stage()),
			fmt.Sprintf("%s carries %d%%, above the %d%% that deals in %s top out at. Optimism is fine, but the forecast should count it as %s until it earns the next stage.",
				s.deal(), p, ceil, s.stage(), fmt.Sprintf("%d%%", ceil))
	}
	return s.facts.Title + "'s probability does not fit its stage", fmt.Sprintf("The probability on %s does not match what deals in %s usually carry. Make the forecast honest.", s.deal(), s.stage())
}

func highValueWords(s *tmplSentence) (string, string) {
	value := s.money("value")
	if value == "" {
		value = s.value()
	}
	title := fmt.Sprintf("%s deal %s is at risk", value, s.facts.Title)
	if value == "" {
		title = fmt.Sprintf("High-value deal %s is at risk", s.facts.Title)
	}
	var why []string
	idle, okIdle := s.num("idle_days")
	idleMax, okIdleMax := s.num("idle_threshold_days")
	if okIdle && okIdleMax && idle > idleMax {
		why = append(why, fmt.Sprintf("nobody has spoken to the buyer in %s", tmplDays(idle)))
	}
	p, okP := s.num("probability")
	pMin, okPMin := s.num("probability_threshold")
	if okP && okPMin && p < pMin {
		why = append(why, fmt.Sprintf("it is forecast at only %d%%", p))
	}
	desc := fmt.Sprintf("%s is one of the biggest deals in the pipeline", s.deal())
	if len(why) > 0 {
		desc += ", and " + strings.Join(why, " and ")
	}
	desc += "."
	if hv := s.money("high_value_threshold"); hv != "" {
		desc += fmt.Sprintf(" Anything from %s up gets a manager's eyes here.", hv)
	}
	desc += " Losing it would leave a hole in the quarter no small deal fills: get a plan on paper this week."
	return title, desc
}

func closeRiskWords(s *tmplSentence) (string, string) {
	n, okN := s.num("days_to_close")
	p, okP := s.num("probability")
	if !okN || !okP {
		return s.facts.Title + " is due to close soon on a shaky forecast", fmt.Sprintf("%s is close to its close date with a low probability. Confirm the date with the buyer or move it.", s.deal())
	}
	title := fmt.Sprintf("%s is due to close %s at only %d%%", s.facts.Title, tmplWithin(n), p)
	desc := fmt.Sprintf("%s is due to close %s", s.deal(), tmplWithin(n))
	if d := s.closeDate(); d != "" && n > 1 {
		desc += " (" + d + ")"
	}
	desc += fmt.Sprintf(", yet it is forecast at %d%%", p)
	if thr, ok := s.num("probability_threshold"); ok {
		desc += fmt.Sprintf(", under the %d%% a deal this close to signature should have", thr)
	}
	desc += ". Either the date or the number is wrong; find out which before the forecast call."
	return title, desc
}

func overdueWords(s *tmplSentence) (string, string) {
	late, ok := s.num("days_overdue")
	if !ok {
		return s.facts.Title + " is past its close date", fmt.Sprintf("%s should have closed already. Set a date you believe or close it out.", s.deal())
	}
	title := fmt.Sprintf("%s is %s past its close date", s.facts.Title, tmplDays(late))
	desc := fmt.Sprintf("%s was due to close", s.deal())
	if d := s.closeDate(); d != "" {
		desc += " on " + d
	}
	desc += fmt.Sprintf(", %s ago, and it is still open.", tmplDays(late))
	if hi, ok := s.num("high_after_days"); ok && late > hi {
		desc += fmt.Sprintf(" More than %s late usually means the buyer has moved on or the timeline was never real.", tmplDays(hi))
	}
	desc += " An overdue deal inflates this period's forecast: give it a date you believe, or close it out."
	return title, desc
}

func slippedWords(s *tmplSentence) (string, string) {
	n, ok := s.num("times_slipped")
	if !ok {
		return s.facts.Title + "'s close date keeps slipping", fmt.Sprintf("The close date of %s has been pushed back more than once. Ask the buyer for a plan they will commit to.", s.deal())
	}
	title := fmt.Sprintf("%s's close date has slipped %s", s.facts.Title, tmplTimes(n))
	desc := fmt.Sprintf("The close date of %s has been pushed back %s", s.deal(), tmplTimes(n))
	if total, ok := s.num("days_slipped"); ok {
		desc += fmt.Sprintf(", %s in all", tmplDays(total))
	}
	if d := s.closeDate(); d != "" {
		desc += "; it now says " + d
	}
	desc += ". A date that keeps moving is a date the buyer never agreed to: get a close plan in writing."
	return title, desc
}

func valueDroppedWords(s *tmplSentence) (string, string) {
	drop, okDrop := s.num("value_drop_percent")
	entry, now := s.money("value_at_stage_entry"), s.money("value")
	if !okDrop || entry == "" || now == "" {
		return s.facts.Title + " is shrinking", fmt.Sprintf("%s is worth less than when it entered %s. Find out why before more comes off.", s.deal(), s.stage())
	}
	title := fmt.Sprintf("%s has lost %d%% of its value", s.facts.Title, drop)
	desc := fmt.Sprintf("%s entered %s at %s and is now worth %s", s.deal(), s.stage(), entry, now)
	if pct, ok := s.num("value_percent_of_entry"); ok {
		desc += fmt.Sprintf(", %d%% of what it was", pct)
	}
	desc += ". Discounts and scope cuts late in a deal often mean the buyer is shopping around or the budget moved; rebuild the value case before you give more away."
	return title, desc
}

func noNextStepWords(s *tmplSentence) (string, string) {
	title := fmt.Sprintf("%s has no next step booked", s.facts.Title)
	desc := fmt.Sprintf("%s is in %s", s.deal(), s.stage())
	if v := s.value(); v != "" {
		desc += ", worth " + v + ","
	}
	desc += " and nothing is scheduled with the buyer from today on."
	switch open, _ := s.num("open_activities"); {
	case open == 1:
		desc += " Its one open activity is dated in the past."
	case open > 1:
		desc += fmt.Sprintf(" Its %d open activities are all dated in the past.", open)
	}
	desc += " Late-stage deals without a date in the calendar drift; put one in before you leave today."
	return title, desc
}

func readyWords(s *tmplSentence) (string, string) {
	n, okN := s.num("days_to_close")
	p, okP := s.num("probability")
	title := fmt.Sprintf("%s is ready to close", s.facts.Title)
	if !okN || !okP {
		return title, fmt.Sprintf("%s has an engaged buyer, a strong forecast and a close date coming up. Ask for the signature.", s.deal())
	}
	desc := fmt.Sprintf("%s is at %d%% and due to close %s", s.deal(), p, tmplWithin(n))
	if d := s.closeDate(); d != "" && n > 1 {
		desc += " (" + d + ")"
	}
	if e, ok := s.num("days_since_engagement"); ok {
		switch e {
		case 0:
			desc += ", and the buyer was in touch today"
		case 1:
			desc += ", and the buyer was in touch yesterday"
		default:
			desc += fmt.Sprintf(", and the buyer was in touch %s ago", tmplDays(e))
		}
	}
	desc += "."
	if v := s.money("value"); v != "" && s.has("high_value_threshold") {
		desc += fmt.Sprintf(" At %s it is one of the pipeline's big ones.", v)
	}
	desc += " Momentum is on your side: ask for the signature now, while the buyer is warm."
	return title, desc
}
