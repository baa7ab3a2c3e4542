// Package docs_test checks the operator documents that machines read:
// docs/alerts.yml, the Prometheus alerting rules.
package docs_test

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// exportedMetrics are the series VectorOS exports that alerts may use. The
// metrics code (the /metrics registry) must register exactly these names;
// whoever changes a name there changes it here and in alerts.yml.
// Histograms are listed by their base name (_bucket, _sum and _count follow).
var exportedMetrics = []string{
	"vectoros_http_requests_total",                    // counter {route, status}
	"vectoros_http_request_duration_seconds",          // histogram {route}
	"vectoros_monitor_last_success_timestamp_seconds", // gauge: end of the last cycle with no failed run
	"vectoros_monitor_runs_total",                     // counter {status: succeeded|failed|skipped}
	"vectoros_llm_calls_total",                        // counter {outcome: ok|error|rejected|budget_exhausted}
}

// standardMetrics come from Prometheus itself.
var standardMetrics = []string{"up"}

func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAlertRulesNameExportedMetrics: every vectoros_ series an alert uses
// is exported, so no alert silently watches a series that never exists.
func TestAlertRulesNameExportedMetrics(t *testing.T) {
	rules := readDoc(t, "alerts.yml")
	names := regexp.MustCompile(`\bvectoros_[a-z0-9_]+`).FindAllString(rules, -1)
	if len(names) == 0 {
		t.Fatal("no vectoros_ metric in alerts.yml")
	}
	for _, n := range names {
		base := n
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if b, ok := strings.CutSuffix(n, suffix); ok && slices.Contains(exportedMetrics, b) {
				base = b
			}
		}
		if !slices.Contains(exportedMetrics, base) {
			t.Errorf("alerts.yml uses %s, which VectorOS does not export (exported: %v)", n, exportedMetrics)
		}
	}
	for _, m := range standardMetrics {
		if !strings.Contains(rules, m+"{") {
			t.Errorf("alerts.yml should watch %s", m)
		}
	}
}

// TestAlertRulesFields: each alert has a severity a router understands, a
// summary, and a runbook link to a section docs/operations.md really has.
func TestAlertRulesFields(t *testing.T) {
	rules := readDoc(t, "alerts.yml")
	anchors := headingAnchors(readDoc(t, "operations.md"))
	blocks := regexp.MustCompile(`(?m)^\s*- alert: `).Split(rules, -1)[1:]
	want := []string{"VectorOSDown", "VectorOSHighErrorRate", "VectorOSSlowResponses", "VectorOSMonitorStalled",
		"VectorOSMonitorRunsFailing", "VectorOSMonitorSuccessRateLow", "VectorOSLLMErrors"}
	var got []string
	for _, b := range blocks {
		name := strings.Fields(b)[0]
		got = append(got, name)
		for _, re := range []string{`(?m)^\s+expr: `, `(?m)^\s+severity: (critical|warning)$`, `(?m)^\s+summary: "`, `(?m)^\s+description: "`} {
			if !regexp.MustCompile(re).MatchString(b) {
				t.Errorf("%s lacks %s", name, re)
			}
		}
		m := regexp.MustCompile(`runbook_url: "docs/operations\.md#([a-z0-9-]+)"`).FindStringSubmatch(b)
		if m == nil {
			t.Errorf("%s has no runbook_url into docs/operations.md", name)
		} else if !anchors[m[1]] {
			t.Errorf("%s links to docs/operations.md#%s, which has no such heading", name, m[1])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("alerts: got %v, want %v", got, want)
	}
}

// headingAnchors returns the GitHub anchors of a Markdown document's headings.
func headingAnchors(md string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var b strings.Builder
		for _, r := range h {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
				b.WriteRune(r)
			case r == ' ':
				b.WriteRune('-')
			}
		}
		out[b.String()] = true
	}
	return out
}

// TestAlertRulesPromtool checks the rules with Prometheus's own tool and
// runs the unit tests in alerts_test.yml, which make each alert fire (and
// stay quiet) on synthetic series. CI installs promtool (Debian package
// prometheus) and sets VECTOROS_TEST_REQUIRE_PROMTOOL=1.
func TestAlertRulesPromtool(t *testing.T) {
	if _, err := exec.LookPath("promtool"); err != nil {
		if os.Getenv("VECTOROS_TEST_REQUIRE_PROMTOOL") == "1" {
			t.Fatal("promtool is not installed (apt-get install prometheus)")
		}
		t.Skip("promtool is not installed (apt-get install prometheus); the Go checks above still ran")
	}
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		out, err := exec.Command("promtool", args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
