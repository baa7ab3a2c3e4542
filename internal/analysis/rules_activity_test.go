package analysis

import (
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

const (
	medium   = domain.PriorityMedium
	high     = domain.PriorityHigh
	critical = domain.PriorityCritical
)

func TestStale(t *testing.T) {
	// lead: rotting_days 14.
	tests := []struct {
		name string
		opts []dealOpt
		want want
	}{
		{"at threshold", []dealOpt{idle(14 * day)}, want{}},
		{"just below a whole day over", []dealOpt{idle(15*day - time.Minute)}, want{}},
		{"just above", []dealOpt{idle(15 * day)}, want{medium, .36, .9}},
		{"ratio just below 2", []dealOpt{idle(27 * day)}, want{medium, .64, .9}},
		{"ratio 2", []dealOpt{idle(28 * day)}, want{high, .67, .9}},
		{"ratio just below 3", []dealOpt{idle(41 * day)}, want{high, .98, .9}},
		{"ratio 3", []dealOpt{idle(42 * day)}, want{critical, 1, .9}},
		{"ratio far above 3", []dealOpt{idle(100 * day)}, want{critical, 1, .9}},
		{"never engaged counts from creation", []dealOpt{neverEngaged(), age(20 * day)}, want{medium, .48, .9}},
		{"never engaged, young deal", []dealOpt{neverEngaged(), age(14 * day)}, want{}},
		{"engaged recently although old", []dealOpt{age(90 * day), idle(3 * day)}, want{}},
		{"engagement in the future counts as now", []dealOpt{idle(-2 * day)}, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := check(t, workspace("UTC", deal("d", "lead", tt.opts...)), RuleStale, tt.want)
			if f != nil && evidence(t, f, "rotting_days") != 14 {
				t.Errorf("rotting_days evidence = %v", evidence(t, f, "rotting_days"))
			}
		})
	}
}

func TestStaleEvidence(t *testing.T) {
	f := check(t, workspace("UTC", deal("d", "proposal", idle(10*day+23*time.Hour))), RuleStale, want{medium, .48, .9})
	if got := evidence(t, f, "idle_days"); got != 10 {
		t.Errorf("idle_days = %v, want 10 (floor of hours/24)", got)
	}
	if got := evidence(t, f, "idle_ratio"); got != 1.42 {
		t.Errorf("idle_ratio = %v, want 1.42 (10/7 truncated)", got)
	}
}

func TestStuckInStage(t *testing.T) {
	// lead: stuck_days 14; no won history, so the norm is stuck_days.
	tests := []struct {
		name string
		opts []dealOpt
		want want
	}{
		{"at norm", []dealOpt{inStage(14 * day)}, want{}},
		{"hours short of a day over", []dealOpt{inStage(15*day - time.Second)}, want{}},
		{"just above", []dealOpt{inStage(15 * day)}, want{medium, .36, .7}},
		{"ratio just below 2", []dealOpt{inStage(27 * day)}, want{medium, .64, .7}},
		{"ratio 2", []dealOpt{inStage(28 * day)}, want{high, .67, .7}},
		{"ratio just below 3", []dealOpt{inStage(41 * day)}, want{high, .98, .7}},
		{"ratio 3", []dealOpt{inStage(42 * day)}, want{critical, 1, .7}},
		{"stage entry in the future", []dealOpt{inStage(-3 * day)}, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := check(t, workspace("UTC", deal("d", "lead", tt.opts...)), RuleStuckInStage, tt.want)
			if f != nil {
				if evidence(t, f, "stage_norm_days") != 14 || evidence(t, f, "stuck_days") != 14 {
					t.Errorf("norm evidence %+v", f.Evidence)
				}
			}
		})
	}
}

func TestNoNextStep(t *testing.T) {
	morning := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC) // today, hours ago
	tests := []struct {
		name  string
		stage string
		opts  []dealOpt
		want  want
	}{
		{"late stage without activities", "proposal", nil, want{medium, .5, .85}},
		{"negotiation without activities", "negotiation", nil, want{medium, .5, .85}},
		{"early stage is never asked", "qualified", nil, want{}},
		{"planned yesterday, never done", "proposal", []dealOpt{nextAt(testNow.Add(-day))}, want{medium, .5, .85}},
		{"planned earlier today counts", "proposal", []dealOpt{nextAt(morning)}, want{}},
		{"planned in an hour", "proposal", []dealOpt{nextAt(testNow.Add(time.Hour))}, want{}},
		{"planned next month", "negotiation", []dealOpt{nextAt(testNow.Add(30 * day))}, want{}},
		{"high value raises it", "proposal", []dealOpt{value(50_000)}, want{high, .75, .85}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, workspace("UTC", deal("d", tt.stage, tt.opts...)), RuleNoNextStep, tt.want)
		})
	}
}

func TestNoNextStepEvidence(t *testing.T) {
	// Planned three calendar days ago (late evening), never done.
	planned := time.Date(2026, 3, 7, 23, 0, 0, 0, time.UTC)
	f := check(t, workspace("UTC", deal("d", "proposal", nextAt(planned))), RuleNoNextStep, want{medium, .5, .85})
	if evidence(t, f, "days_since_last_planned_step") != 3 || evidence(t, f, "open_activities") != 1 {
		t.Errorf("evidence %+v", f.Evidence)
	}
	f = check(t, workspace("UTC", deal("d", "proposal")), RuleNoNextStep, want{medium, .5, .85})
	for _, e := range f.Evidence {
		if e.Name == "days_since_last_planned_step" {
			t.Errorf("nothing was ever planned, yet %+v", f.Evidence)
		}
	}
}
