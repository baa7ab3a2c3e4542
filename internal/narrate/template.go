package narrate

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
)

// Template is the built-in narrator: pure, no IO, always available. It
// words each finding the way a sales manager would say it to the rep, with
// the deal's own numbers taken from the facts and the finding's evidence,
// and never states a number it was not given. The monitor writes its text
// when it persists an insight; other narrators reword from there.
type Template struct{}

// Name implements Narrator.
func (Template) Name() string { return TemplateName }

// Narrate implements Narrator: the template's wording of every finding.
func (t Template) Narrate(_ context.Context, req Request) (Result, error) {
	res := Result{Texts: make(map[string]Text, len(req.Findings)), Narrator: TemplateName}
	for _, f := range req.Findings {
		res.Texts[f.Rule] = t.Word(req.Facts, f)
	}
	return res, nil
}

// Word returns the template text of one finding. Action titles are the
// rule's own (they already carry the deal's numbers).
func (Template) Word(facts Facts, f domain.Finding) Text {
	s := &tmplSentence{facts: facts, f: f, ev: map[string]float64{}}
	for _, e := range f.Evidence {
		s.ev[e.Name] = e.Value
	}
	words, ok := tmplRuleWords[f.Rule]
	if !ok {
		words = tmplGenericWords
	}
	title, desc := words(s)
	if raised := s.raisedNote(); raised != "" {
		desc += " " + raised
	}
	titles := make([]string, len(f.Actions))
	for i, a := range f.Actions {
		titles[i] = a.Title
	}
	return Text{Title: title, Description: desc, ActionTitles: titles}
}

// tmplSentence is what a rule's wording reads from: the deal's facts and the
// finding's evidence by name.
type tmplSentence struct {
	facts Facts
	f     domain.Finding
	ev    map[string]float64
}

// num returns an evidence value as a whole number (evidence of days,
// percentages and counts is whole by construction).
func (s *tmplSentence) num(name string) (int, bool) {
	v, ok := s.ev[name]
	return int(math.Round(v)), ok
}

func (s *tmplSentence) has(names ...string) bool {
	for _, n := range names {
		if _, ok := s.ev[n]; !ok {
			return false
		}
	}
	return true
}

// deal names the deal: "Acme renewal" or "Acme renewal (Acme Corp)".
func (s *tmplSentence) deal() string {
	if s.facts.Company != "" && !strings.Contains(strings.ToLower(s.facts.Title), strings.ToLower(s.facts.Company)) {
		return fmt.Sprintf("%s (%s)", s.facts.Title, s.facts.Company)
	}
	return s.facts.Title
}

// value is the deal's value, "" when unknown.
func (s *tmplSentence) value() string {
	if s.facts.Value == nil {
		return ""
	}
	return domain.FormatMoney(*s.facts.Value, s.facts.Currency)
}

// money formats an evidence amount given in major units.
func (s *tmplSentence) money(name string) string {
	v, ok := s.ev[name]
	if !ok {
		return ""
	}
	dec, _ := domain.CurrencyDecimals(s.facts.Currency)
	return domain.FormatMoney(int64(math.Round(v*math.Pow10(dec))), s.facts.Currency)
}

func (s *tmplSentence) stage() string {
	if s.facts.StageName == "" {
		return "its stage"
	}
	return s.facts.StageName
}

// closeDate is the close date in words, "" when unknown.
func (s *tmplSentence) closeDate() string {
	if s.facts.CloseDate == nil {
		return ""
	}
	return s.facts.CloseDate.Time().Format("2 January 2006")
}

// raisedNote explains the high-value raise on the risk rules that get it.
func (s *tmplSentence) raisedNote() string {
	if s.f.Type != domain.InsightRisk || s.f.Rule == "high_value_at_risk" || !s.has("high_value_threshold") {
		return ""
	}
	return fmt.Sprintf("At %s this is one of the pipeline's big deals (high value starts at %s here), so it is raised to %s.",
		s.money("value"), s.money("high_value_threshold"), s.f.Priority)
}

// days writes "1 day", "12 days".
func tmplDays(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// times writes "once", "twice", "3 times".
func tmplTimes(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// ratio writes a ratio evidence as "2.5 times".
func tmplRatio(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".") + " times"
}

// within writes a day count ahead the way people say it.
func tmplWithin(n int) string {
	switch n {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	}
	return "in " + tmplDays(n)
}

// tmplGenericWords covers a rule this template does not know yet: plain and
// still specific to the deal.
func tmplGenericWords(s *tmplSentence) (string, string) {
	what := "needs attention"
	if s.f.Type == domain.InsightOpportunity {
		what = "has an opening worth taking"
	}
	rule := strings.ReplaceAll(s.f.Rule, "_", " ")
	return fmt.Sprintf("%s %s", s.facts.Title, what),
		fmt.Sprintf("The %s check flagged %s in %s. Look at the recommended actions below and pick the first one today.", rule, s.deal(), s.stage())
}
