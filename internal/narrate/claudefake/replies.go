package claudefake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Usage is the token count a reply reports.
type Usage struct {
	InputTokens  int `json:"input_tokens"`
	OutputTokens int `json:"output_tokens"`
}

// Insight is one finding's wording in the narration tool's input.
type Insight struct {
	Rule         string   `json:"rule"`
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	ActionTitles []string `json:"action_titles"`
}

// Good words every finding of the request from its own facts: the deal's
// value and probability, the actions' own titles. It reports a token usage
// proportional to the request and answer sizes (about four characters a
// token), so cost figures come out at a realistic scale.
func Good(r *Request) Reply {
	return Tool(r, GoodInsights(r), EstimateUsage(r, GoodInsights(r)))
}

// GoodInsights is the wording Good answers with.
func GoodInsights(r *Request) []Insight {
	deal, _ := r.Facts["deal"].(map[string]any)
	var out []Insight
	findings, _ := r.Facts["findings"].([]any)
	for _, x := range findings {
		f, _ := x.(map[string]any)
		rule, _ := f["rule"].(string)
		in := Insight{Rule: rule, Title: "Needs attention: " + strings.ReplaceAll(rule, "_", " "),
			Description: "This deal needs a closer look.", ActionTitles: []string{}}
		if v, ok := deal["value"].(string); ok && v != "" {
			in.Description = fmt.Sprintf("This deal is worth %s at %v%% and needs a closer look.", v, deal["probability_percent"])
		}
		actions, _ := f["actions"].([]any)
		for _, a := range actions {
			am, _ := a.(map[string]any)
			t, _ := am["title"].(string)
			in.ActionTitles = append(in.ActionTitles, t)
		}
		out = append(out, in)
	}
	return out
}

// EstimateUsage reports tokens as about four characters each.
func EstimateUsage(r *Request, answer any) Usage {
	in := len(r.Body.UserText())
	for _, s := range r.Body.System {
		in += len(s.Text)
	}
	if b, err := json.Marshal(r.Body.Tools); err == nil {
		in += len(b)
	}
	out, _ := json.Marshal(answer)
	return Usage{InputTokens: in / 4, OutputTokens: len(out)/4 + 20}
}

// Tool answers with one call of the narration tool whose input is
// {"insights": insights}.
func Tool(r *Request, insights []Insight, u Usage) Reply {
	if insights == nil {
		insights = []Insight{}
	}
	return ToolInput(r, map[string]any{"insights": insights}, u)
}

// ToolInput answers with one tool call carrying any input, raw JSON
// included (pass a json.RawMessage), to test what the narrator refuses.
func ToolInput(r *Request, input any, u Usage) Reply {
	return Content(r, []any{map[string]any{"type": "tool_use", "id": "toolu_fake", "name": "write_insights", "input": input}}, "tool_use", u)
}

// Content answers with the given content blocks and stop reason.
func Content(r *Request, content []any, stop string, u Usage) Reply {
	b, err := json.Marshal(map[string]any{
		"id": fmt.Sprintf("msg_fake_%d", r.N), "type": "message", "role": "assistant", "model": r.Body.Model,
		"content": content, "stop_reason": stop, "stop_sequence": nil,
		"usage": map[string]any{"input_tokens": u.InputTokens, "output_tokens": u.OutputTokens,
			"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
	})
	if err != nil {
		return Error(http.StatusInternalServerError, "api_error", err.Error())
	}
	return Reply{Body: b}
}

// Error answers with an API error.
func Error(status int, typ, message string) Reply {
	b, _ := json.Marshal(map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": message}})
	return Reply{Status: status, Body: b}
}

// RateLimited answers 429 with a retry-after of the given seconds.
func RateLimited(seconds string) Reply {
	r := Error(http.StatusTooManyRequests, "rate_limit_error", "rate limited")
	r.Header = map[string]string{"Retry-After": seconds}
	return r
}
