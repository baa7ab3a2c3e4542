package analysis

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestGolden pins the full findings of a few realistic pipelines. Review a
// diff of testdata/*.golden like code: run `go test ./internal/analysis
// -run TestGolden -update` and read what changed.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		snap domain.WorkspaceSnapshot
		now  time.Time
	}{
		{"checklist", checklistSnapshot(), testNow},
		{"pipeline_utc", pipelineSnapshot(), testNow},
		{"learned_norms_los_angeles", learnedSnapshot(), testNow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.MarshalIndent(Run(tt.snap, tt.now), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("findings differ from %s; rerun with -update and review the diff.\ngot:\n%s", path, got)
			}
		})
	}
}

func named(title, company string) dealOpt {
	return func(b *dealBuilder) { b.ds.Deal.Title, b.ds.Deal.Company = title, company }
}

func checklistSnapshot() domain.WorkspaceSnapshot {
	return workspace("UTC", deal("d-test-high-value", "negotiation", named("Test Deal - High Value", ""),
		value(50_000), prob(20), neverEngaged()))
}

// pipelineSnapshot is a sales team's pipeline in a UTC, USD workspace: a
// healthy deal, a deal about to sign, and one deal for each way a deal goes
// wrong, with the change history that explains it.
func pipelineSnapshot() domain.WorkspaceSnapshot {
	at := func(daysAgo int) time.Time { return testNow.Add(-time.Duration(daysAgo) * day) }
	return workspace("UTC",
		// Healthy: qualified, talked to yesterday, closing next quarter.
		deal("d01", "qualified", named("Acme — Analytics Suite", "Acme"), value(18_000), prob(30),
			age(12*day), idle(day), closeIn(75), nextAt(testNow.Add(3*day))),
		// Ready to close: engaged this week, 80%, due in 9 days, a signing call booked.
		deal("d02", "negotiation", named("Globex — Enterprise Plan", "Globex"), value(42_000), prob(80),
			age(40*day), inStage(9*day), idle(2*day), closeIn(9), nextAt(testNow.Add(2*day))),
		// Gone quiet in proposal for 23 days, no next step.
		deal("d03", "proposal", named("Initech — Support Renewal", "Initech"), value(7_500),
			age(45*day), inStage(25*day), idle(23*day), closeIn(20)),
		// Closing in 5 days at 40%.
		deal("d04", "proposal", named("Umbrella — Pilot", "Umbrella"), value(6_000), prob(40),
			age(20*day), inStage(6*day), idle(3*day), closeIn(5), nextAt(testNow.Add(day))),
		// Overdue by 18 days, and the close date already slipped three times.
		deal("d05", "negotiation", named("Hooli — Data Platform", "Hooli"), value(9_000), prob(65),
			age(120*day), inStage(16*day), idle(4*day), closeIn(-18), nextAt(testNow.Add(4*day)), events(
				change(domain.EventStageChanged, at(16), str("proposal"), str("negotiation")),
				slip(at(70), "2026-01-15", "2026-01-31"), slip(at(50), "2026-01-31", "2026-02-10"),
				slip(at(30), "2026-02-10", "2026-02-20"),
			)),
		// Discounted from 12,000 to 6,500 since it entered negotiation.
		deal("d06", "negotiation", named("Stark — Field Service", "Stark"), initialValue(12_000), value(6_500), prob(75),
			age(60*day), inStage(14*day), idle(day), closeIn(40), nextAt(testNow.Add(day)), events(
				change(domain.EventStageChanged, at(14), str("proposal"), str("negotiation")),
				change(domain.EventValueChanged, at(6), minorStr(12_000), minorStr(6_500)),
			)),
		// A lead marked 55%: over the lead ceiling.
		deal("d07", "lead", named("Wayne — Security Review", "Wayne"), value(4_000), prob(55),
			age(5*day), idle(2*day)),
		// The big one: 120,000 in qualified, silent for 8 days, 41 days in stage.
		deal("d08", "qualified", named("Tyrell — Global Rollout", "Tyrell"), value(120_000), prob(25),
			age(70*day), inStage(41*day), idle(8*day), closeIn(45), nextAt(testNow.Add(-2*day))),
		// No value, no probability, no close date: only what can be judged.
		deal("d09", "lead", named("Cyberdyne — Inbound enquiry", "Cyberdyne"), noValue(),
			age(30*day), neverEngaged()),
	)
}

// learnedSnapshot is a Los Angeles workspace in EUR with 24 won deals of
// 12…35 days in qualified, so qualified has a learned norm of 29 days, and deals whose dates sit on the
// boundary between today in Los Angeles and in UTC.
func learnedSnapshot() domain.WorkspaceSnapshot {
	snap := workspace("America/Los_Angeles",
		// 30 days in qualified: stuck against the learned norm of 29.
		deal("l01", "qualified", named("Soylent — Pilot", "Soylent"), value(15_000), prob(30),
			age(35*day), inStage(30*day), idle(day), closeIn(30), nextAt(testNow.Add(day))),
		// 25 days in qualified: not stuck (the default norm would be 21).
		deal("l02", "qualified", named("Oscorp — Labs", "Oscorp"), value(8_000), prob(30),
			age(30*day), inStage(25*day), idle(day), closeIn(30)),
		// Close date 10 March: today in Los Angeles (09:00), not overdue.
		deal("l03", "negotiation", named("Nakatomi — Towers", "Nakatomi"), value(22_000), prob(75),
			age(50*day), inStage(10*day), idle(3*day), closeOn(domain.Date{Year: 2026, Month: time.March, Day: 10}),
			nextAt(time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC))), // 00:30 today in LA: a next step
		// Close date 9 March: yesterday in Los Angeles.
		deal("l04", "proposal", named("Massive Dynamic — Renewal", "Massive Dynamic"), value(3_000), prob(45),
			age(50*day), inStage(12*day), idle(6*day), closeOn(domain.Date{Year: 2026, Month: time.March, Day: 9}),
			nextAt(time.Date(2026, 3, 10, 6, 30, 0, 0, time.UTC))), // 23:30 yesterday in LA: no next step
	)
	snap.Workspace.Currency = "EUR"
	for i := range snap.Deals {
		snap.Deals[i].Deal.Currency = "EUR"
	}
	snap.WonHistories = wonHistories(24, func(i int) time.Duration { return time.Duration(12+i) * day }) // 12…35 days
	return snap
}
