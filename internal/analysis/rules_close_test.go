package analysis

import (
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

func TestCloseDateRisk(t *testing.T) {
	// lead's default probability is 10, below 70.
	tests := []struct {
		name string
		opts []dealOpt
		want want
	}{
		{"15 days out", []dealOpt{closeIn(15)}, want{}},
		{"14 days out", []dealOpt{closeIn(14)}, want{medium, .5, .8}},
		{"8 days out", []dealOpt{closeIn(8)}, want{medium, .5, .8}},
		{"7 days out", []dealOpt{closeIn(7)}, want{high, .75, .8}},
		{"today", []dealOpt{closeIn(0)}, want{high, .75, .8}},
		{"yesterday is overdue, not at risk", []dealOpt{closeIn(-1)}, want{}},
		{"probability 70", []dealOpt{closeIn(3), prob(70)}, want{}},
		{"probability 69", []dealOpt{closeIn(3), prob(69)}, want{high, .75, .8}},
		{"no close date", nil, want{}},
		{"high value: medium raised to high", []dealOpt{closeIn(10), value(40_000)}, want{high, .75, .8}},
		{"high value: high raised to critical", []dealOpt{closeIn(2), value(40_000)}, want{critical, 1, .8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, workspace("UTC", deal("d", "lead", tt.opts...)), RuleCloseDateRisk, tt.want)
		})
	}
}

func TestOverdue(t *testing.T) {
	tests := []struct {
		name string
		opts []dealOpt
		want want
		late int
	}{
		{"today", []dealOpt{closeIn(0)}, want{}, 0},
		{"yesterday", []dealOpt{closeIn(-1)}, want{medium, .5, .95}, 1},
		{"14 days ago", []dealOpt{closeIn(-14)}, want{medium, .5, .95}, 14},
		{"15 days ago", []dealOpt{closeIn(-15)}, want{high, .75, .95}, 15},
		{"no close date", nil, want{}, 0},
		{"high value: high raised to critical", []dealOpt{closeIn(-20), value(25_000)}, want{critical, 1, .95}, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := check(t, workspace("UTC", deal("d", "qualified", tt.opts...)), RuleOverdue, tt.want)
			if f != nil && evidence(t, f, "days_overdue") != float64(tt.late) {
				t.Errorf("days_overdue evidence %+v, want %d", f.Evidence, tt.late)
			}
		})
	}
}

func slip(at time.Time, from, to string) domain.DealEvent {
	return change(domain.EventCloseDateChanged, at, str(from), str(to))
}

func TestCloseDateSlipped(t *testing.T) {
	t0 := testNow.Add(-60 * day)
	at := func(d int) time.Time { return t0.Add(time.Duration(d) * day) }
	tests := []struct {
		name  string
		ev    []domain.DealEvent
		want  want
		times int
		days  int
	}{
		{"once", []domain.DealEvent{slip(at(1), "2026-02-01", "2026-02-15")}, want{}, 0, 0},
		{"twice", []domain.DealEvent{slip(at(1), "2026-02-01", "2026-02-15"), slip(at(2), "2026-02-15", "2026-03-01")}, want{medium, .5, .9}, 2, 28},
		{"three times", []domain.DealEvent{
			slip(at(1), "2026-02-01", "2026-02-15"), slip(at(2), "2026-02-15", "2026-03-01"), slip(at(3), "2026-03-01", "2026-03-31"),
		}, want{high, .75, .9}, 3, 58},
		{"moves earlier do not count", []domain.DealEvent{
			slip(at(1), "2026-02-01", "2026-02-15"), slip(at(2), "2026-02-15", "2026-02-10"), slip(at(3), "2026-02-10", "2026-02-10"),
		}, want{}, 0, 0},
		{"setting or clearing a date is not a slip", []domain.DealEvent{
			change(domain.EventCloseDateChanged, at(1), nil, str("2026-02-01")), slip(at(2), "2026-02-01", "2026-02-20"),
			change(domain.EventCloseDateChanged, at(3), str("2026-02-20"), nil), change(domain.EventCloseDateChanged, at(4), nil, str("2026-04-01")),
		}, want{}, 0, 0},
		{"garbage dates are ignored", []domain.DealEvent{slip(at(1), "soon", "later"), slip(at(2), "2026-02-01", "2026-02-20")}, want{}, 0, 0},
		{"moves while won do not count", []domain.DealEvent{
			slip(at(1), "2026-02-01", "2026-02-15"),
			change(domain.EventStageChanged, at(2), str("negotiation"), str("won")),
			slip(at(3), "2026-02-15", "2026-03-01"),
			change(domain.EventStageChanged, at(4), str("won"), str("negotiation")),
			change(domain.EventReopened, at(4), str("won"), nil),
		}, want{}, 0, 0},
		{"moves before and after a reopening count", []domain.DealEvent{
			slip(at(1), "2026-02-01", "2026-02-15"),
			change(domain.EventStageChanged, at(2), str("negotiation"), str("lost")),
			change(domain.EventStageChanged, at(4), str("lost"), str("negotiation")),
			change(domain.EventReopened, at(4), str("lost"), nil),
			slip(at(5), "2026-02-15", "2026-03-20"),
		}, want{medium, .5, .9}, 2, 47},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := check(t, workspace("UTC", deal("d", "negotiation", age(90*day), events(tt.ev...))), RuleCloseDateSlipped, tt.want)
			if f != nil && (evidence(t, f, "times_slipped") != float64(tt.times) || evidence(t, f, "days_slipped") != float64(tt.days)) {
				t.Errorf("evidence %+v, want %d times, %d days", f.Evidence, tt.times, tt.days)
			}
		})
	}
}

func TestReadyToClose(t *testing.T) {
	base := []dealOpt{prob(70), closeIn(10), idle(2 * day), nextAt(testNow.Add(day))}
	with := func(o ...dealOpt) []dealOpt { return append(append([]dealOpt{}, base...), o...) }
	tests := []struct {
		name  string
		stage string
		opts  []dealOpt
		want  want
	}{
		{"all conditions", "negotiation", base, want{medium, .5, .7}},
		{"early stage", "qualified", with(prob(60)), want{}},
		{"probability 69", "proposal", with(prob(69)), want{}},
		{"default probability of negotiation is 70", "negotiation", with(func(b *dealBuilder) { b.ds.Deal.Probability = nil }), want{medium, .5, .7}},
		{"engaged 7 whole days ago", "negotiation", with(idle(8*day - time.Minute)), want{medium, .5, .7}},
		{"engaged 8 days ago", "negotiation", with(idle(8 * day)), want{}},
		{"never engaged", "negotiation", with(neverEngaged()), want{}},
		{"closes today", "negotiation", with(closeIn(0)), want{medium, .5, .7}},
		{"closes in 30 days", "negotiation", with(closeIn(30)), want{medium, .5, .7}},
		{"closes in 31 days", "negotiation", with(closeIn(31)), want{}},
		{"closed yesterday", "negotiation", with(closeIn(-1)), want{}},
		{"no close date", "negotiation", with(func(b *dealBuilder) { b.ds.Deal.CloseDate = nil }), want{}},
		{"high value", "negotiation", with(value(60_000)), want{high, .75, .7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := check(t, workspace("UTC", deal("d", tt.stage, tt.opts...)), RuleReadyToClose, tt.want)
			if f != nil && f.Type != domain.InsightOpportunity {
				t.Errorf("type = %s, want opportunity", f.Type)
			}
		})
	}
}
