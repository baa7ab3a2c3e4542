package analysis

import (
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// Date measures are calendar dates in the workspace's time zone; elapsed
// measures are whole 24-hour days whatever the zone.
func TestCalendarDatesInTheWorkspaceZone(t *testing.T) {
	// 03:00 UTC on 10 March is 20:00 on 9 March in Los Angeles; 20:00 UTC
	// on 10 March is 05:00 on 11 March in Tokyo.
	early := time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)
	late := time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC)
	march9 := domain.Date{Year: 2026, Month: time.March, Day: 9}
	march10 := domain.Date{Year: 2026, Month: time.March, Day: 10}
	march11 := domain.Date{Year: 2026, Month: time.March, Day: 11}
	tests := []struct {
		name        string
		now         time.Time
		tz          string
		close       domain.Date
		overdue     bool
		risk        domain.Priority
		daysToClose int
	}{
		{"today in Los Angeles", early, "America/Los_Angeles", march9, false, high, 0},
		{"the same date is yesterday in UTC", early, "UTC", march9, true, "", -1},
		{"tomorrow in Los Angeles, today in UTC", early, "America/Los_Angeles", march10, false, high, 1},
		{"today in UTC", early, "UTC", march10, false, high, 0},
		{"today in Tokyo", late, "Asia/Tokyo", march11, false, high, 0},
		{"the same date is tomorrow in UTC", late, "UTC", march11, false, high, 1},
		{"yesterday in Tokyo is today in UTC", late, "Asia/Tokyo", march10, true, "", -1},
		{"unknown zone falls back to UTC", early, "Mars/Olympus", march9, true, "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			d := deal("d", "lead", closeOn(tt.close), func(b *dealBuilder) {
				b.ds.Deal.CreatedAt, b.ds.Deal.StageEnteredAt = now, now
				b.ds.LastEngagementAt = &now
			})
			fs := Run(workspace(tt.tz, d), now)
			if got := find(fs, "d", RuleOverdue) != nil; got != tt.overdue {
				t.Errorf("overdue = %v, want %v", got, tt.overdue)
			}
			f := find(fs, "d", RuleCloseDateRisk)
			switch {
			case tt.risk == "" && f != nil:
				t.Errorf("close_date_risk fired: %+v", f.Evidence)
			case tt.risk != "" && f == nil:
				t.Errorf("close_date_risk did not fire")
			case f != nil && evidence(t, f, "days_to_close") != float64(tt.daysToClose):
				t.Errorf("days_to_close evidence %+v, want %d", f.Evidence, tt.daysToClose)
			}
		})
	}
}

func TestTodayEdgesInLosAngeles(t *testing.T) {
	// One minute either side of midnight in Los Angeles (PDT, UTC−7).
	close := domain.Date{Year: 2026, Month: time.March, Day: 10}
	for _, c := range []struct {
		name    string
		now     time.Time
		overdue bool
	}{
		{"23:59 on the close date", time.Date(2026, 3, 11, 6, 59, 0, 0, time.UTC), false},
		{"00:00 the day after", time.Date(2026, 3, 11, 7, 0, 0, 0, time.UTC), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := deal("d", "lead", closeOn(close))
			if got := find(Run(workspace("America/Los_Angeles", d), c.now), "d", RuleOverdue) != nil; got != c.overdue {
				t.Errorf("overdue = %v, want %v", got, c.overdue)
			}
		})
	}
}

func TestNextStepIsJudgedInTheWorkspaceZone(t *testing.T) {
	// testNow is 09:00 in Los Angeles on 10 March. 06:00 UTC on 10 March is
	// today in UTC but 23:00 on 9 March in Los Angeles: no next step there.
	planned := time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		tz    string
		fires bool
	}{{"UTC", false}, {"America/Los_Angeles", true}} {
		d := deal("d", "proposal", nextAt(planned))
		if got := find(Run(workspace(c.tz, d), testNow), "d", RuleNoNextStep) != nil; got != c.fires {
			t.Errorf("%s: no_next_step fired = %v, want %v", c.tz, got, c.fires)
		}
	}
}

func TestElapsedDaysAreWholeTwentyFourHours(t *testing.T) {
	// Los Angeles moved its clocks forward on 8 March 2026. From 08:00 PST on
	// 24 Feb to 08:00 PDT on 10 March is 14 calendar days but 13 days and
	// 23 hours: 13 whole days, so a lead (stuck_days 13 here) is not stuck.
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	now := time.Date(2026, 3, 10, 8, 0, 0, 0, la)
	entered := time.Date(2026, 2, 24, 8, 0, 0, 0, la)
	snap := workspace("America/Los_Angeles", deal("d", "lead", func(b *dealBuilder) {
		b.ds.Deal.CreatedAt, b.ds.Deal.StageEnteredAt = entered, entered
		b.ds.LastEngagementAt = &now
	}))
	for i := range snap.Stages {
		if snap.Stages[i].Key == "lead" {
			thirteen := 13
			snap.Stages[i].StuckDays = &thirteen
		}
	}
	if f := find(Run(snap, now), "d", RuleStuckInStage); f != nil {
		t.Fatalf("stuck fired across the DST change: %+v", f.Evidence)
	}
	if f := find(Run(snap, now.Add(time.Hour)), "d", RuleStuckInStage); f == nil || evidence(t, f, "days_in_stage") != 14 {
		t.Fatalf("an hour later it should be 14 whole days: %+v", f)
	}
}
