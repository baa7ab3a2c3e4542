package narrate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/narrate/claudefake"
)

// The -update flag may be defined by another test file of this package;
// define it only when nobody has (package variables initialise before init).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite testdata/*.golden")
	}
}

func updateGolden() bool {
	g, ok := flag.Lookup("update").Value.(flag.Getter)
	return ok && g.Get() == true
}

const testKey = "sk-ant-test-key"

// claudeClock is a settable clock.
type claudeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClaudeClock() *claudeClock {
	return &claudeClock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
}

func (c *claudeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *claudeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// claudeLogs collects log lines for assertions.
type claudeLogs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *claudeLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *claudeLogs) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// newTestClaude starts a fake and a narrator pointed at it; tweak edits the
// configuration first.
func newTestClaude(t *testing.T, tweak func(*ClaudeConfig)) (*Claude, *claudefake.Server, *claudeLogs) {
	t.Helper()
	fake := claudefake.New(testKey)
	t.Cleanup(fake.Close)
	logs := &claudeLogs{}
	cfg := ClaudeConfig{APIKey: testKey, BaseURL: fake.URL, DailyBudgetUSD: 5, Now: newClaudeClock().Now,
		Logger: slog.New(slog.NewTextHandler(logs, nil)), RetryBase: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := NewClaude(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, fake, logs
}

func TestClaudeSuccess(t *testing.T) {
	c, fake, _ := newTestClaude(t, nil)
	req := claudeFixture()
	res, err := c.Narrate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Texts) != 2 {
		t.Fatalf("texts %+v, want both findings worded", res.Texts)
	}
	hv := res.Texts["high_value_at_risk"]
	if hv.Description != "This deal is worth $50,000 at 20% and needs a closer look." || len(hv.ActionTitles) != 2 {
		t.Errorf("high_value_at_risk text %+v", hv)
	}
	if res.Narrator != DefaultModel || res.Calls != 1 || fake.Calls() != 1 {
		t.Errorf("narrator %q calls %d (fake saw %d), want %s and 1", res.Narrator, res.Calls, fake.Calls(), DefaultModel)
	}
	r := fake.Requests()[0]
	u := claudefake.EstimateUsage(r, claudefake.GoodInsights(r))
	if res.TokensIn != u.InputTokens || res.TokensOut != u.OutputTokens {
		t.Errorf("tokens %d/%d, fake reported %d/%d", res.TokensIn, res.TokensOut, u.InputTokens, u.OutputTokens)
	}
	p, _ := PriceOf(DefaultModel)
	if want := p.Cost(Usage{InputTokens: u.InputTokens, OutputTokens: u.OutputTokens}); res.CostUSD != want || want == 0 {
		t.Errorf("cost %v, want %v", res.CostUSD, want)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization %q", got)
	}
	if r.Header.Get("Anthropic-Version") == "" || r.Header.Get("X-Api-Key") != "" {
		t.Errorf("headers: version %q, x-api-key %q", r.Header.Get("Anthropic-Version"), r.Header.Get("X-Api-Key"))
	}
	if r.Body.ToolChoice["type"] != "tool" || r.Body.ToolChoice["name"] != toolName || len(r.Body.Tools) != 1 {
		t.Errorf("tool_choice %v, %d tools: the one tool must be forced", r.Body.ToolChoice, len(r.Body.Tools))
	}
	claudeGolden(t, "request.golden", claudeRequestDigest(t, r))
}

// claudeRequestDigest is the request as a reviewer reads it: the settings, then
// the system prompt and the facts as plain text, then the tool.
func claudeRequestDigest(t *testing.T, r *claudefake.Request) []byte {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.Raw, &raw); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, k := range []string{"model", "max_tokens", "tool_choice"} {
		fmt.Fprintf(&b, "%s: %s\n", k, raw[k])
	}
	fmt.Fprintf(&b, "--- system\n%s\n--- user\n%s\n--- tools\n", r.Body.System[0].Text, r.Body.UserText())
	var tools any
	if err := json.Unmarshal(raw["tools"], &tools); err != nil {
		t.Fatal(err)
	}
	tb, _ := json.MarshalIndent(tools, "", "  ")
	b.Write(tb)
	b.WriteByte('\n')
	return b.Bytes()
}

func claudeGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updateGolden() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func TestClaudeNeverSendsEmails(t *testing.T) {
	c, fake, _ := newTestClaude(t, nil)
	req := claudeFixture()
	req.Facts.Title = "Renewal — ask jane.doe@buyer.example first"
	req.Facts.Company = "ops@acme.example"
	if _, err := c.Narrate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body := string(fake.Requests()[0].Raw)
	if strings.Contains(body, "@buyer.example") || strings.Contains(body, "ops@acme") {
		t.Errorf("an email address left the process: %s", body)
	}
}

