package narrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// ClaudeConfig configures the Claude narrator. Zero durations and counts
// take the defaults named on each field.
type ClaudeConfig struct {
	APIKey         string
	Model          string        // default DefaultModel; must be in the price table
	BaseURL        string        // default https://api.anthropic.com/
	MaxConcurrency int           // requests in flight at most; default 4
	Timeout        time.Duration // per HTTP call; default 60s
	DailyBudgetUSD float64       // per UTC day across replicas; at it, no more calls
	// Spend reads today's spend from the database (every replica's monitor
	// runs). Nil counts this process's spend only.
	Spend SpendFunc
	// Base, when set, is the template narrator: its wording goes into the
	// prompt as the text to improve, and the numbers in it count as facts.
	Base   Narrator
	Now    func() time.Time // required: the clock of the day boundary and breaker
	Logger *slog.Logger

	HTTPClient       *http.Client  // default: a plain client (timeouts come from Timeout)
	MaxAttempts      int           // HTTP calls per deal, retries included; default 3
	RetryBase        time.Duration // first backoff; doubles per retry, with jitter; default 500ms
	RetryMax         time.Duration // longest backoff; default 8s
	MaxRetryAfter    time.Duration // longest retry-after honoured; longer gives up; default 30s
	BreakerThreshold int           // consecutive failures that open the circuit; default 5
	BreakerCooldown  time.Duration // how long it stays open before one probe; default 30s
	SpendRefresh     time.Duration // how often the database spend is re-read; default DefaultSpendRefresh
	// Observe, when set, is told the outcome of every LLM call (one of the
	// Outcome constants), for the vectoros_llm_calls_total{outcome} counter.
	Observe func(outcome string)
}

// Outcomes of an LLM call, as Observe reports them.
const (
	OutcomeOK              = "ok"               // answered, every finding's wording accepted
	OutcomeRejected        = "rejected"         // answered, some or all wording refused (template kept)
	OutcomeError           = "error"            // failed: HTTP error, timeout, unreadable answer
	OutcomeBudgetExhausted = "budget_exhausted" // not sent: the daily budget is spent
)

// DefaultSpendRefresh is how long a reading of today's spend from the
// database is trusted: other replicas' spend shows up within it.
const DefaultSpendRefresh = 15 * time.Second

// Claude words findings with Anthropic's Messages API: one request per deal,
// strict JSON through a single tool, every text validated against the facts.
// It is safe for concurrent use; at most MaxConcurrency requests are in
// flight whatever the number of callers.
type Claude struct {
	client      anthropic.Client
	model       string
	price       Price
	timeout     time.Duration
	maxAttempts int
	retryBase   time.Duration
	retryMax    time.Duration
	maxRetryAft time.Duration
	base        Narrator
	now         func() time.Time
	log         *slog.Logger
	sem         chan struct{}
	breaker     *breaker
	budget      *budget
	observe     func(string)
}

// NewClaude builds the Claude narrator. It sends nothing until Narrate.
func NewClaude(cfg ClaudeConfig) (*Claude, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("narrate: claude: an API key is required")
	}
	if cfg.Now == nil {
		return nil, errors.New("narrate: claude: a clock is required")
	}
	if cfg.DailyBudgetUSD < 0 {
		return nil, fmt.Errorf("narrate: claude: daily budget %v is negative", cfg.DailyBudgetUSD)
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	price, ok := PriceOf(cfg.Model)
	if !ok {
		return nil, errUnpriced(cfg.Model)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.anthropic.com/"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = 4
	}
	if cfg.HTTPClient == nil {
		// Keep a connection per request slot alive between deals (the
		// default keeps 2 per host, so a cycle would keep reconnecting).
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = cfg.MaxConcurrency
		cfg.HTTPClient = &http.Client{Transport: tr}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Timeout, 60*time.Second)
	def(&cfg.RetryBase, 500*time.Millisecond)
	def(&cfg.RetryMax, 8*time.Second)
	def(&cfg.MaxRetryAfter, 30*time.Second)
	def(&cfg.BreakerCooldown, 30*time.Second)
	def(&cfg.SpendRefresh, DefaultSpendRefresh)
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.BreakerThreshold <= 0 {
		cfg.BreakerThreshold = 5
	}
	if cfg.Observe == nil {
		cfg.Observe = func(string) {}
	}
	log := cfg.Logger.With("narrator", cfg.Model)
	return &Claude{
		// Everything explicit: the SDK would otherwise read ANTHROPIC_*
		// variables itself and retry on its own; ours are the only retries.
		client: anthropic.NewClient(
			option.WithoutEnvironmentDefaults(),
			option.WithAPIKey(cfg.APIKey),
			option.WithBaseURL(cfg.BaseURL),
			option.WithHTTPClient(cfg.HTTPClient),
			option.WithMaxRetries(0),
			option.WithoutOpenTelemetry(),
		),
		model: cfg.Model, price: price, timeout: cfg.Timeout, maxAttempts: cfg.MaxAttempts,
		retryBase: cfg.RetryBase, retryMax: cfg.RetryMax, maxRetryAft: cfg.MaxRetryAfter,
		base: cfg.Base, now: cfg.Now, log: log, observe: cfg.Observe,
		sem:     make(chan struct{}, cfg.MaxConcurrency),
		breaker: newBreaker(cfg.BreakerThreshold, cfg.BreakerCooldown, cfg.Now),
		budget:  newBudget(cfg.DailyBudgetUSD, cfg.Spend, cfg.Now, cfg.SpendRefresh, log),
	}, nil
}

