package narrate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vectoros/vectoros/internal/domain"
)

// Length limits of a model's wording, in characters.
const (
	MaxTitleLen       = 80
	MaxDescriptionLen = 400
	// MaxActionTitleLen bounds a reworded action title; a rule's own title
	// may be longer, and then its length is the bound.
	MaxActionTitleLen = 120
)

// toolOutput is the input the model must give the narration tool.
type toolOutput struct {
	Insights []toolInsight `json:"insights"`
}

type toolInsight struct {
	Rule         string   `json:"rule"`
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	ActionTitles []string `json:"action_titles"`
}

// errShape marks an answer that does not have the tool's shape at all.
var errShape = errors.New("answer does not match the tool's schema")

// decodeOutput parses the tool input strictly: unknown fields, wrong types,
// trailing data and a missing insights list are all refused.
func decodeOutput(raw []byte) (toolOutput, error) {
	var out struct {
		Insights *[]toolInsight `json:"insights"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return toolOutput{}, fmt.Errorf("%w: %v", errShape, err)
	}
	if dec.More() {
		return toolOutput{}, fmt.Errorf("%w: trailing data after the object", errShape)
	}
	if out.Insights == nil {
		return toolOutput{}, fmt.Errorf("%w: no insights list", errShape)
	}
	for i, in := range *out.Insights {
		if in.ActionTitles == nil {
			return toolOutput{}, fmt.Errorf("%w: insight %d has no action_titles", errShape, i)
		}
	}
	return toolOutput{Insights: *out.Insights}, nil
}

// validate checks a decoded answer against the request, finding by finding.
// It returns the texts that passed, and for every finding without one the
// reason (by rule); entries for rules the deal does not have are reported
// under their own name and never become texts.
func validate(req Request, out toolOutput, base map[string]Text) (map[string]Text, map[string]string) {
	texts := map[string]Text{}
	rejected := map[string]string{}
	byRule := map[string]domain.Finding{}
	for _, f := range req.Findings {
		byRule[f.Rule] = f
	}
	seen := map[string]int{}
	for _, in := range out.Insights {
		seen[in.Rule]++
	}
	names := []string{req.Facts.Title, req.Facts.Company, req.Facts.StageName}
	for _, in := range out.Insights {
		f, ok := byRule[in.Rule]
		switch {
		case !ok:
			rejected[in.Rule] = "not a finding of this deal"
			continue
		case seen[in.Rule] > 1:
			rejected[in.Rule] = "worded more than once"
			continue
		}
		var b *Text
		if t, ok := base[in.Rule]; ok {
			b = &t
		}
		t, err := checkInsight(in, f, factsFor(req.Facts, f, b), names)
		if err != nil {
			rejected[in.Rule] = err.Error()
			continue
		}
		texts[in.Rule] = t
	}
	for _, f := range req.Findings {
		if _, ok := texts[f.Rule]; !ok && rejected[f.Rule] == "" {
			rejected[f.Rule] = "missing from the answer"
		}
	}
	return texts, rejected
}

func checkInsight(in toolInsight, f domain.Finding, facts factSet, names []string) (Text, error) {
	t := Text{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description)}
	if err := checkText("title", t.Title, MaxTitleLen, facts, names); err != nil {
		return Text{}, err
	}
	if strings.ContainsAny(t.Title, "\r\n") {
		return Text{}, errors.New("title spans more than one line")
	}
	if err := checkText("description", t.Description, MaxDescriptionLen, facts, names); err != nil {
		return Text{}, err
	}
	if len(in.ActionTitles) != len(f.Actions) {
		return Text{}, fmt.Errorf("%d action titles for %d actions", len(in.ActionTitles), len(f.Actions))
	}
	for i, a := range in.ActionTitles {
		a = strings.TrimSpace(a)
		limit := max(MaxActionTitleLen, utf8.RuneCountInString(f.Actions[i].Title))
		if err := checkText(fmt.Sprintf("action title %d", i+1), a, limit, facts, names); err != nil {
			return Text{}, err
		}
		t.ActionTitles = append(t.ActionTitles, a)
	}
	return t, nil
}

func checkText(what, s string, limit int, facts factSet, names []string) error {
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return fmt.Errorf("%s is empty", what)
	case n > limit:
		return fmt.Errorf("%s has %d characters, more than %d", what, n, limit)
	}
	if err := checkNumbers(s, facts, names); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