func TestClaudeRetryAfterIsRespected(t *testing.T) {
	c, fake, _ := newTestClaude(t, nil)
	fake.Respond(func(n int, r *claudefake.Request) claudefake.Reply {
		if n == 1 {
			return claudefake.RateLimited("1")
		}
		return claudefake.Good(r)
	})
	res, err := c.Narrate(context.Background(), claudeFixture())
	if err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if len(reqs) != 2 || res.Calls != 2 || len(res.Texts) != 2 {
		t.Fatalf("%d requests, %d calls, %d texts; want 2, 2, 2", len(reqs), res.Calls, len(res.Texts))
	}
	// The backoff alone is at most 50 ms here: a gap of a second is the
	// server's retry-after.
	if gap := reqs[1].At.Sub(reqs[0].At); gap < time.Second {
		t.Errorf("retried after %s, before the 1 s retry-after", gap)
	}
}

func TestClaudeRetryAfterBeyondCapGivesUp(t *testing.T) {
	c, fake, _ := newTestClaude(t, func(cfg *ClaudeConfig) { cfg.MaxRetryAfter = 2 * time.Second })
	fake.Respond(func(int, *claudefake.Request) claudefake.Reply { return claudefake.RateLimited("120") })
	start := time.Now()
	res, err := c.Narrate(context.Background(), claudeFixture())
	if err == nil || res.Calls != 1 || fake.Calls() != 1 || time.Since(start) > time.Second {
		t.Fatalf("err %v, calls %d, fake %d after %s: a 2-minute retry-after must end the attempt at once",
			err, res.Calls, fake.Calls(), time.Since(start))
	}
}

func TestClaudeServerErrorThenSuccess(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, 529} {
		c, fake, _ := newTestClaude(t, nil)
		fake.Respond(func(n int, r *claudefake.Request) claudefake.Reply {
			if n == 1 {
				return claudefake.Error(status, "api_error", "boom")
			}
			return claudefake.Good(r)
		})
		res, err := c.Narrate(context.Background(), claudeFixture())
		if err != nil || res.Calls != 2 || fake.Calls() != 2 || len(res.Texts) != 2 {
			t.Errorf("%d then 200: err %v, calls %d, fake %d, texts %d", status, err, res.Calls, fake.Calls(), len(res.Texts))
		}
	}
}

func TestClaudeBadRequestIsNotRetried(t *testing.T) {
	c, fake, _ := newTestClaude(t, nil)
	fake.Respond(func(int, *claudefake.Request) claudefake.Reply {
		return claudefake.Error(http.StatusBadRequest, "invalid_request_error", "tool_choice forced is not supported")
	})
	res, err := c.Narrate(context.Background(), claudeFixture())
	if err == nil || res.Calls != 1 || fake.Calls() != 1 {
		t.Errorf("err %v, calls %d, fake %d; want one call and an error", err, res.Calls, fake.Calls())
	}
}

func TestClaudeTimeout(t *testing.T) {
	c, fake, _ := newTestClaude(t, func(cfg *ClaudeConfig) { cfg.Timeout = 200 * time.Millisecond; cfg.MaxAttempts = 2 })
	fake.SetDelay(2 * time.Second)
	start := time.Now()
	res, err := c.Narrate(context.Background(), claudeFixture())
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}
	if res.Calls != 2 || fake.Calls() != 2 || res.CostUSD != 0 || res.Texts != nil {
		t.Errorf("calls %d, fake %d, cost %v, texts %v", res.Calls, fake.Calls(), res.CostUSD, res.Texts)
	}
	if elapsed > time.Second {
		t.Errorf("two 200 ms attempts took %s", elapsed)
	}
}

func TestClaudeMalformedToolInput(t *testing.T) {
	c, fake, logs := newTestClaude(t, nil)
	fake.Respond(func(_ int, r *claudefake.Request) claudefake.Reply {
		// The input arrives as a string holding cut-off JSON.
		return claudefake.ToolInput(r, `{"insights": [{"rule": "high_value_at_risk", "title": "Deal at`, claudefake.Usage{InputTokens: 900, OutputTokens: 40})
	})
	res, err := c.Narrate(context.Background(), claudeFixture())
	if err != nil {
		t.Fatal(err)
	}
	if res.Texts != nil || res.Calls != 1 || res.TokensIn != 900 || res.CostUSD == 0 {
		t.Errorf("texts %v, calls %d, tokens in %d, cost %v: rejected, but the call counts", res.Texts, res.Calls, res.TokensIn, res.CostUSD)
	}
	if !strings.Contains(logs.String(), "narration rejected") {
		t.Errorf("rejection not logged: %s", logs)
	}
}

func TestClaudeMalformedBody(t *testing.T) {
	c, fake, _ := newTestClaude(t, nil)
	fake.Respond(func(int, *claudefake.Request) claudefake.Reply {
		return claudefake.Reply{Body: []byte(`{"id": "msg_1", "content": [`)}
	})
	res, err := c.Narrate(context.Background(), claudeFixture())
	if err == nil || res.Calls != 1 || fake.Calls() != 1 {
		t.Errorf("err %v, calls %d, fake %d: an unreadable answer fails without a paid retry", err, res.Calls, fake.Calls())
	}
}

