package preflight

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/getsentry/sentry-go"
)

var llmCovers = []string{"ANTHROPIC_API_KEY", "ANTHROPIC_MODEL", "ANTHROPIC_BASE_URL", "LLM_MAX_CONCURRENCY", "LLM_TIMEOUT", "LLM_DAILY_BUDGET_USD"}

func llmCheck() Check {
	return Check{ID: "llm", Title: "Claude (LLM) key", Covers: llmCovers,
		Run: func(ctx context.Context, in *Input) Result {
			st := in.Settings
			if st.AnthropicAPIKey == "" {
				return Result{Status: Warn, Detail: "ANTHROPIC_API_KEY is not set: the built-in template narrator words every insight",
					Fix: "set ANTHROPIC_API_KEY (console.anthropic.com → API keys) to have Claude word them; add a billing alert there"}
			}
			if st.LLMDailyBudget == 0 {
				return Result{Status: Warn, Detail: "LLM_DAILY_BUDGET_USD is 0, so Claude is never called",
					Fix: "set a daily budget in dollars, e.g. LLM_DAILY_BUDGET_USD=5"}
			}
			if !in.Online {
				return Result{Status: Pass, Detail: fmt.Sprintf("ANTHROPIC_API_KEY is set (model %s, budget $%g a day); not called: run with --online", st.AnthropicModel, st.LLMDailyBudget)}
			}
			start := time.Now()
			if err := pingClaude(ctx, in); err != nil {
				return llmFailure(err)
			}
			return Result{Status: Pass, Detail: fmt.Sprintf("Claude answered a one-token request with model %s in %d ms", st.AnthropicModel, time.Since(start).Milliseconds())}
		}}
}

// pingClaude sends the smallest request there is: one word in, one token out.
func pingClaude(ctx context.Context, in *Input) error {
	opts := []option.RequestOption{option.WithAPIKey(in.Settings.AnthropicAPIKey), option.WithHTTPClient(in.HTTPClient),
		option.WithMaxRetries(0), option.WithRequestTimeout(20 * time.Second)}
	if in.Settings.AnthropicBaseURL != "" {
		opts = append(opts, option.WithBaseURL(in.Settings.AnthropicBaseURL))
	}
	client := anthropic.NewClient(opts...)
	_, err := client.Messages.New(ctx, anthropic.MessageNewParams{
		Model:     in.Settings.AnthropicModel,
		MaxTokens: 1,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("ping"))},
	})
	return err
}

func llmFailure(err error) Result {
	r := Result{Status: Fail}
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) {
		r.Detail = "Claude could not be reached: " + err.Error()
		r.Fix = "check outbound HTTPS from this host (and ANTHROPIC_BASE_URL if set)"
		return r
	}
	msg := apiErr.Message
	if msg == "" {
		msg = http.StatusText(apiErr.StatusCode)
	}
	r.Detail = fmt.Sprintf("Claude answered %d: %s", apiErr.StatusCode, msg)
	switch {
	case apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden:
		r.Fix = "the key was rejected: create a new key at console.anthropic.com and set ANTHROPIC_API_KEY"
	case apiErr.StatusCode == http.StatusTooManyRequests:
		r.Fix = "rate limited: check the organisation's rate limits and remaining credits at console.anthropic.com"
	case strings.Contains(strings.ToLower(msg), "credit"):
		r.Fix = "the account is out of credits: add credits or raise the spend limit at console.anthropic.com"
	case apiErr.StatusCode == http.StatusNotFound || strings.Contains(strings.ToLower(msg), "model"):
		r.Fix = "the model is unknown or retired: set ANTHROPIC_MODEL to a current model id"
	default:
		r.Fix = "see the message above; status.anthropic.com shows outages"
	}
	return r
}

func sentryCheck() Check {
	return Check{ID: "sentry", Title: "Error tracking (Sentry)", Covers: []string{"SENTRY_DSN"},
		Run: func(ctx context.Context, in *Input) Result {
			dsn := in.Settings.SentryDSN
			if dsn == "" {
				return Result{Status: Warn, Detail: "SENTRY_DSN is not set: errors and panics reach only the logs",
					Fix: "create a Sentry project, set SENTRY_DSN from its Client Keys page, and add an alert rule (docs/operations.md)"}
			}
			if _, err := sentry.NewDsn(dsn); err != nil {
				return Result{Status: Fail, Detail: "SENTRY_DSN is not a valid DSN: " + err.Error(),
					Fix: "copy the DSN again from Sentry → Project Settings → Client Keys"}
			}
			if !in.Online {
				return Result{Status: Pass, Detail: "SENTRY_DSN is set; no test event sent: run with --online"}
			}
			id, err := sendSentryTest(ctx, in)
			if err != nil {
				return Result{Status: Fail, Detail: "the Sentry test event was not accepted: " + err.Error(),
					Fix: "check SENTRY_DSN (Project Settings → Client Keys) and outbound HTTPS to the ingest host"}
			}
			return Result{Status: Pass, Detail: "Sentry accepted test event " + id + " (look for \"VectorOS preflight test event\")"}
		}}
}

// statusRecorder remembers the status of every response, because the
// Sentry transport delivers in the background and reports no errors.
type statusRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	got  []int
	err  error
}

func (s *statusRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.err = err
	} else {
		s.got = append(s.got, resp.StatusCode)
	}
	return resp, err
}

// sendSentryTest sends one message event and waits for Sentry's answer.
func sendSentryTest(ctx context.Context, in *Input) (string, error) {
	base := in.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	rec := &statusRecorder{next: base}
	client, err := sentry.NewClient(sentry.ClientOptions{Dsn: in.Settings.SentryDSN, Environment: in.Settings.AppEnv,
		Release: in.Version, HTTPClient: &http.Client{Transport: rec, Timeout: in.HTTPClient.Timeout}})
	if err != nil {
		return "", err
	}
	scope := sentry.NewScope()
	scope.SetTag("vectoros.preflight", "true")
	scope.SetLevel(sentry.LevelInfo)
	id := sentry.NewHub(client, scope).CaptureMessage("VectorOS preflight test event")
	if id == nil {
		return "", errors.New("the event was dropped before sending (sample rate or BeforeSend)")
	}
	fctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if !client.FlushWithContext(fctx) {
		return "", errors.New("timed out waiting for Sentry")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	switch {
	case rec.err != nil:
		return "", rec.err
	case len(rec.got) == 0:
		return "", errors.New("nothing was sent")
	case rec.got[len(rec.got)-1] >= 300:
		code := rec.got[len(rec.got)-1]
		return "", fmt.Errorf("Sentry answered %d %s", code, http.StatusText(code))
	}
	return string(*id), nil
}

func metricsCheck() Check {
	return Check{ID: "metrics", Title: "Metrics endpoint protected", Covers: []string{"METRICS_TOKEN"},
		Run: func(_ context.Context, in *Input) Result {
			if in.Settings.MetricsToken == "" {
				return Result{Status: Warn, Detail: "METRICS_TOKEN is not set: anyone who can reach /metrics reads the business counters",
					Fix: "set METRICS_TOKEN (e.g. openssl rand -hex 32) and give Prometheus the same bearer token, unless /metrics is reachable only from your network"}
			}
			if len(in.Settings.MetricsToken) < 16 {
				return Result{Status: Warn, Detail: fmt.Sprintf("METRICS_TOKEN is only %d characters long", len(in.Settings.MetricsToken)),
					Fix: "use a random token of 32 or more characters (openssl rand -hex 32)"}
			}
			return Result{Status: Pass, Detail: "/metrics requires the bearer token METRICS_TOKEN"}
		}}
}
