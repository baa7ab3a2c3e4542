package analysis

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// wonVia is the history of a won deal created in lead that spent dur in
// qualified before it was won.
func wonVia(id string, dur time.Duration) []domain.DealEvent {
	t0 := testNow.Add(-200 * day)
	created := fmt.Sprintf(`{"stage":"lead","status":"open","value":"100000","stage_entered_at":%q}`, t0.Format(time.RFC3339Nano))
	ev := []domain.DealEvent{
		{ID: id + "-c", DealID: id, Kind: domain.EventCreated, NewValue: &created, At: t0},
		{ID: id + "-q", DealID: id, Kind: domain.EventStageChanged, OldValue: str("lead"), NewValue: str("qualified"), At: t0.Add(3 * day)},
		{ID: id + "-w", DealID: id, Kind: domain.EventStageChanged, OldValue: str("qualified"), NewValue: str("won"), At: t0.Add(3*day + dur)},
	}
	return ev
}

// wonHistories gives n won deals whose time in qualified is days(i) for i in 0..n-1.
func wonHistories(n int, days func(i int) time.Duration) map[string][]domain.DealEvent {
	m := map[string][]domain.DealEvent{}
	for i := range n {
		id := fmt.Sprintf("won%02d", i)
		m[id] = wonVia(id, days(i))
	}
	return m
}

func TestLearnedStageNorms(t *testing.T) {
	// qualified: stuck_days 21, so a learned norm is clamped to 11–42.
	spread := func(i int) time.Duration { return time.Duration(11+i)*day + 5*time.Hour } // 11…30 days
	tests := []struct {
		name    string
		won     map[string][]domain.DealEvent
		norm    int
		learned bool
	}{
		{"no history", nil, 21, false},
		{"19 won deals are not enough", wonHistories(19, spread), 21, false},
		// 20 deals of 11…30 days: the 75th percentile (15th value) is 25.
		{"20 won deals set the norm", wonHistories(20, spread), 25, true},
		{"clamped to twice stuck_days", wonHistories(20, func(int) time.Duration { return 90 * day }), 42, true},
		{"clamped to half of stuck_days, rounded up", wonHistories(20, func(int) time.Duration { return 2 * day }), 11, true},
		{"a visit whose start is not in the history does not count", func() map[string][]domain.DealEvent {
			m := wonHistories(20, spread)
			m["won00"] = m["won00"][2:] // only qualified → won is left
			return m
		}(), 21, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			norms := learnNorms(domain.DefaultStages(), tt.won)
			n := norms["qualified"]
			if n.days != tt.norm || n.learned != tt.learned {
				t.Fatalf("norm = %+v, want %d days, learned %v", n, tt.norm, tt.learned)
			}
			// Through Run: stuck fires one day past the norm, not at it, with
			// the confidence that says where the norm came from.
			conf := .7
			if tt.learned {
				conf = .85
			}
			for _, c := range []struct {
				days  int
				fires bool
			}{{tt.norm, false}, {tt.norm + 1, true}} {
				snap := workspace("UTC", deal("d", "qualified", inStage(time.Duration(c.days)*day)))
				snap.WonHistories = tt.won
				f := find(Run(snap, testNow), "d", RuleStuckInStage)
				if (f != nil) != c.fires {
					t.Fatalf("%d days in stage: fired = %v, want %v", c.days, f != nil, c.fires)
				}
				if f == nil {
					continue
				}
				if f.Confidence != conf || evidence(t, f, "stage_norm_days") != float64(tt.norm) {
					t.Errorf("confidence %v, evidence %+v", f.Confidence, f.Evidence)
				}
				if tt.learned && evidence(t, f, "won_deals_learned_from") != 20 {
					t.Errorf("evidence %+v", f.Evidence)
				}
			}
		})
	}
}

func TestTimeInStagesSumsEveryVisit(t *testing.T) {
	t0 := testNow.Add(-100 * day)
	created := fmt.Sprintf(`{"stage":"proposal","status":"open","stage_entered_at":%q}`, t0.Add(time.Hour).Format(time.RFC3339Nano))
	ev := []domain.DealEvent{
		{Kind: domain.EventCreated, NewValue: &created, At: t0},
		{Kind: domain.EventStageChanged, OldValue: str("proposal"), NewValue: str("negotiation"), At: t0.Add(4*day + time.Hour)},
		{Kind: domain.EventStageChanged, OldValue: str("negotiation"), NewValue: str("proposal"), At: t0.Add(10 * day)},
		{Kind: domain.EventStageChanged, OldValue: str("proposal"), NewValue: str("won"), At: t0.Add(13 * day)},
	}
	got := timeInStages(ev)
	// proposal: 4 days from the recorded stage entry, then 3 more days.
	if got["proposal"] != 7*day || got["negotiation"] != 6*day-time.Hour {
		t.Fatalf("time in stages = %v", got)
	}
	if _, ok := got["won"]; ok {
		t.Error("the final, unfinished stage was counted")
	}
}

func TestNormsIgnoreStagesWithoutStuckDays(t *testing.T) {
	stages := append(domain.DefaultStages(), domain.Stage{Key: "pilot", Kind: domain.StageOpen})
	if _, ok := learnNorms(stages, nil)["pilot"]; ok {
		t.Error("a stage without stuck_days got a norm")
	}
	if _, ok := learnNorms(stages, nil)["won"]; ok {
		t.Error("a closing stage got a norm")
	}
}

func TestNormsDoNotDependOnEventOrder(t *testing.T) {
	spread := func(i int) time.Duration { return time.Duration(11+i) * day }
	ordered := learnNorms(domain.DefaultStages(), wonHistories(20, spread))
	reversed := wonHistories(20, spread)
	for _, ev := range reversed {
		slices.Reverse(ev)
	}
	if got := learnNorms(domain.DefaultStages(), reversed); !maps.Equal(got, ordered) {
		t.Errorf("reversed histories: %v, want %v", got, ordered)
	}
}
