package analysis

import (
	"testing"

	"github.com/vectoros/vectoros/internal/domain"
)

func TestProbabilityMismatch(t *testing.T) {
	// negotiation: floor 60, ceiling 95, default 70.
	tests := []struct {
		name string
		opts []dealOpt
		want want
	}{
		{"at floor", []dealOpt{prob(60)}, want{}},
		{"just below floor", []dealOpt{prob(59)}, want{medium, .34, .75}},
		{"ratio just below 2", []dealOpt{prob(31)}, want{medium, .65, .75}},
		{"ratio 2", []dealOpt{prob(30)}, want{high, .67, .75}},
		{"ratio just below 3", []dealOpt{prob(21)}, want{high, .95, .75}},
		{"ratio 3 is capped at high", []dealOpt{prob(20)}, want{high, 1, .75}},
		{"zero counts as one", []dealOpt{prob(0)}, want{high, 1, .75}},
		{"at ceiling", []dealOpt{prob(95)}, want{}},
		{"just above ceiling", []dealOpt{prob(96)}, want{medium, .5, .75}},
		{"certain", []dealOpt{prob(100)}, want{medium, .5, .75}},
		{"missing probability uses the stage default", nil, want{}},
		{"high value: capped high raised to critical", []dealOpt{prob(20), value(50_000)}, want{critical, 1, .75}},
		{"high value: medium raised to high", []dealOpt{prob(59), value(50_000)}, want{high, .34, .75}},
		{"high value: above ceiling raised to high", []dealOpt{prob(96), value(50_000)}, want{high, .75, .75}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, workspace("UTC", deal("d", "negotiation", tt.opts...)), RuleProbabilityMismatch, tt.want)
		})
	}
}

func TestProbabilityMismatchEvidence(t *testing.T) {
	f := check(t, workspace("UTC", deal("d", "negotiation", prob(25))), RuleProbabilityMismatch, want{high, .8, .75})
	if evidence(t, f, "probability") != 25 || evidence(t, f, "probability_floor") != 60 || evidence(t, f, "floor_ratio") != 2.4 {
		t.Errorf("evidence %+v", f.Evidence)
	}
	f = check(t, workspace("UTC", deal("d", "lead", prob(41))), RuleProbabilityMismatch, want{medium, .5, .75})
	if evidence(t, f, "probability_ceiling") != 40 {
		t.Errorf("evidence %+v", f.Evidence)
	}
}

func TestProbabilityMismatchStageWithoutBounds(t *testing.T) {
	snap := workspace("UTC", deal("d", "custom", prob(1)))
	snap.Stages = append(snap.Stages, domain.Stage{Key: "custom", Name: "Custom", Kind: domain.StageOpen, DefaultProbability: 50})
	check(t, snap, RuleProbabilityMismatch, want{})
}

func TestHighValueAtRisk(t *testing.T) {
	// The only deal sets the 80th percentile itself, so the threshold is
	// max(10,000, its value): any deal from 10,000 up is high-value alone.
	tests := []struct {
		name string
		opts []dealOpt
		want want
	}{
		{"idle 5 days, 30%", []dealOpt{value(10_000), idle(5*day + 23*hour), prob(30)}, want{}},
		{"idle 6 days", []dealOpt{value(10_000), idle(6 * day), prob(30)}, want{critical, 1, .85}},
		{"probability 29", []dealOpt{value(10_000), prob(29)}, want{critical, 1, .85}},
		{"both", []dealOpt{value(10_000), idle(9 * day), prob(10)}, want{critical, 1, .85}},
		{"one cent under 10,000", []dealOpt{valueMinor(10_000_00 - 1), prob(10)}, want{}},
		{"no value", []dealOpt{noValue(), prob(10)}, want{}},
		{"missing probability: stage default 10 is below 30", []dealOpt{value(20_000)}, want{critical, 1, .85}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, workspace("UTC", deal("d", "lead", tt.opts...)), RuleHighValueAtRisk, tt.want)
		})
	}
}

func TestHighValueThresholdIsThe80thPercentile(t *testing.T) {
	// Ten deals of 10k…100k: the 80th percentile by nearest rank is the 8th
	// value, 80k. Deal "d" at 80k is high-value; "e" at 70k is not.
	var deals []domain.DealSnapshot
	for i, v := range []int64{10, 20, 30, 40, 50, 60, 90, 100} {
		deals = append(deals, deal(string(rune('a'+i))+"x", "lead", value(v*1000)))
	}
	deals = append(deals, deal("d", "lead", value(80_000), prob(10)), deal("e", "lead", value(70_000), prob(10)))
	snap := workspace("UTC", deals...)
	f := check(t, snap, RuleHighValueAtRisk, want{critical, 1, .85})
	if evidence(t, f, "high_value_threshold") != 80_000 || evidence(t, f, "value") != 80_000 {
		t.Errorf("evidence %+v", f.Evidence)
	}
	if find(Run(snap, testNow), "e", RuleHighValueAtRisk) != nil {
		t.Error("70k fired below an 80k threshold")
	}
	// Won and lost deals and deals without a value take no part.
	big := int64(1_000_000_00)
	won := deal("w", "won", withStatus(domain.DealWon))
	won.Deal.Value = &big
	snap.Deals = append(snap.Deals, won, deal("n", "lead", noValue()))
	if find(Run(snap, testNow), "d", RuleHighValueAtRisk) == nil {
		t.Error("a won deal or a valueless deal moved the percentile")
	}
}

func TestHighValueUsesMajorUnitsOfTheCurrency(t *testing.T) {
	// 10,000 JPY has no minor units; 9,999 KWD has three decimals.
	tests := []struct {
		currency string
		minor    int64
		fires    bool
	}{
		{"JPY", 10_000, true},
		{"JPY", 9_999, false},
		{"KWD", 10_000_000, true},
		{"KWD", 9_999_999, false},
		{"USD", 10_000_00, true},
	}
	for _, tt := range tests {
		d := deal("d", "lead", valueMinor(tt.minor), prob(10))
		d.Deal.Currency = tt.currency
		snap := workspace("UTC", d)
		snap.Workspace.Currency = tt.currency
		if got := find(Run(snap, testNow), "d", RuleHighValueAtRisk) != nil; got != tt.fires {
			t.Errorf("%s %d: fired = %v, want %v", tt.currency, tt.minor, got, tt.fires)
		}
	}
}

func TestDefaultProbabilityIsNamedInEvidence(t *testing.T) {
	// A lead without a probability carries the stage default of 10%.
	f := check(t, workspace("UTC", deal("d", "lead", closeIn(3))), RuleCloseDateRisk, want{high, .75, .8})
	if evidence(t, f, "probability") != 10 || evidence(t, f, "stage_default_probability") != 10 {
		t.Errorf("evidence %+v", f.Evidence)
	}
	f = check(t, workspace("UTC", deal("d", "lead", closeIn(3), prob(10))), RuleCloseDateRisk, want{high, .75, .8})
	for _, e := range f.Evidence {
		if e.Name == "stage_default_probability" {
			t.Errorf("a set probability was reported as the stage default: %+v", f.Evidence)
		}
	}
}
