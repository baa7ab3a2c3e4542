package narrate_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/analysis"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
)

// The -update flag may be defined by another test file of this package
// binary; define it only when nobody has.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite testdata/*.golden")
	}
}

func updating() bool {
	g, ok := flag.Lookup("update").Value.(flag.Getter)
	return ok && g.Get() == true
}

// tmplNow is a Tuesday afternoon, UTC.
var tmplNow = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

const tmplDay = 24 * time.Hour

// tmplDeal builds an open deal snapshot the way the store loads one: a
// created event with the initial values, then the given events.
type tmplDeal struct {
	id, title, company, stage string
	value                     int64 // major units; 0: no value
	initialValue              int64 // created value when it differs
	prob                      int   // 0: the stage default
	closeIn                   *int  // days from today
	created, entered, engaged time.Duration
	nextStepIn                *int // days from now of an open activity
	slips                     []int
}

func days(n int) *int { return &n }

func (b tmplDeal) snapshot() domain.DealSnapshot {
	d := domain.Deal{ID: b.id, WorkspaceID: "ws", Title: b.title, Company: b.company, Currency: "USD", Stage: b.stage,
		Status: domain.DealOpen, CreatedAt: tmplNow.Add(-b.created), StageEnteredAt: tmplNow.Add(-b.entered), UpdatedAt: tmplNow}
	if b.value > 0 {
		v := b.value * 100
		d.Value = &v
	}
	if b.prob > 0 {
		d.Probability = &b.prob
	}
	today := domain.DateOf(tmplNow)
	if b.closeIn != nil {
		c := today.AddDays(*b.closeIn)
		d.CloseDate = &c
	}
	initial := map[string]any{"title": b.title, "stage": b.stage, "currency": "USD", "status": "open",
		"stage_entered_at": d.CreatedAt.Format(time.RFC3339Nano)}
	iv := b.value
	if b.initialValue > 0 {
		iv = b.initialValue
	}
	if iv > 0 {
		initial["value"] = strconv.FormatInt(iv*100, 10)
	}
	raw, _ := json.Marshal(initial)
	created := string(raw)
	ds := domain.DealSnapshot{Deal: d, Events: []domain.DealEvent{{ID: b.id + "-c", DealID: b.id, Kind: domain.EventCreated,
		NewValue: &created, Actor: domain.SystemActor, At: d.CreatedAt}}}
	if b.initialValue > 0 {
		from, to := strconv.FormatInt(b.initialValue*100, 10), strconv.FormatInt(b.value*100, 10)
		ds.Events = append(ds.Events, domain.DealEvent{ID: b.id + "-v", DealID: b.id, Kind: domain.EventValueChanged,
			OldValue: &from, NewValue: &to, At: d.StageEnteredAt.Add(time.Hour)})
	}
	if len(b.slips) > 0 && d.CloseDate != nil {
		date := d.CloseDate.AddDays(-sum(b.slips))
		for i, n := range b.slips {
			from, to := date.String(), date.AddDays(n).String()
			ds.Events = append(ds.Events, domain.DealEvent{ID: fmt.Sprintf("%s-s%d", b.id, i), DealID: b.id,
				Kind: domain.EventCloseDateChanged, OldValue: &from, NewValue: &to, At: d.CreatedAt.Add(time.Duration(i+1) * tmplDay)})
			date = date.AddDays(n)
		}
	}
	if b.engaged > 0 {
		e := tmplNow.Add(-b.engaged)
		ds.LastEngagementAt = &e
	}
	if b.nextStepIn != nil {
		n := tmplNow.Add(time.Duration(*b.nextStepIn) * tmplDay)
		ds.LatestOpenScheduledAt = &n
		ds.OpenActivities = 1
	}
	return ds
}

