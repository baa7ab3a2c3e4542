package narrate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// call sends one deal's request, retrying with backoff on 408, 409, 429,
// 5xx and 529 (honouring retry-after), on transport errors and on per-call
// timeouts. Each HTTP call is counted in res, with its tokens and cost.
// Before each call it asks the budget and the circuit breaker.
func (c *Claude) call(ctx context.Context, p anthropic.MessageNewParams, res *Result) (*anthropic.Message, error) {
	reserve := c.estimateCost(p)
	for attempt := 1; ; attempt++ {
		if err := c.budget.admit(ctx, reserve); err != nil {
			c.observe(OutcomeBudgetExhausted)
			return nil, err
		}
		if !c.breaker.allow() {
			c.budget.release(reserve)
			return nil, fmt.Errorf("%w (%s)", ErrCircuitOpen, c.breaker.state())
		}
		res.Calls++
		cctx, cancel := context.WithTimeout(ctx, c.timeout)
		msg, err := c.client.Messages.New(cctx, p, option.WithRequestTimeout(c.timeout))
		cancel()
		if err == nil {
			c.breaker.success()
			u := Usage{InputTokens: int(msg.Usage.InputTokens), OutputTokens: int(msg.Usage.OutputTokens),
				CacheCreationTokens: int(msg.Usage.CacheCreationInputTokens), CacheReadTokens: int(msg.Usage.CacheReadInputTokens)}
			cost := c.price.Cost(u)
			c.budget.settle(reserve, cost)
			res.TokensIn += u.InputTokens + u.CacheCreationTokens + u.CacheReadTokens
			res.TokensOut += u.OutputTokens
			res.CostUSD += cost
			return msg, nil
		}
		c.budget.release(reserve)
		c.observe(OutcomeError)
		if ctx.Err() != nil {
			c.breaker.release()
			return nil, fmt.Errorf("narrate: claude: %w", ctx.Err())
		}
		f := classify(err, c.now)
		if f.endpointDown {
			if c.breaker.failure() {
				c.log.ErrorContext(ctx, "LLM circuit opened: narration paused, template text used", "error", err)
			}
		} else {
			c.breaker.success() // it answered: the endpoint is alive
		}
		wait := c.backoff(attempt)
		if f.retryAfter > 0 {
			if f.retryAfter > c.maxRetryAft {
				return nil, fmt.Errorf("narrate: claude: retry-after %s is longer than the %s we wait: %w", f.retryAfter, c.maxRetryAft, err)
			}
			wait = max(wait, f.retryAfter)
		}
		if !f.retry || attempt >= c.maxAttempts {
			return nil, fmt.Errorf("narrate: claude: after %d call(s): %w", attempt, err)
		}
		c.log.WarnContext(ctx, "LLM call failed, retrying", "attempt", attempt, "wait", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("narrate: claude: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// backoff is exponential with full jitter above half the step, so replicas
// that failed together do not retry together.
func (c *Claude) backoff(attempt int) time.Duration {
	d := min(c.retryMax, c.retryBase<<(attempt-1))
	return d/2 + rand.N(d/2+1)
}

// failure says what a failed call means.
type failure struct {
	retry        bool
	endpointDown bool          // counts toward opening the circuit
	retryAfter   time.Duration // asked by the server, 0 when not
}

func classify(err error, now func() time.Time) failure {
	var apiErr *anthropic.Error
	if errors.As(err, &apiErr) {
		f := failure{}
		switch s := apiErr.StatusCode; {
		case s == http.StatusTooManyRequests, s >= 500: // 529 overloaded included
			f.retry, f.endpointDown = true, true
		case s == http.StatusRequestTimeout, s == http.StatusConflict:
			f.retry = true
		case s == http.StatusUnauthorized, s == http.StatusForbidden:
			f.endpointDown = true // every call will fail the same way
		}
		if apiErr.Response != nil {
			f.retryAfter = retryAfter(apiErr.Response.Header, now)
		}
		return f
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return failure{retry: true, endpointDown: true} // the per-call timeout
	}
	if isTransport(err) {
		return failure{retry: true, endpointDown: true}
	}
	// An answer that could not be read (a malformed body): sending the same
	// request again would be paid for twice.
	return failure{endpointDown: true}
}

// isTransport reports a failure to reach the endpoint or read its answer.
func isTransport(err error) bool {
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) {
		return true // net.Error, *url.Error
	}
	return false
}

// retryAfter reads retry-after-ms (Anthropic) or retry-after (seconds or an
// HTTP date).
func retryAfter(h http.Header, now func() time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now()))
	}
	return 0
}
