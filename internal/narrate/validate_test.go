package narrate

import (
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

func TestExtractNumbersNormalises(t *testing.T) {
	tests := []struct {
		text  string
		kind  numKind
		value float64 // value × multiplier
	}{
		{"$50,000", kindMoney, 50000},
		{"50k", kindBare, 50000},
		{"$50K", kindMoney, 50000},
		{"50,000 USD", kindMoney, 50000},
		{"USD 50,000", kindMoney, 50000},
		{"€1.2M", kindMoney, 1_200_000},
		{"50 thousand dollars", kindMoney, 50000},
		{"20%", kindPercent, 20},
		{"20 percent", kindPercent, 20},
		{"twenty percent", kindPercent, 20},
		{"12 days", kindDays, 12},
		{"12-day", kindDays, 12},
		{"fifteen days", kindDays, 15},
		{"twenty-one days", kindDays, 21},
		{"2 weeks", kindDays, 14},
		{"2.1x", kindRatio, 2.1},
		{"3×", kindRatio, 3},
		{"7", kindBare, 7},
		{"3rd", kindBare, 3},
	}
	for _, tt := range tests {
		got := extractNumbers(tt.text)
		if len(got) != 1 {
			t.Errorf("%q: %d tokens, want 1: %+v", tt.text, len(got), got)
			continue
		}
		if got[0].kind != tt.kind || got[0].value*got[0].mult != tt.value {
			t.Errorf("%q: got %s %v×%v, want %s %v", tt.text, got[0].kind, got[0].value, got[0].mult, tt.kind, tt.value)
		}
	}
}

func TestExtractNumbersDates(t *testing.T) {
	tests := []struct {
		text string
		want partialDate
	}{
		{"2026-12-15", partialDate{2026, 12, 15}},
		{"Dec 15", partialDate{0, 12, 15}},
		{"December 15th, 2026", partialDate{2026, 12, 15}},
		{"15 December 2026", partialDate{2026, 12, 15}},
		{"12/15/2026", partialDate{2026, 12, 15}},
	}
	for _, tt := range tests {
		got := extractNumbers(tt.text)
		if len(got) != 1 || got[0].kind != kindDate {
			t.Errorf("%q: got %+v, want one date", tt.text, got)
			continue
		}
		if got[0].date != tt.want && (got[0].alt == nil || *got[0].alt != tt.want) {
			t.Errorf("%q: got %+v, want %+v", tt.text, got[0].date, tt.want)
		}
	}
}

func TestExtractNumbersIgnoresWordsAndCodes(t *testing.T) {
	for _, s := range []string{"for 12 days", "Q4 B2B", "often one of them", "no one replied"} {
		for _, tok := range extractNumbers(s) {
			if tok.kind == kindMoney {
				t.Errorf("%q: read %q as an amount", s, tok.text)
			}
			if strings.Contains(s, "one") && tok.text == "one" {
				t.Errorf("%q: read a bare number word", s)
			}
		}
	}
}

// claudeFixture is the deal of the checklist's end-to-end case.
func claudeFixture() Request {
	value := int64(5_000_000) // $50,000.00
	closeDate := domain.Date{Year: 2026, Month: 12, Day: 15}
	return Request{
		Facts: Facts{DealID: "d1", Title: "Test Deal - High Value", Company: "Acme 2000 Ltd", StageName: "Negotiation",
			Currency: "USD", Value: &value, Probability: 20, CloseDate: &closeDate,
			Today: domain.Date{Year: 2026, Month: 11, Day: 27}, TimeZone: time.UTC},
		Findings: []domain.Finding{
			{Rule: "high_value_at_risk", DealID: "d1", Type: domain.InsightRisk, Priority: domain.PriorityCritical,
				Evidence: []domain.Evidence{{Name: "value", Value: 50000, Unit: "money"},
					{Name: "high_value_threshold", Value: 10000, Unit: "money"},
					{Name: "probability", Value: 20, Unit: "percent"}, {Name: "probability_threshold", Value: 30, Unit: "percent"}},
				Actions: []domain.Action{{Kind: domain.ActionEscalate, Title: "Review the deal with your manager", DueInDays: 1},
					{Kind: domain.ActionContactBuyer, Title: "Call the buyer to confirm the decision process", DueInDays: 2}}},
			{Rule: "probability_mismatch", DealID: "d1", Type: domain.InsightRisk, Priority: domain.PriorityHigh,
				Evidence: []domain.Evidence{{Name: "probability", Value: 20, Unit: "percent"},
					{Name: "stage_floor", Value: 60, Unit: "percent"}, {Name: "ratio", Value: 3, Unit: "ratio"}},
				Actions: []domain.Action{{Kind: domain.ActionUpdateProbability, Title: "Update the probability", DueInDays: 0}}},
		},
	}
}

func TestCheckNumbers(t *testing.T) {
	req := claudeFixture()
	hv := factsFor(req.Facts, req.Findings[0], nil)
	names := []string{req.Facts.Title, req.Facts.Company, req.Facts.StageName}
	tests := []struct {
		text string
		ok   bool
	}{
		{"A $50,000 deal at 20% needs attention", true},
		{"50k at stake, probability 20 percent, below the 30% bar", true},
		{"Worth 50,000 USD and above the $10,000 high-value line", true},
		{"Closes on Dec 15, 18 days from today", true},
		{"Closes 2026-12-15; review by Nov 28", true},
		{"Call the buyer within 2 days", true},
		{"Acme 2000 Ltd is at risk", true},
		{"A $55,000 deal", false},      // invented amount
		{"A €50,000 deal", false},      // wrong currency
		{"Probability is 25%", false},  // invented percentage
		{"Idle for 12 days", false},    // not this finding's evidence
		{"Close by Dec 20", false},     // invented date
		{"Close in Q4", false},         // a digit the regex does not know
		{"Only 3 calls logged", false}, // invented count
		{"fifteen days without a reply", false},
		{"A $0.05M deal", true}, // written at a coarser precision, still the value
	}
	for _, tt := range tests {
		err := checkNumbers(tt.text, hv, names)
		if (err == nil) != tt.ok {
			t.Errorf("%q: err = %v, want ok=%v", tt.text, err, tt.ok)
		}
	}
}

func TestValidate(t *testing.T) {
	req := claudeFixture()
	good := toolInsight{Rule: "high_value_at_risk", Title: "$50,000 deal at only 20% — act now",
		Description:  "This $50,000 negotiation sits at 20%, below the 30% mark for a deal this size.",
		ActionTitles: []string{"Walk your manager through the deal", "Call the buyer about the decision process"}}
	tests := []struct {
		name   string
		out    toolOutput
		texts  []string
		reason map[string]string // rule -> substring of the reason
	}{
		{"both good", toolOutput{Insights: []toolInsight{good, {Rule: "probability_mismatch", Title: "20% is low for negotiation",
			Description: "Negotiation deals usually sit at 60% or more.", ActionTitles: []string{"Revisit the probability"}}}},
			[]string{"high_value_at_risk", "probability_mismatch"}, nil},
		{"one missing", toolOutput{Insights: []toolInsight{good}}, []string{"high_value_at_risk"},
			map[string]string{"probability_mismatch": "missing"}},
		{"invented number", toolOutput{Insights: []toolInsight{{Rule: "high_value_at_risk", Title: "Deal at risk",
			Description: "Only 2 weeks left and a $75,000 upside.", ActionTitles: good.ActionTitles}}}, nil,
			map[string]string{"high_value_at_risk": "not a fact"}},
		{"title too long", toolOutput{Insights: []toolInsight{{Rule: "high_value_at_risk", Title: strings.Repeat("x", 81),
			Description: "d", ActionTitles: good.ActionTitles}}}, nil, map[string]string{"high_value_at_risk": "more than 80"}},
		{"description too long", toolOutput{Insights: []toolInsight{{Rule: "high_value_at_risk", Title: "t",
			Description: strings.Repeat("y", 401), ActionTitles: good.ActionTitles}}}, nil,
			map[string]string{"high_value_at_risk": "more than 400"}},
		{"action added", toolOutput{Insights: []toolInsight{{Rule: "high_value_at_risk", Title: "t", Description: "d",
			ActionTitles: append(good.ActionTitles, "Send a discount")}}}, nil,
			map[string]string{"high_value_at_risk": "3 action titles for 2 actions"}},
		{"unknown rule", toolOutput{Insights: []toolInsight{{Rule: "made_up", Title: "t", Description: "d", ActionTitles: []string{}}}},
			nil, map[string]string{"made_up": "not a finding"}},
		{"duplicate", toolOutput{Insights: []toolInsight{good, good}}, nil,
			map[string]string{"high_value_at_risk": "more than once"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts, rejected := validate(req, tt.out, nil)
			if len(texts) != len(tt.texts) {
				t.Fatalf("texts %v, want %v (rejected %v)", texts, tt.texts, rejected)
			}
			for _, r := range tt.texts {
				if _, ok := texts[r]; !ok {
					t.Errorf("no text for %s (rejected: %s)", r, rejected[r])
				}
			}
			for rule, want := range tt.reason {
				if !strings.Contains(rejected[rule], want) {
					t.Errorf("%s rejected for %q, want it to mention %q", rule, rejected[rule], want)
				}
			}
		})
	}
}

func TestValidateAdmitsTemplateNumbers(t *testing.T) {
	req := claudeFixture()
	// The template computed "40 points below" from the facts; the model may
	// repeat what the template says.
	base := map[string]Text{"probability_mismatch": {Title: "20% is 40 points below the negotiation floor",
		Description: "d", ActionTitles: []string{"Update the probability"}}}
	out := toolOutput{Insights: []toolInsight{{Rule: "probability_mismatch", Title: "40 points under the 60% floor",
		Description: "At 20% this deal reads low.", ActionTitles: []string{"Fix the probability"}}}}
	if texts, rejected := validate(req, out, nil); len(texts) != 0 {
		t.Fatalf("without the template, 40 must be refused: %v %v", texts, rejected)
	}
	if texts, rejected := validate(req, out, base); len(texts) != 1 {
		t.Fatalf("with the template, 40 is a fact: %v", rejected)
	}
}

func TestDecodeOutputStrict(t *testing.T) {
	for _, raw := range []string{
		`{"insights": [{"rule": "r", "title": "t", "description": "d", "action_titles": [], "extra": 1}]}`,
		`{"insights": [{"rule": "r", "title": 5, "description": "d", "action_titles": []}]}`,
		`{"insights": [{"rule": "r", "title": "t", "description": "d"}]}`,
		`{"items": []}`,
		`{}`,
		`{"insights": []} {"insights": []}`,
		`{"insights": [`,
	} {
		if _, err := decodeOutput([]byte(raw)); err == nil {
			t.Errorf("%s: accepted", raw)
		}
	}
	if _, err := decodeOutput([]byte(`{"insights": []}`)); err != nil {
		t.Errorf("empty list refused: %v", err)
	}
}
