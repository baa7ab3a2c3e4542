package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// anaInsight inserts an open insight created now (the monitor's own write
// path is tested elsewhere; here only its created_at and rank matter).
func anaInsight(t *testing.T, s *store.Store, clock *testdb.Clock, ws, deal, id string, p domain.Priority) {
	t.Helper()
	_, err := s.DB().ExecContext(context.Background(), `INSERT INTO insights (id, workspace_id, deal_id, rule, fingerprint, type, title,
		description, priority, priority_rank, max_priority_notified, severity, confidence, evidence, actions, status, narrator,
		narration_key, tokens_in, tokens_out, cost_usd, first_seen_at, created_at, updated_at)
		VALUES ($1,$2,$3,'stale',$4,'risk','t','d',$5,$6,$6,0.5,0.9,'[]','[]','new','template','',0,0,0,$7,$7,$7)`,
		id, ws, deal, "stale:"+id, string(p), p.Rank(), clock.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
}

// anaRun queues, starts and finishes a manual run of ws taking d.
func anaRun(t *testing.T, s *store.Store, clock *testdb.Clock, ws string, d time.Duration, status string, calls int, cost float64) {
	t.Helper()
	figRun(t, s, clock, nil, ws, status, d, domain.MonitorRun{LLMCalls: calls, CostUSD: cost})
}

func TestAnalyticsPerUTCDay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		at := func(day, hour, min int) { clock.Set(time.Date(2026, 11, day, hour, min, 0, 0, time.UTC)) }
		deal := func(ws string, actor domain.Actor) domain.Deal {
			t.Helper()
			d, err := s.CreateDeal(ctx, ws, store.NewDeal{Title: "d"}, actor)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}

		// Before the 7-day window (Nov 21–27): counted nowhere.
		at(20, 12, 0)
		a, w := acctFixture(t, s, "a@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: a.ID}
		early := deal(w.ID, actor)
		anaRun(t, s, clock, w.ID, time.Minute, domain.RunSucceeded, 9, 9)

		// Nov 25: two deals, a critical insight, a 90 s run with 2 LLM calls.
		at(25, 10, 0)
		d1 := deal(w.ID, actor)
		deal(w.ID, actor)
		anaInsight(t, s, clock, w.ID, d1.ID, "i1", domain.PriorityCritical)
		anaRun(t, s, clock, w.ID, 90*time.Second, domain.RunSucceeded, 2, 0.03)
		if err := s.TouchUser(ctx, a.ID); err != nil {
			t.Fatal(err)
		}

		// A run that starts on Nov 26 and fails just after midnight counts
		// on Nov 27, the day it finished.
		at(26, 23, 59)
		anaRun(t, s, clock, w.ID, 2*time.Minute, domain.RunFailed, 0, 0)

		// Nov 27: a member signs up, a deal, a medium insight, feedback.
		at(27, 9, 0)
		b, err := s.CreateUser(ctx, "b@example.com", "B", "hash")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddMember(ctx, w.ID, b.ID, domain.RoleMember); err != nil {
			t.Fatal(err)
		}
		// A member who signed up long ago and was last seen 10 days ago:
		// neither a sign-up in the window nor weekly active.
		at(10, 9, 0)
		c, err := s.CreateUser(ctx, "c@example.com", "C", "hash")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.TouchUser(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.AddMember(ctx, w.ID, c.ID, domain.RoleMember); err != nil {
			t.Fatal(err)
		}
		at(27, 9, 30)
		deal(w.ID, actor)
		anaInsight(t, s, clock, w.ID, early.ID, "i2", domain.PriorityMedium)
		for _, ch := range []store.InsightChange{{Status: domain.StatusViewed}, {Status: domain.StatusViewed},
			{Status: domain.StatusActioned}} {
			if _, err := s.SetInsightStatus(ctx, w.ID, "i1", ch, actor); err != nil {
				t.Fatal(err)
			}
		}
		until := clock.Now().Add(48 * time.Hour)
		if _, err := s.SetInsightStatus(ctx, w.ID, "i2", store.InsightChange{Status: domain.StatusSnoozed, SnoozedUntil: &until}, actor); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetInsightStatus(ctx, w.ID, "i2", store.InsightChange{Status: domain.StatusDismissed, Reason: "known"}, actor); err != nil {
			t.Fatal(err)
		}

		// Another workspace, same days: never counted.
		o, ow := acctFixture(t, s, "o@example.com")
		oactor := domain.Actor{Kind: domain.ActorUser, ID: o.ID}
		od := deal(ow.ID, oactor)
		anaInsight(t, s, clock, ow.ID, od.ID, "o1", domain.PriorityCritical)
		if _, err := s.SetInsightStatus(ctx, ow.ID, "o1", store.InsightChange{Status: domain.StatusViewed}, oactor); err != nil {
			t.Fatal(err)
		}
		anaRun(t, s, clock, ow.ID, time.Minute, domain.RunSucceeded, 5, 1)

		at(27, 12, 0)
		got, err := s.Analytics(ctx, w.ID, 7)
		if err != nil {
			t.Fatal(err)
		}
		if got.From.String() != "2026-11-21" || got.To.String() != "2026-11-27" || len(got.Days) != 7 {
			t.Fatalf("window %s..%s, %d days", got.From, got.To, len(got.Days))
		}
		type figs struct {
			runs, ok, failed, calls, insights, critical, views, actions, dismissed, snoozed, signups, deals int
			cost                                                                                            float64
			secs                                                                                            float64
		}
		pick := func(d store.DayFigures) figs {
			return figs{d.Runs, d.RunsSucceeded, d.RunsFailed, d.LLMCalls, d.Insights, d.CriticalInsights, d.Views, d.Actions,
				d.Dismissed, d.Snoozed, d.SignUps, d.DealsAdded, d.LLMCostUSD, d.RunSeconds}
		}
		want := map[string]figs{
			"2026-11-25": {runs: 1, ok: 1, calls: 2, insights: 1, critical: 1, deals: 2, cost: 0.03, secs: 90},
			"2026-11-27": {runs: 1, failed: 1, insights: 1, views: 2, actions: 1, dismissed: 1, snoozed: 1, signups: 1, deals: 1, secs: 120},
		}
		for _, d := range got.Days {
			w := want[d.Day.String()]
			g := pick(d)
			if g.cost-w.cost > 1e-9 || w.cost-g.cost > 1e-9 || g.secs-w.secs > 0.01 || w.secs-g.secs > 0.01 {
				t.Errorf("%s: cost %v secs %v, want %v %v", d.Day, g.cost, g.secs, w.cost, w.secs)
			}
			g.cost, g.secs, w.cost, w.secs = 0, 0, 0, 0
			if g != w {
				t.Errorf("%s: got %+v, want %+v", d.Day, g, w)
			}
		}
		if got.Totals.Runs != 2 || got.Totals.RunsFailed != 1 || got.Totals.DealsAdded != 3 || got.Totals.Views != 2 {
			t.Errorf("totals: %+v", got.Totals)
		}
		if r := got.Days[4].SuccessRate(); r == nil || *r != 1 {
			t.Errorf("Nov 25 success rate: %v", r)
		}
		if r := got.Days[6].SuccessRate(); r == nil || *r != 0 {
			t.Errorf("Nov 27 success rate: %v", r)
		}
		if got.Days[0].SuccessRate() != nil || got.Days[4].AvgRunDuration() != 90*time.Second {
			t.Errorf("empty day rate %v, Nov 25 average %v", got.Days[0].SuccessRate(), got.Days[4].AvgRunDuration())
		}
		// a was seen on Nov 25, b never, c 17 days ago.
		if got.Members != 3 || got.WeeklyActiveUsers != 1 {
			t.Errorf("members %d, weekly active %d; want 3, 1", got.Members, got.WeeklyActiveUsers)
		}
	})
}

