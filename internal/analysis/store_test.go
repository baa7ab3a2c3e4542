package analysis

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// TestRulesOverTheStoreSnapshot drives deals through the store the way
// users do (create, edit, log activities), loads the snapshot the monitor
// loads, and checks what the rules conclude — on SQLite and PostgreSQL.
// It proves the rules read the store's change log, created-event JSON and
// activity aggregates as the store writes them.
func TestRulesOverTheStoreSnapshot(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		t0 := clock.Now() // 27 Nov 2026 10:00 UTC
		user, err := s.CreateUser(ctx, "rep@example.com", "Rep", "x")
		must(t, err)
		ws, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "Northwind", TimeZone: "America/Los_Angeles"}, user.ID)
		must(t, err)
		actor := domain.Actor{Kind: domain.ActorUser, ID: user.ID}
		create := func(n store.NewDeal) domain.Deal {
			t.Helper()
			d, err := s.CreateDeal(ctx, ws.ID, n, actor)
			must(t, err)
			return d
		}
		update := func(id string, p domain.DealPatch) {
			t.Helper()
			_, err := s.UpdateDeal(ctx, ws.ID, id, p, actor)
			must(t, err)
		}
		activity := func(dealID string, typ domain.ActivityType, scheduled, completed *time.Time) {
			t.Helper()
			_, err := s.CreateActivity(ctx, ws.ID, dealID, store.NewActivity{Type: typ, Subject: string(typ),
				ScheduledAt: scheduled, CompletedAt: completed}, actor)
			must(t, err)
		}
		at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
		date := func(s string) **domain.Date { d, _ := domain.ParseDate(s); p := &d; return &p }
		money := func(major int64) *int64 { v := major * 100; return &v }

		// B slips twice, enters negotiation, then loses more than half its
		// value; only a note was ever logged, so it has been idle since creation.
		b := create(store.NewDeal{Title: "Initech — Renewal", Value: money(20_000), Stage: "proposal",
			Probability: ptrTo(50), CloseDate: *date("2026-12-01")})
		clock.Advance(day)
		update(b.ID, domain.DealPatch{CloseDate: date("2026-12-15")})
		clock.Advance(day)
		update(b.ID, domain.DealPatch{CloseDate: date("2027-01-10")})
		clock.Advance(day)
		update(b.ID, domain.DealPatch{Stage: ptrTo("negotiation")})
		clock.Advance(day)
		update(b.ID, domain.DealPatch{Value: ptrTo(money(9_000))})
		activity(b.ID, domain.ActivityNote, nil, at(4*day))
		activity(b.ID, domain.ActivityTask, nil, nil) // open, unscheduled: not a next step

		// C is ready to close: a call two days ago, a meeting booked.
		c := create(store.NewDeal{Title: "Globex — Enterprise", Value: money(30_000), Stage: "negotiation",
			Probability: ptrTo(80), CloseDate: *date("2026-12-16")})
		clock.Set(t0.Add(8 * day))
		activity(c.ID, domain.ActivityCall, nil, at(8*day))
		activity(c.ID, domain.ActivityMeeting, at(11*day), nil)

		// D was won: never analysed.
		d := create(store.NewDeal{Title: "Hooli — Pilot", Value: money(80_000), Stage: "negotiation", Probability: ptrTo(10)})
		update(d.ID, domain.DealPatch{Stage: ptrTo("won")})

		// The run happens at 05:00 UTC on 7 December: still 6 December in
		// Los Angeles, so E's close date is today there, not yesterday.
		clock.Set(time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC))
		e := create(store.NewDeal{Title: "Umbrella — Add-on", Value: money(2_000), Stage: "lead", CloseDate: *date("2026-12-06")})
		// A is the checklist's deal, created just now.
		a := create(store.NewDeal{Title: "Test Deal - High Value", Value: money(50_000), Stage: "negotiation", Probability: ptrTo(20)})

		snap, err := s.LoadSnapshot(ctx, ws.ID)
		must(t, err)
		fs := Run(snap, clock.Now())
		for _, f := range fs {
			checkShape(t, f)
		}
		want := map[string][]string{
			a.ID: {"probability_mismatch/critical", "high_value_at_risk/critical", "no_next_step/high"},
			b.ID: {"stale/medium", "probability_mismatch/medium", "close_date_slipped/medium", "value_dropped/high", "no_next_step/medium"},
			c.ID: {"ready_to_close/medium"},
			e.ID: {"close_date_risk/high"},
		}
		got := map[string][]string{}
		for _, f := range fs {
			got[f.DealID] = append(got[f.DealID], f.Rule+"/"+string(f.Priority))
		}
		for id, w := range want {
			if !slices.Equal(got[id], w) {
				t.Errorf("deal %s: findings %v, want %v", id, got[id], w)
			}
		}
		if len(got[d.ID]) != 0 || len(got) != len(want) {
			t.Errorf("unexpected findings: %v", got)
		}
		if f := find(fs, b.ID, RuleValueDropped); f != nil && (evidence(t, f, "value_at_stage_entry") != 20_000 || evidence(t, f, "value") != 9_000) {
			t.Errorf("value_dropped evidence %+v", f.Evidence)
		}
		if f := find(fs, b.ID, RuleStale); f != nil && evidence(t, f, "idle_days") != 9 {
			t.Errorf("stale evidence %+v (a note must not reset idle)", f.Evidence)
		}
		if f := find(fs, b.ID, RuleCloseDateSlipped); f != nil && evidence(t, f, "days_slipped") != 40 {
			t.Errorf("close_date_slipped evidence %+v", f.Evidence)
		}
		if f := find(fs, e.ID, RuleCloseDateRisk); f != nil && evidence(t, f, "days_to_close") != 0 {
			t.Errorf("close_date_risk evidence %+v", f.Evidence)
		}
		if len(snap.WonHistories[d.ID]) == 0 {
			t.Error("the won deal's history was not loaded for the norms")
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%+v", err)
	}
}
