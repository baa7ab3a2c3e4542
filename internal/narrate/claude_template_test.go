package narrate

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// TestTemplateWordingPassesValidation guards the validator against being
// stricter than the facts: a model that answers with the template's own
// wording (the most faithful rewording there is) must pass, for every
// finding the analysis produces in its golden pipelines, in currencies with
// 0, 2 and 3 decimals, with and without value and close date.
func TestTemplateWordingPassesValidation(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "analysis", "testdata", "*.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no analysis golden files: %v", err)
	}
	var findings []domain.Finding
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var fs []domain.Finding
		if err := json.Unmarshal(b, &fs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		findings = append(findings, fs...)
	}
	rules := map[string]bool{}
	today := domain.Date{Year: 2026, Month: 11, Day: 27}
	for i, f := range findings {
		rules[f.Rule] = true
		for j, cur := range []string{"USD", "EUR", "JPY", "KWD"} {
			facts := Facts{DealID: f.DealID, Title: "Deal " + f.DealID, Company: "Company 7", StageName: "Proposal",
				Currency: cur, Probability: 40, Today: today, TimeZone: time.UTC}
			for _, e := range f.Evidence {
				switch e.Name {
				case "value":
					dec, _ := domain.CurrencyDecimals(cur)
					v := int64(e.Value)
					for range dec {
						v *= 10
					}
					facts.Value = &v
				case "probability":
					facts.Probability = int(e.Value)
				case "days_to_close":
					d := today.AddDays(int(e.Value))
					facts.CloseDate = &d
				}
			}
			if (i+j)%3 == 0 {
				facts.Value, facts.CloseDate = nil, nil
			}
			req := Request{Facts: facts, Findings: []domain.Finding{f}}
			base, err := Template{}.Narrate(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			tt := base.Texts[f.Rule]
			echo := toolOutput{Insights: []toolInsight{{Rule: f.Rule, Title: tt.Title, Description: tt.Description, ActionTitles: tt.ActionTitles}}}
			// Without the template as a base only the facts count; with it
			// the template's derived numbers do too.
			if texts, rejected := validate(req, echo, base.Texts); len(texts) != 1 {
				t.Errorf("%s on %s in %s: the template's own wording was rejected: %s\n%s\n%s", f.Rule, f.DealID, cur,
					rejected[f.Rule], tt.Title, tt.Description)
			}
		}
	}
	if len(rules) < 10 {
		t.Errorf("only %d rules covered: %v", len(rules), rules)
	}
	t.Logf("checked %d findings over %d rules", len(findings), len(rules))
}