func TestMonitorStatus(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		_, w := acctFixture(t, s, "m@example.com")
		st, err := s.MonitorStatus(ctx, w.ID)
		if err != nil || st.LastRun != nil || st.Pending != nil || st.LastPeriodicStart != nil {
			t.Fatalf("empty: %+v, %v", st, err)
		}
		c, runs := monCycle(t, s, domain.TriggerPeriodic, w.ID)
		if _, err := s.StartRun(ctx, runs[0].ID); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		monFinish(t, s, runs[0], domain.RunSucceeded)
		clock.Advance(time.Minute)
		var queued string
		if err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
			r, err := mt.CreateRun(ctx, store.NewRunID(), nil, w.ID, domain.TriggerManual)
			queued = r.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		st, err = s.MonitorStatus(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.LastRun == nil || st.LastRun.ID != runs[0].ID || st.LastRun.Status != domain.RunSucceeded {
			t.Errorf("last run: %+v", st.LastRun)
		}
		if st.Pending == nil || st.Pending.ID != queued {
			t.Errorf("pending: %+v", st.Pending)
		}
		if st.LastPeriodicStart == nil || !st.LastPeriodicStart.Equal(c.StartedAt) {
			t.Errorf("last periodic start %v, want %v", st.LastPeriodicStart, c.StartedAt)
		}
	})
}

func TestDealRefs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := acctFixture(t, s, "r@example.com")
		o, ow := acctFixture(t, s, "r2@example.com")
		v := int64(5_000_00)
		d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "Mine", Company: "Acme", Value: &v}, domain.Actor{Kind: "user", ID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		od, err := s.CreateDeal(ctx, ow.ID, store.NewDeal{Title: "Theirs"}, domain.Actor{Kind: "user", ID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		refs, err := s.DealRefs(ctx, w.ID, []string{d.ID, od.ID, d.ID, "missing"})
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) != 1 || refs[d.ID].Title != "Mine" || refs[d.ID].Company != "Acme" || *refs[d.ID].Value != v ||
			refs[d.ID].Stage != "lead" || refs[d.ID].Currency != "USD" {
			t.Fatalf("refs: %+v", refs)
		}
		if refs, err := s.DealRefs(ctx, w.ID, nil); err != nil || len(refs) != 0 {
			t.Fatalf("empty: %v %v", refs, err)
		}
	})
}