func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// tmplPipeline is a small pipeline in which every rule fires at least once.
func tmplPipeline() domain.WorkspaceSnapshot {
	deals := []tmplDeal{
		{id: "d01", title: "Acme platform renewal", company: "Acme Corp", stage: "qualified", value: 8000,
			created: 40 * tmplDay, entered: 15 * tmplDay, engaged: 20 * tmplDay},
		{id: "d02", title: "Globex analytics pilot", company: "Globex", stage: "lead", value: 4500,
			created: 30 * tmplDay, entered: 30 * tmplDay, engaged: 2 * tmplDay},
		{id: "d03", title: "Initech payroll", company: "Initech", stage: "proposal", value: 6000, prob: 20,
			created: 12 * tmplDay, entered: 3 * tmplDay, engaged: 1 * tmplDay, nextStepIn: days(2)},
		{id: "d04", title: "Hooli chat seats", company: "Hooli", stage: "lead", value: 2000, prob: 60,
			created: 3 * tmplDay, entered: 3 * tmplDay, engaged: 1 * tmplDay},
		{id: "d05", title: "Test Deal - High Value", stage: "negotiation", value: 50000, prob: 20,
			created: time.Hour, entered: time.Hour},
		{id: "d06", title: "Umbrella lab supplies", company: "Umbrella", stage: "qualified", value: 7000,
			closeIn: days(5), created: 9 * tmplDay, entered: 4 * tmplDay, engaged: 3 * tmplDay},
		{id: "d07", title: "Stark Industries retrofit", company: "Stark Industries", stage: "qualified", value: 9000,
			closeIn: days(-20), created: 60 * tmplDay, entered: 10 * tmplDay, engaged: 1 * tmplDay},
		{id: "d08", title: "Wayne Enterprises security audit", company: "Wayne Enterprises", stage: "qualified", value: 5000,
			closeIn: days(12), slips: []int{14, 21, 9}, created: 50 * tmplDay, entered: 5 * tmplDay, engaged: 1 * tmplDay},
		{id: "d09", title: "Soylent distribution deal", company: "Soylent", stage: "qualified", value: 5500, initialValue: 10000,
			created: 8 * tmplDay, entered: 8 * tmplDay, engaged: 1 * tmplDay},
		{id: "d10", title: "Vandelay import licence", company: "Vandelay Industries", stage: "proposal", value: 3000,
			created: 6 * tmplDay, entered: 2 * tmplDay, engaged: 1 * tmplDay},
		{id: "d11", title: "Cyberdyne enterprise agreement", company: "Cyberdyne", stage: "negotiation", value: 250000, prob: 80,
			closeIn: days(1), created: 20 * tmplDay, entered: 6 * tmplDay, engaged: 2 * tmplDay, nextStepIn: days(1)},
		{id: "d12", title: "Tyrell data platform", company: "Tyrell", stage: "negotiation", value: 7500, prob: 75,
			closeIn: days(10), created: 20 * tmplDay, entered: 6 * tmplDay, engaged: 1 * tmplDay, nextStepIn: days(3)},
	}
	snap := domain.WorkspaceSnapshot{Workspace: domain.Workspace{ID: "ws", Name: "Northwind", Currency: "USD", TimeZone: "UTC"},
		Stages: domain.DefaultStages()}
	for _, d := range deals {
		snap.Deals = append(snap.Deals, d.snapshot())
	}
	return snap
}

func factsOf(snap domain.WorkspaceSnapshot, d domain.Deal) narrate.Facts {
	st, _ := domain.StageByKey(snap.Stages, d.Stage)
	f := narrate.Facts{DealID: d.ID, Title: d.Title, Company: d.Company, StageName: st.Name, Currency: d.Currency,
		Value: d.Value, Probability: st.DefaultProbability, CloseDate: d.CloseDate, Today: domain.DateOf(tmplNow), TimeZone: time.UTC}
	if d.Probability != nil {
		f.Probability = *d.Probability
	}
	return f
}

func render(b *strings.Builder, heading string, f domain.Finding, t narrate.Text) {
	fmt.Fprintf(b, "== %s · %s · %s\n%s\n%s\n", heading, f.Rule, f.Priority, t.Title, t.Description)
	for i, a := range f.Actions {
		title := a.Title
		if i < len(t.ActionTitles) {
			title = t.ActionTitles[i]
		}
		fmt.Fprintf(b, "  - [%s, in %d days] %s\n", a.Kind, a.DueInDays, title)
	}
	b.WriteString("\n")
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("%s differs (run with -update after checking the text):\n%s", path, got)
	}
}

