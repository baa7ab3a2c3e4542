package analysis

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// The checklist's end-to-end case: a new deal "Test Deal - High Value",
// 50,000 USD, negotiation, 20%, created now, no activities.
func TestChecklistHighValueDeal(t *testing.T) {
	v := int64(50_000_00)
	p := 20
	d := domain.DealSnapshot{Deal: domain.Deal{
		ID: "d", WorkspaceID: "ws", Title: "Test Deal - High Value", Value: &v, Currency: "USD",
		Stage: "negotiation", Probability: &p, Status: domain.DealOpen,
		StageEnteredAt: testNow, CreatedAt: testNow, UpdatedAt: testNow,
	}}
	fs := Run(workspace("UTC", d), testNow)
	pm := find(fs, "d", RuleProbabilityMismatch)
	hv := find(fs, "d", RuleHighValueAtRisk)
	if pm == nil || hv == nil {
		t.Fatalf("findings %v; want probability_mismatch and high_value_at_risk", rulesOf(fs))
	}
	for _, f := range []*domain.Finding{pm, hv} {
		if f.Priority != critical || len(f.Actions) == 0 {
			t.Errorf("%s: priority %s with %d actions, want critical with actions", f.Rule, f.Priority, len(f.Actions))
		}
		checkShape(t, *f)
	}
	// Nothing about time has passed: no idle, stuck or date findings.
	if got := rulesOf(fs); !slices.Equal(got, []string{"d/probability_mismatch/critical", "d/high_value_at_risk/critical", "d/no_next_step/high"}) {
		t.Errorf("findings = %v", got)
	}
}

func TestHighValueRaise(t *testing.T) {
	// Each raisable rule once below and once above the high-value line;
	// the crowd of 9 deals at 1,000 keeps the threshold at 10,000.
	cases := []struct {
		rule string
		opts []dealOpt
		base domain.Priority
	}{
		{RuleStale, []dealOpt{idle(10 * day)}, medium},
		{RuleStuckInStage, []dealOpt{inStage(30 * day)}, medium},
		{RuleProbabilityMismatch, []dealOpt{prob(30)}, high},
		{RuleCloseDateRisk, []dealOpt{closeIn(10), prob(50)}, medium},
		{RuleOverdue, []dealOpt{closeIn(-20)}, high},
		{RuleCloseDateSlipped, []dealOpt{age(40 * day), events(
			slip(testNow.Add(-20*day), "2026-02-01", "2026-02-15"), slip(testNow.Add(-10*day), "2026-02-15", "2026-03-01"))}, medium},
		{RuleValueDropped, []dealOpt{initialValue(9_000), age(5 * day)}, high}, // 5,000 of 9,000 ≤ 60%
		{RuleNoNextStep, nil, medium},
		{RuleStale, []dealOpt{idle(30 * day)}, critical}, // already critical stays critical
	}
	for _, c := range cases {
		t.Run(c.rule+"/"+string(c.base), func(t *testing.T) {
			small := append([]dealOpt{value(5_000)}, c.opts...)
			big := append(slices.Clone(c.opts), value(10_000))
			if c.rule == RuleValueDropped {
				big = append(slices.Clone(c.opts), value(10_000), initialValue(18_000))
			}
			plain := find(Run(workspace("UTC", append(crowd(9, 1_000), deal("d", "negotiation", small...))...), testNow), "d", c.rule)
			raised := find(Run(workspace("UTC", append(crowd(9, 1_000), deal("d", "negotiation", big...))...), testNow), "d", c.rule)
			if plain == nil || raised == nil {
				t.Fatalf("rule did not fire: plain %v, raised %v", plain != nil, raised != nil)
			}
			if plain.Priority != c.base {
				t.Fatalf("plain priority %s, want %s", plain.Priority, c.base)
			}
			want := domain.PriorityFromRank(c.base.Rank() + 1)
			if raised.Priority != want {
				t.Errorf("raised priority %s, want %s", raised.Priority, want)
			}
			if evidence(t, raised, "high_value_threshold") != 10_000 || evidence(t, raised, "value") != 10_000 {
				t.Errorf("raised evidence %+v", raised.Evidence)
			}
			checkShape(t, *raised)
		})
	}
	// high_value_at_risk is critical already; ready_to_close goes to high
	// by its own row, not by the raise (tested with the rules).
}

func TestBands(t *testing.T) {
	tests := []struct {
		r        ratio
		band     domain.Priority
		severity float64
		shown    float64
	}{
		{ratio{101, 100}, medium, .34, 1.01},
		{ratio{199, 100}, medium, .66, 1.99},
		{ratio{200, 100}, high, .67, 2},
		{ratio{299, 100}, high, 1, 2.99},
		{ratio{300, 100}, critical, 1, 3},
		{ratio{2999, 1000}, high, 1, 2.99}, // shown truncated: never looks like 3
		{ratio{1999, 1000}, medium, .67, 1.99},
		{ratio{900, 100}, critical, 1, 9},
	}
	for _, tt := range tests {
		if got := tt.r.band(); got != tt.band {
			t.Errorf("%v band = %s, want %s", tt.r, got, tt.band)
		}
		if got := tt.r.severity(); got != tt.severity {
			t.Errorf("%v severity = %v, want %v", tt.r, got, tt.severity)
		}
		if got := tt.r.value(); got != tt.shown {
			t.Errorf("%v shown = %v, want %v", tt.r, got, tt.shown)
		}
	}
	for p, want := range map[domain.Priority]float64{"low": .25, "medium": .5, "high": .75, "critical": 1} {
		if got := bandSeverity(p); got != want {
			t.Errorf("severity of %s = %v, want %v", p, got, want)
		}
	}
}

