package narrate

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultModel is the model the Claude narrator uses when ANTHROPIC_MODEL is
// empty (config.DefaultAnthropicModel must name the same id). It is pinned
// here, next to its price, because the budget is only as good as the price:
// claude-sonnet-4-6 accepts a forced tool choice, which the narrator relies
// on for strict JSON (the 5.5 generation answers a forced choice with a 400).
const DefaultModel = "claude-sonnet-4-6"

// Price is what one model costs, in US dollars per million tokens, and how
// the narrator must call it.
type Price struct {
	InputPerMTok      float64
	OutputPerMTok     float64
	CacheWritePerMTok float64 // 5-minute cache writes
	CacheReadPerMTok  float64
	// ForcedToolChoice is true when the model accepts tool_choice naming a
	// tool. Models that reject it get tool_choice auto with a single tool, and
	// an answer without the tool call is rejected like any malformed one.
	ForcedToolChoice bool
}

// Usage is the token count of one response, as the Messages API reports it.
type Usage struct {
	InputTokens         int
	OutputTokens        int
	CacheCreationTokens int
	CacheReadTokens     int
}

// Cost estimates what a response cost, in US dollars.
func (p Price) Cost(u Usage) float64 {
	return (float64(u.InputTokens)*p.InputPerMTok +
		float64(u.OutputTokens)*p.OutputPerMTok +
		float64(u.CacheCreationTokens)*p.CacheWritePerMTok +
		float64(u.CacheReadTokens)*p.CacheReadPerMTok) / 1e6
}

// priceTable lists the models the narrator may use, with Anthropic's list
// prices (standard tier, prompts well under any long-context threshold; the
// narrator's prompts are a few thousand tokens). A model missing here is
// refused at start: without a price the daily budget cannot be enforced.
// Sources: the model overview pages on platform.claude.com, November 2026.
func priceTable() map[string]Price {
	sonnet4 := Price{InputPerMTok: 3, OutputPerMTok: 15, CacheWritePerMTok: 3.75, CacheReadPerMTok: 0.30, ForcedToolChoice: true}
	haiku45 := Price{InputPerMTok: 1, OutputPerMTok: 5, CacheWritePerMTok: 1.25, CacheReadPerMTok: 0.10, ForcedToolChoice: true}
	opus46 := Price{InputPerMTok: 5, OutputPerMTok: 25, CacheWritePerMTok: 6.25, CacheReadPerMTok: 0.50, ForcedToolChoice: true}
	return map[string]Price{
		"claude-sonnet-4-6":          sonnet4,
		"claude-sonnet-4-5":          sonnet4, // retires 2026-11-30
		"claude-sonnet-4-5-20250929": sonnet4,
		"claude-haiku-4-5":           haiku45,
		"claude-haiku-4-5-20251001":  haiku45,
		"claude-opus-4-6":            opus46,
		"claude-opus-5":              opus46,
		"claude-sonnet-5": {InputPerMTok: 2, OutputPerMTok: 10, CacheWritePerMTok: 2.50, CacheReadPerMTok: 0.20,
			ForcedToolChoice: true},
		// The 5.5 generation rejects a forced tool choice (400).
		"claude-sonnet-5-5": {InputPerMTok: 2, OutputPerMTok: 10, CacheWritePerMTok: 2.50, CacheReadPerMTok: 0.10},
		"claude-opus-5-5":   {InputPerMTok: 4, OutputPerMTok: 20, CacheWritePerMTok: 5, CacheReadPerMTok: 0.20},
	}
}

// PriceOf returns the price of a model id.
func PriceOf(model string) (Price, bool) {
	p, ok := priceTable()[model]
	return p, ok
}

// PricedModels lists the model ids of the price table, sorted.
func PricedModels() []string {
	t := priceTable()
	out := make([]string, 0, len(t))
	for m := range t {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

// errUnpriced explains why a model cannot be used.
func errUnpriced(model string) error {
	return fmt.Errorf("narrate: model %q has no price, so LLM_DAILY_BUDGET_USD cannot be enforced; "+
		"set ANTHROPIC_MODEL to one of %s or add it to the price table in internal/narrate/price.go",
		model, strings.Join(PricedModels(), ", "))
}