// The template's wording of every rule, as the real rules find it on a
// pipeline, with the deals' own numbers.
func TestTemplateWordsEveryRule(t *testing.T) {
	snap := tmplPipeline()
	findings := analysis.Run(snap, tmplNow)
	deals := map[string]domain.Deal{}
	for _, d := range snap.Deals {
		deals[d.Deal.ID] = d.Deal
	}
	var b strings.Builder
	fired := map[string]bool{}
	var tmpl narrate.Template
	for _, f := range findings {
		fired[f.Rule] = true
		facts := factsOf(snap, deals[f.DealID])
		text := tmpl.Word(facts, f)
		render(&b, facts.Title, f, text)
		checkWording(t, facts, f, text)
	}
	for _, rule := range analysis.RuleNames() {
		if !fired[rule] {
			t.Errorf("the pipeline fires no %s: the golden file does not cover it", rule)
		}
	}
	golden(t, "template_rules.golden", b.String())

	// Narrate answers the same wording for each finding of a deal, calls nothing.
	var d05 []domain.Finding
	for _, f := range findings {
		if f.DealID == "d05" {
			d05 = append(d05, f)
		}
	}
	res, err := tmpl.Narrate(context.Background(), narrate.Request{Facts: factsOf(snap, deals["d05"]), Findings: d05})
	if err != nil || res.Calls != 0 || res.CostUSD != 0 || res.Narrator != narrate.TemplateName || len(res.Texts) != len(d05) || tmpl.Name() != narrate.TemplateName {
		t.Fatalf("narrate: %+v %v", res, err)
	}
	for _, f := range d05 {
		if got, want := res.Texts[f.Rule], tmpl.Word(factsOf(snap, deals["d05"]), f); got.Title != want.Title ||
			got.Description != want.Description || !slices.Equal(got.ActionTitles, want.ActionTitles) {
			t.Fatalf("Narrate and Word differ for %s", f.Rule)
		}
	}
}