func TestNearestRank(t *testing.T) {
	xs := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for p, want := range map[int]int{0: 1, 10: 1, 11: 2, 75: 8, 80: 8, 81: 9, 100: 10} {
		if got := nearestRank(xs, p); got != want {
			t.Errorf("p%d = %d, want %d", p, got, want)
		}
	}
	if got := nearestRank([]int{42}, 75); got != 42 {
		t.Errorf("single value p75 = %d", got)
	}
}

func TestMissingDataNeverCrashes(t *testing.T) {
	bad := "{not json"
	tests := []struct {
		name   string
		d      domain.DealSnapshot
		absent []string
	}{
		{"no value, probability or close date", deal("d", "negotiation", noValue(), age(60*day), idle(60*day)),
			[]string{RuleHighValueAtRisk, RuleValueDropped, RuleCloseDateRisk, RuleOverdue, RuleReadyToClose}},
		{"unknown stage without probability", deal("d", "discovery", age(60*day), idle(60*day), closeIn(3)),
			[]string{RuleStale, RuleStuckInStage, RuleProbabilityMismatch, RuleNoNextStep, RuleCloseDateRisk, RuleReadyToClose}},
		{"unreadable created event", deal("d", "proposal", createdJSON(bad), value(10)), []string{RuleValueDropped}},
		{"created event without a value", deal("d", "proposal", createdJSON(`{"stage":"proposal"}`), value(10)), []string{RuleValueDropped}},
		{"created event with a null payload", deal("d", "proposal", func(b *dealBuilder) { b.createdJSON = nil; b.noCreated = true },
			events(domain.DealEvent{Kind: domain.EventCreated, At: testNow}), value(10)), []string{RuleValueDropped}},
		{"events with null values", deal("d", "proposal", events(
			change(domain.EventStageChanged, testNow, nil, nil), change(domain.EventValueChanged, testNow, nil, nil),
			change(domain.EventCloseDateChanged, testNow, nil, nil), change(domain.EventCloseDateChanged, testNow, nil, nil),
			change(domain.EventValueChanged, testNow, str("x"), str("y")),
		)), []string{RuleValueDropped, RuleCloseDateSlipped}},
		{"zero times everywhere", domain.DealSnapshot{Deal: domain.Deal{ID: "d", Status: domain.DealOpen, Stage: "lead"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Run(workspace("UTC", tt.d), testNow)
			for _, r := range tt.absent {
				if f := find(fs, "d", r); f != nil {
					t.Errorf("%s fired without its data: %+v", r, f.Evidence)
				}
			}
			for _, f := range fs {
				checkShape(t, f)
			}
		})
	}
	if fs := Run(domain.WorkspaceSnapshot{}, testNow); len(fs) != 0 {
		t.Errorf("empty snapshot gave %v", rulesOf(fs))
	}
}

func TestClosedDealsAreNeverAnalysed(t *testing.T) {
	snap := workspace("UTC",
		deal("w", "won", withStatus(domain.DealWon), closeIn(-90), idle(90*day), value(90_000)),
		deal("l", "lost", withStatus(domain.DealLost), closeIn(-90), idle(90*day), value(90_000)),
	)
	if fs := Run(snap, testNow); len(fs) != 0 {
		t.Errorf("closed deals produced %v", rulesOf(fs))
	}
}

func TestOrderIsByDealThenRule(t *testing.T) {
	var deals []domain.DealSnapshot
	for _, id := range []string{"c", "a", "b", "e", "d"} {
		deals = append(deals, deal(id, "negotiation", value(20_000), prob(20), closeIn(-3), idle(20*day), inStage(50*day)))
	}
	want := Run(workspace("UTC", deals...), testNow)
	order := RuleNames()
	for i := 1; i < len(want); i++ {
		a, b := want[i-1], want[i]
		if a.DealID > b.DealID || (a.DealID == b.DealID && slices.Index(order, a.Rule) >= slices.Index(order, b.Rule)) {
			t.Fatalf("out of order at %d: %s/%s before %s/%s", i, a.DealID, a.Rule, b.DealID, b.Rule)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		rng.Shuffle(len(deals), func(i, j int) { deals[i], deals[j] = deals[j], deals[i] })
		if got := Run(workspace("UTC", deals...), testNow); !reflect.DeepEqual(got, want) {
			t.Fatal("findings depend on the order of the snapshot")
		}
	}
}

func TestRunDoesNotModifyTheSnapshot(t *testing.T) {
	build := func() domain.WorkspaceSnapshot {
		snap := workspace("UTC", deal("b", "proposal", events(slip(testNow.Add(-day), "2026-01-01", "2026-02-01"))),
			deal("a", "lead", value(30_000)), deal("w", "won", withStatus(domain.DealWon)))
		// Histories out of time order: the norms must sort a copy.
		snap.WonHistories = wonHistories(25, func(i int) time.Duration { return time.Duration(i) * day })
		for id, ev := range snap.WonHistories {
			slices.Reverse(ev)
			snap.WonHistories[id] = ev
		}
		return snap
	}
	snap := build()
	Run(snap, testNow)
	if !reflect.DeepEqual(snap, build()) {
		t.Error("Run modified its input")
	}
}

func TestRuleNames(t *testing.T) {
	want := []string{"stale", "stuck_in_stage", "probability_mismatch", "high_value_at_risk", "close_date_risk",
		"overdue", "close_date_slipped", "value_dropped", "no_next_step", "ready_to_close"}
	if got := RuleNames(); !slices.Equal(got, want) {
		t.Errorf("RuleNames() = %v", got)
	}
}
