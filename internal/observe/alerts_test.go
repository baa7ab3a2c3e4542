package observe_test

import (
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/store"
)

// TestAlertRulesUseRealSeries: every vectoros_ series docs/alerts.yml
// watches is one this registry exports, so renaming a metric here without
// changing the alerts (or the reverse) fails.
func TestAlertRulesUseRealSeries(t *testing.T) {
	rules, err := os.ReadFile("../../docs/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	m := observe.NewMetrics(observe.MetricsOptions{Figures: (&fakeFigures{f: store.DeploymentFigures{LastSuccess: &now}}).read})
	m.ObserveHTTP("/api/v1/x", 200, time.Millisecond)
	got := scrape(t, m)
	names := regexp.MustCompile(`\bvectoros_[a-z0-9_]+`).FindAllString(string(rules), -1)
	if len(names) == 0 {
		t.Fatal("no vectoros_ series in alerts.yml")
	}
	for _, n := range names {
		if !got.Has(n) {
			t.Errorf("alerts.yml watches %s, which /metrics does not export", n)
		}
	}
}