// Edges of the wording: singular units, today and tomorrow, another
// currency, a deal with no company or value, evidence missing, and a rule
// the template does not know.
func TestTemplateEdges(t *testing.T) {
	today := domain.DateOf(tmplNow)
	tomorrow := today.AddDays(1)
	v := int64(1_250_050)
	facts := narrate.Facts{DealID: "e1", Title: "Bluth banana stand", Company: "Bluth Company", StageName: "Negotiation",
		Currency: "EUR", Value: &v, Probability: 65, CloseDate: &tomorrow, Today: today, TimeZone: time.UTC}
	yesterday := today.AddDays(-1)
	overdue := facts
	overdue.CloseDate = &yesterday
	bare := narrate.Facts{DealID: "e2", Title: "Unnamed opportunity", StageName: "Lead", Currency: "USD", Probability: 10, Today: today}
	ev := func(pairs ...any) []domain.Evidence {
		var out []domain.Evidence
		for i := 0; i < len(pairs); i += 3 {
			out = append(out, domain.Evidence{Name: pairs[i].(string), Value: pairs[i+1].(float64), Unit: pairs[i+2].(string)})
		}
		return out
	}
	risk := func(rule string, p domain.Priority, e []domain.Evidence) domain.Finding {
		return domain.Finding{Rule: rule, DealID: "e1", Type: domain.InsightRisk, Priority: p, Evidence: e,
			Actions: []domain.Action{{Kind: domain.ActionContactBuyer, Title: "Call the buyer", DueInDays: 1}}}
	}
	cases := []struct {
		name  string
		facts narrate.Facts
		f     domain.Finding
	}{
		{"one idle day over a one-day limit", facts, risk("stale", domain.PriorityMedium, ev("idle_days", 2.0, "days", "rotting_days", 1.0, "days", "idle_ratio", 2.0, "ratio"))},
		{"due tomorrow", facts, risk("close_date_risk", domain.PriorityHigh, ev("days_to_close", 1.0, "days", "probability", 65.0, "percent", "probability_threshold", 70.0, "percent"))},
		{"one day overdue", overdue, risk("overdue", domain.PriorityMedium, ev("days_overdue", 1.0, "days", "high_after_days", 14.0, "days"))},
		{"slipped twice, EUR, raised", facts, risk("close_date_slipped", domain.PriorityHigh, ev("times_slipped", 2.0, "count", "days_slipped", 1.0, "days",
			"value", 12500.5, "money", "high_value_threshold", 10000.0, "money"))},
		{"ready today, in touch today", facts, domain.Finding{Rule: "ready_to_close", DealID: "e1", Type: domain.InsightOpportunity, Priority: domain.PriorityMedium,
			Evidence: ev("days_to_close", 0.0, "days", "probability", 65.0, "percent", "days_since_engagement", 0.0, "days")}},
		{"no company, no value, no next step", bare, risk("no_next_step", domain.PriorityMedium, ev("next_steps", 0.0, "count", "open_activities", 1.0, "count"))},
		{"high value without a value", bare, risk("high_value_at_risk", domain.PriorityCritical, ev("probability", 10.0, "percent", "probability_threshold", 30.0, "percent"))},
	}
	for _, rule := range analysis.RuleNames() {
		cases = append(cases, struct {
			name  string
			facts narrate.Facts
			f     domain.Finding
		}{"no evidence at all", bare, risk(rule, domain.PriorityMedium, nil)})
	}
	cases = append(cases, struct {
		name  string
		facts narrate.Facts
		f     domain.Finding
	}{"a rule the template does not know", facts, risk("competitor_mentioned", domain.PriorityLow, nil)})
	var b strings.Builder
	var tmpl narrate.Template
	for _, tc := range cases {
		text := tmpl.Word(tc.facts, tc.f)
		render(&b, tc.name, tc.f, text)
		checkWording(t, tc.facts, tc.f, text)
	}
	golden(t, "template_edges.golden", b.String())
}

var digits = regexp.MustCompile(`\d[\d,]*(?:\.\d+)?`)

// checkWording holds the template to its promise: a title and a
// description, one action title per action, and no number in its own words
// that is not among the facts (the deal's, the evidence's, the dates').
func checkWording(t *testing.T, facts narrate.Facts, f domain.Finding, text narrate.Text) {
	t.Helper()
	if text.Title == "" || text.Description == "" || len(text.ActionTitles) != len(f.Actions) {
		t.Errorf("%s: incomplete wording %+v", f.Rule, text)
	}
	allowed := map[string]bool{}
	add := func(v float64) {
		allowed[strconv.FormatFloat(v, 'f', -1, 64)] = true
	}
	for _, e := range f.Evidence {
		add(e.Value)
	}
	if facts.Value != nil {
		add(domain.MajorUnits(*facts.Value, facts.Currency))
	}
	add(float64(facts.Probability))
	for _, d := range []*domain.Date{facts.CloseDate, &facts.Today} {
		if d != nil {
			add(float64(d.Day))
			add(float64(d.Year))
		}
	}
	for _, s := range []string{facts.Title, facts.Company} {
		for _, n := range digits.FindAllString(s, -1) {
			allowed[n] = true
		}
	}
	for _, s := range []string{text.Title, text.Description} {
		for _, n := range digits.FindAllString(s, -1) {
			n = strings.TrimRight(strings.ReplaceAll(n, ",", ""), ".")
			if v, err := strconv.ParseFloat(n, 64); err == nil {
				n = strconv.FormatFloat(v, 'f', -1, 64)
			}
			if !allowed[n] {
				keys := make([]string, 0, len(allowed))
				for k := range allowed {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				t.Errorf("%s: %q states %s, which is no fact (facts: %v)", f.Rule, s, n, keys)
			}
		}
	}
}