// Name is the model id: it is part of the narration key, so changing the
// model re-narrates.
func (c *Claude) Name() string { return c.model }

// SpentToday returns today's (UTC) LLM spend as far as this process can
// tell: the database figure plus this process's spend not yet recorded.
func (c *Claude) SpentToday(ctx context.Context) float64 { return c.budget.spent(ctx) }

// Narrate words one deal's findings with one request (plus retries).
//
// The outcome tells the caller what to store under the narration key:
//   - nil error: an attempt was made. Texts holds the findings whose wording
//     passed validation; the others keep their template text. Store the key
//     for every finding of the request, so a rejected answer is not paid for
//     again until the key changes.
//   - an error with Calls > 0: the endpoint failed after retries; the attempt
//     counts as made (store the key).
//   - an error with Calls == 0: nothing was sent (ErrBudgetExhausted,
//     ErrCircuitOpen, or the context ended first); keep the old key so a
//     later cycle tries again.
//
// Calls, tokens and CostUSD account for every HTTP call made.
func (c *Claude) Narrate(ctx context.Context, req Request) (Result, error) {
	res := Result{Narrator: c.model}
	if len(req.Findings) == 0 {
		return res, nil
	}
	var base map[string]Text
	if c.base != nil {
		if b, err := c.base.Narrate(ctx, req); err == nil {
			base = b.Texts
		}
	}
	params, err := messageParams(c.model, c.price, req, base)
	if err != nil {
		return res, err
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return res, fmt.Errorf("narrate: claude: waiting for a request slot: %w", ctx.Err())
	}
	defer func() { <-c.sem }()

	msg, err := c.call(ctx, params, &res)
	if err != nil {
		return res, err
	}
	out, err := toolAnswer(msg)
	if err != nil {
		c.observe(OutcomeRejected)
		c.log.WarnContext(ctx, "narration rejected: template text kept", "deal_id", req.Facts.DealID,
			"findings", len(req.Findings), "reason", err)
		return res, nil
	}
	texts, rejected := validate(req, out, base)
	if len(rejected) == 0 {
		c.observe(OutcomeOK)
	} else {
		c.observe(OutcomeRejected)
	}
	for rule, why := range rejected {
		c.log.WarnContext(ctx, "narration rejected: template text kept", "deal_id", req.Facts.DealID,
			"rule", rule, "reason", why)
	}
	if len(texts) > 0 {
		res.Texts = texts
	}
	return res, nil
}

// toolAnswer finds the narration tool's input in a response.
func toolAnswer(msg *anthropic.Message) (toolOutput, error) {
	if msg.StopReason == anthropic.StopReasonMaxTokens {
		return toolOutput{}, errors.New("answer cut off at max_tokens")
	}
	var found []toolOutput
	for _, b := range msg.Content {
		if b.Type != "tool_use" {
			continue
		}
		if b.Name != toolName {
			return toolOutput{}, fmt.Errorf("called unknown tool %q", b.Name)
		}
		out, err := decodeOutput(b.Input)
		if err != nil {
			return toolOutput{}, err
		}
		found = append(found, out)
	}
	switch len(found) {
	case 0:
		return toolOutput{}, fmt.Errorf("no %s call in the answer (stop reason %q)", toolName, msg.StopReason)
	case 1:
		return found[0], nil
	}
	return toolOutput{}, fmt.Errorf("%d %s calls in one answer", len(found), toolName)
}

// estimateCost bounds what one request may cost before it is sent: about
// three characters per input token (English runs nearer four), and the whole
// max_tokens of output.
func (c *Claude) estimateCost(p anthropic.MessageNewParams) float64 {
	chars := len(systemPrompt)
	for _, m := range p.Messages {
		for _, b := range m.OfUser.Content {
			if b.OfText != nil {
				chars += len(b.OfText.Text)
			}
		}
	}
	chars += 2000 // the tool definition
	return c.price.Cost(Usage{InputTokens: chars / 3, OutputTokens: int(p.MaxTokens)})
}
