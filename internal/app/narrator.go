package app

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/store"
)

// newNarrator builds the narrator the monitor words insights with: Claude
// when ANTHROPIC_API_KEY is set, else the built-in template. The Claude
// narrator gets the template as its base (its wording is what the model
// rewords, and what stays when an answer is rejected) and reads today's
// spend from the store, so LLM_DAILY_BUDGET_USD holds across replicas. A
// model without a price in the table is a startup error: its spend could
// not be bounded.
//
// observe, when set, is told every LLM call's outcome (the
// vectoros_llm_calls_total counter).
func newNarrator(cfg config.Config, s *store.Store, now func() time.Time, log *slog.Logger, observe func(outcome string)) (narrate.Narrator, error) {
	if cfg.AnthropicAPIKey == "" {
		log.Info("narrator: built-in template (set ANTHROPIC_API_KEY to word insights with Claude)")
		return narrate.Template{}, nil
	}
	c, err := narrate.NewClaude(narrate.ClaudeConfig{
		APIKey:         cfg.AnthropicAPIKey,
		Model:          cfg.AnthropicModel,
		BaseURL:        cfg.AnthropicBaseURL,
		MaxConcurrency: cfg.LLMMaxConcurrency,
		Timeout:        cfg.LLMTimeout,
		DailyBudgetUSD: cfg.LLMDailyBudgetUSD,
		Spend:          s.LLMSpend,
		Base:           narrate.Template{},
		Now:            now,
		Logger:         log,
		Observe:        observe,
	})
	if err != nil {
		return nil, fmt.Errorf("ANTHROPIC_MODEL: %w", err)
	}
	log.Info("narrator: Claude", "model", c.Name(), "max_concurrency", cfg.LLMMaxConcurrency,
		"timeout", cfg.LLMTimeout, "daily_budget_usd", cfg.LLMDailyBudgetUSD)
	return c, nil
}