func TestClaudeSchemaViolations(t *testing.T) {
	cases := map[string]any{
		"unknown field": map[string]any{"insights": []any{map[string]any{"rule": "high_value_at_risk", "title": "t",
			"description": "d", "action_titles": []string{"a", "b"}, "confidence": 0.9}}},
		"wrong type":   map[string]any{"insights": "none"},
		"missing list": map[string]any{"items": []any{}},
	}
	for name, input := range cases {
		t.Run(name, func(t *testing.T) {
			c, fake, _ := newTestClaude(t, nil)
			fake.Respond(func(_ int, r *claudefake.Request) claudefake.Reply {
				return claudefake.ToolInput(r, input, claudefake.Usage{InputTokens: 10, OutputTokens: 10})
			})
			res, err := c.Narrate(context.Background(), claudeFixture())
			if err != nil || res.Texts != nil || res.Calls != 1 {
				t.Errorf("err %v, texts %v, calls %d", err, res.Texts, res.Calls)
			}
		})
	}
	t.Run("text instead of the tool", func(t *testing.T) {
		c, fake, _ := newTestClaude(t, nil)
		fake.Respond(func(_ int, r *claudefake.Request) claudefake.Reply {
			return claudefake.Content(r, []any{map[string]any{"type": "text", "text": "Here you go"}}, "end_turn", claudefake.Usage{InputTokens: 10, OutputTokens: 5})
		})
		if res, err := c.Narrate(context.Background(), claudeFixture()); err != nil || res.Texts != nil {
			t.Errorf("err %v, texts %v", err, res.Texts)
		}
	})
}

func TestClaudeInventedNumberKeepsTemplate(t *testing.T) {
	c, fake, logs := newTestClaude(t, nil)
	fake.Respond(func(_ int, r *claudefake.Request) claudefake.Reply {
		in := claudefake.GoodInsights(r)
		for i := range in {
			if in[i].Rule == "probability_mismatch" {
				in[i].Description = "Similar deals close at 45%, so raise it."
			}
		}
		return claudefake.Tool(r, in, claudefake.Usage{InputTokens: 1000, OutputTokens: 200})
	})
	res, err := c.Narrate(context.Background(), claudeFixture())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Texts["probability_mismatch"]; ok {
		t.Error("the text with an invented 45% was accepted")
	}
	if _, ok := res.Texts["high_value_at_risk"]; !ok {
		t.Error("the valid sibling was dropped")
	}
	if !strings.Contains(logs.String(), `45%`) {
		t.Errorf("the rejection does not name the number: %s", logs)
	}
}

func TestClaudeIgnoresAnthropicEnvironment(t *testing.T) {
	t.Setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:1")
	t.Setenv("ANTHROPIC_API_KEY", "sk-ant-from-env")
	t.Setenv("ANTHROPIC_CUSTOM_HEADERS", "X-Leak: yes")
	c, fake, _ := newTestClaude(t, nil)
	if _, err := c.Narrate(context.Background(), claudeFixture()); err != nil {
		t.Fatal(err)
	}
	r := fake.Requests()[0]
	if r.Header.Get("Authorization") != "Bearer "+testKey || r.Header.Get("X-Leak") != "" {
		t.Errorf("the SDK read the environment: %v", r.Header)
	}
}

func TestClaudeUnforcedToolChoiceForModelsThatRejectIt(t *testing.T) {
	c, fake, _ := newTestClaude(t, func(cfg *ClaudeConfig) { cfg.Model = "claude-sonnet-5-5" })
	res, err := c.Narrate(context.Background(), claudeFixture())
	if err != nil || len(res.Texts) != 2 {
		t.Fatalf("err %v, texts %d", err, len(res.Texts))
	}
	if tc := fake.Requests()[0].Body.ToolChoice; tc["type"] != "auto" {
		t.Errorf("tool_choice %v, want auto for claude-sonnet-5-5", tc)
	}
}

func TestNewClaudeRefusesUnpricedModel(t *testing.T) {
	_, err := NewClaude(ClaudeConfig{APIKey: "k", Model: "claude-next-9", Now: time.Now})
	if err == nil || !strings.Contains(err.Error(), "no price") {
		t.Errorf("err = %v", err)
	}
}

func TestClaudeNoFindingsNoCall(t *testing.T) {
	c, fake, _ := newTestClaude(t, nil)
	res, err := c.Narrate(context.Background(), Request{Facts: claudeFixture().Facts})
	if err != nil || res.Calls != 0 || fake.Calls() != 0 {
		t.Errorf("err %v, calls %d, fake %d", err, res.Calls, fake.Calls())
	}
}
