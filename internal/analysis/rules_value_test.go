package analysis

import (
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

func TestValueDropped(t *testing.T) {
	// Created at 5,000 thirty days ago in lead, moved to proposal ten days
	// ago, so the value at proposal entry is 5,000 unless a change says
	// otherwise. Every value stays below the 10,000 high-value floor.
	created := testNow.Add(-30 * day)
	entered := testNow.Add(-10 * day)
	base := func(o ...dealOpt) []dealOpt {
		return append([]dealOpt{
			age(30 * day), initialValue(5_000), inStage(10 * day),
		}, o...)
	}
	moved := change(domain.EventStageChanged, entered, str("lead"), str("proposal"))
	tests := []struct {
		name string
		opts []dealOpt
		want want
		pct  int
	}{
		{"unchanged", base(value(5_000)), want{}, 0},
		{"one cent above 80%", base(valueMinor(4_000_01)), want{}, 0},
		{"exactly 80%", base(value(4_000)), want{medium, .5, .9}, 80},
		{"one cent above 60%", base(valueMinor(3_000_01)), want{medium, .5, .9}, 61},
		{"exactly 60%", base(value(3_000)), want{high, .75, .9}, 60},
		{"down to zero", base(value(0)), want{high, .75, .9}, 0},
		{"a cut before stage entry is the entry value", base(value(3_500), events(
			change(domain.EventValueChanged, created.Add(day), minorStr(5_000), minorStr(4_000)), moved,
		)), want{}, 0},
		{"a cut at the instant of stage entry counts as before", base(value(4_000), events(
			moved, change(domain.EventValueChanged, entered, minorStr(5_000), minorStr(4_000)),
		)), want{}, 0},
		{"a cut after stage entry counts", base(value(2_500), events(
			moved, change(domain.EventValueChanged, entered.Add(time.Hour), minorStr(5_000), minorStr(2_500)),
		)), want{high, .75, .9}, 50},
		{"a raise then a cut back is no drop", base(value(5_000), events(
			moved, change(domain.EventValueChanged, entered.Add(day), minorStr(5_000), minorStr(9_000)),
			change(domain.EventValueChanged, entered.Add(2*day), minorStr(9_000), minorStr(5_000)),
		)), want{}, 0},
		{"a raise before entry sets the bar", base(value(5_400), events(
			change(domain.EventValueChanged, created.Add(day), minorStr(5_000), minorStr(9_000)), moved,
		)), want{high, .75, .9}, 60},
		{"no current value", base(noValue()), want{}, 0},
		{"no value at entry", base(value(500), events(
			change(domain.EventValueChanged, created.Add(day), minorStr(5_000), nil), moved,
		)), want{}, 0},
		{"entry value zero", base(value(0), initialValue(0)), want{}, 0},
		{"no created event and no earlier change", base(value(500), noCreatedEvent()), want{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := check(t, workspace("UTC", deal("d", "proposal", tt.opts...)), RuleValueDropped, tt.want)
			if f != nil {
				if got := evidence(t, f, "value_percent_of_entry"); got != float64(tt.pct) {
					t.Errorf("value_percent_of_entry = %v, want %d", got, tt.pct)
				}
				if evidence(t, f, "value_drop_percent") != float64(100-tt.pct) {
					t.Errorf("value_drop_percent %+v", f.Evidence)
				}
			}
		})
	}
}

func TestValueDroppedRaisedOnHighValue(t *testing.T) {
	// 40,000 from 50,000: 80% → medium, raised to high on a high-value deal.
	d := deal("d", "negotiation", age(20*day), initialValue(50_000), value(40_000))
	f := check(t, workspace("UTC", d), RuleValueDropped, want{high, .75, .9})
	if evidence(t, f, "value_at_stage_entry") != 50_000 || evidence(t, f, "high_value_threshold") != 40_000 {
		t.Errorf("evidence %+v", f.Evidence)
	}
	// 24,000 from 40,000: 60% → high, raised to critical.
	d = deal("d", "negotiation", age(20*day), initialValue(40_000), value(24_000))
	check(t, workspace("UTC", d), RuleValueDropped, want{critical, 1, .9})
}
