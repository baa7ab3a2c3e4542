package narrate

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/vectoros/vectoros/internal/domain"
)

// toolName is the single tool the model must call with its wording.
const toolName = "write_insights"

const systemPrompt = `You are a senior sales manager writing short, concrete notes for a sales rep about one deal.
An automated monitor has already found what is wrong or right with the deal; you only reword its findings.

Rules:
- Call the write_insights tool exactly once, with one entry per finding, using the finding's rule id.
- For each finding write a title (at most 80 characters, one line), a description (at most 400 characters)
  and one action title per listed action, in the same order (at most 120 characters each).
- Reword; never add. Do not invent actions, people, dates, amounts, percentages, counts or reasons.
- Every number you write must appear in the facts: the deal's value, probability, dates and days to close,
  the finding's evidence and the actions' due days or dates. Do not compute new numbers (no differences,
  sums or averages). Write amounts with the deal's currency, percentages with %, durations in days.
- Plain, direct language. No greetings, no markdown, no emojis.`

// emailRE finds email addresses, which never leave the process even if a
// user typed one into a deal's title or company.
var emailRE = regexp.MustCompile(`[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}`)

func scrub(s string) string { return emailRE.ReplaceAllString(s, "[email removed]") }

type promptDeal struct {
	Title       string  `json:"title"`
	Company     string  `json:"company,omitempty"`
	Stage       string  `json:"stage"`
	Currency    string  `json:"currency"`
	Value       string  `json:"value,omitempty"`
	ValueMajor  float64 `json:"value_major_units,omitempty"`
	Probability int     `json:"probability_percent"`
	CloseDate   string  `json:"close_date,omitempty"`
	DaysToClose *int    `json:"days_to_close,omitempty"`
	Today       string  `json:"today"`
}

type promptFinding struct {
	Rule     string            `json:"rule"`
	Type     string            `json:"type"`
	Priority string            `json:"priority"`
	Evidence []domain.Evidence `json:"evidence"`
	Actions  []promptAction    `json:"actions"`
	Current  *promptWording    `json:"current_wording,omitempty"`
}

type promptAction struct {
	Title     string `json:"title"`
	DueInDays int    `json:"due_in_days"`
	DueDate   string `json:"due_date"`
}

type promptWording struct {
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	ActionTitles []string `json:"action_titles"`
}

// promptFacts renders what the model may know about a deal: no ids, no
// contact details, nothing but the facts the findings rest on.
func promptFacts(req Request, base map[string]Text) ([]byte, error) {
	fa := req.Facts
	d := promptDeal{Title: scrub(fa.Title), Company: scrub(fa.Company), Stage: scrub(fa.StageName),
		Currency: fa.Currency, Probability: fa.Probability, Today: fa.Today.String()}
	if fa.Value != nil {
		d.Value = domain.FormatMoney(*fa.Value, fa.Currency)
		d.ValueMajor = domain.MajorUnits(*fa.Value, fa.Currency)
	}
	if fa.CloseDate != nil {
		d.CloseDate = fa.CloseDate.String()
		n := fa.CloseDate.DaysSince(fa.Today)
		d.DaysToClose = &n
	}
	fs := make([]promptFinding, 0, len(req.Findings))
	for _, f := range req.Findings {
		pf := promptFinding{Rule: f.Rule, Type: string(f.Type), Priority: string(f.Priority),
			Evidence: f.Evidence, Actions: make([]promptAction, 0, len(f.Actions))}
		if pf.Evidence == nil {
			pf.Evidence = []domain.Evidence{}
		}
		for _, a := range f.Actions {
			pf.Actions = append(pf.Actions, promptAction{Title: a.Title, DueInDays: a.DueInDays,
				DueDate: fa.Today.AddDays(a.DueInDays).String()})
		}
		if t, ok := base[f.Rule]; ok {
			pf.Current = &promptWording{Title: scrub(t.Title), Description: scrub(t.Description), ActionTitles: t.ActionTitles}
		}
		fs = append(fs, pf)
	}
	b, err := json.MarshalIndent(struct {
		Deal     promptDeal      `json:"deal"`
		Findings []promptFinding `json:"findings"`
	}{d, fs}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("narrate: render facts: %w", err)
	}
	return b, nil
}

// toolSchema is the JSON schema of the narration tool's input. The rule
// enum names exactly this deal's findings.
func toolSchema(req Request) anthropic.ToolInputSchemaParam {
	rules := make([]string, 0, len(req.Findings))
	for _, f := range req.Findings {
		rules = append(rules, f.Rule)
	}
	return anthropic.ToolInputSchemaParam{
		Properties: map[string]any{
			"insights": map[string]any{
				"type":        "array",
				"description": "One entry per finding of the deal.",
				"items": map[string]any{
					"type":                 "object",
					"additionalProperties": false,
					"required":             []string{"rule", "title", "description", "action_titles"},
					"properties": map[string]any{
						"rule":        map[string]any{"type": "string", "enum": rules},
						"title":       map[string]any{"type": "string", "maxLength": MaxTitleLen},
						"description": map[string]any{"type": "string", "maxLength": MaxDescriptionLen},
						"action_titles": map[string]any{
							"type":        "array",
							"description": "One rewording per action of the finding, in the same order.",
							"items":       map[string]any{"type": "string", "maxLength": MaxActionTitleLen},
						},
					},
				},
			},
		},
		Required:    []string{"insights"},
		ExtraFields: map[string]any{"additionalProperties": false},
	}
}

// maxTokens bounds the answer: room for every finding's wording at its
// limits, plus slack for models that think before they answer.
func maxTokens(findings int) int64 {
	return int64(min(8192, 1024+400*findings))
}

// messageParams builds the one request for a deal.
func messageParams(model string, price Price, req Request, base map[string]Text) (anthropic.MessageNewParams, error) {
	facts, err := promptFacts(req, base)
	if err != nil {
		return anthropic.MessageNewParams{}, err
	}
	p := anthropic.MessageNewParams{
		Model:     model,
		MaxTokens: maxTokens(len(req.Findings)),
		System:    []anthropic.TextBlockParam{{Text: systemPrompt}},
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(
			"Reword the findings of this deal. Facts (JSON):\n" + string(facts)))},
		Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{
			Name:        toolName,
			Description: anthropic.String("Record the reworded title, description and action titles of each finding."),
			InputSchema: toolSchema(req),
		}}},
	}
	if price.ForcedToolChoice {
		p.ToolChoice = anthropic.ToolChoiceParamOfTool(toolName)
	} else {
		p.ToolChoice = anthropic.ToolChoiceUnionParam{OfAuto: &anthropic.ToolChoiceAutoParam{}}
	}
	return p, nil
}
