package api_test

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
	"github.com/vectoros/vectoros/internal/http/api"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// monitorEnv is the full HTTP stack with the monitor's queue behind the
// API, as serve wires it: with a worker in the process, or insert-only (a
// worker elsewhere) when work is false.
func monitorEnv(t *testing.T, s *store.Store, clock *testdb.Clock, work bool) *env {
	t.Helper()
	opts := monitor.QueueOptions{Store: s, Interval: time.Hour, NoPeriodic: true, FetchPollInterval: 200 * time.Millisecond}
	if work {
		opts.Monitor = monitor.New(monitor.Options{Store: s, Now: clock.Now})
	}
	q, err := monitor.NewQueue(opts)
	if err != nil {
		t.Fatal(err)
	}
	ok(t, q.Start(ctx))
	t.Cleanup(func() { _ = q.Stop(ctx) })
	srv := server.New(server.Deps{Store: s, Now: clock.Now, Hasher: password.NewHasher(password.Fast, 4)})
	t.Cleanup(srv.Close)
	a := api.Register(srv, api.Deps{Store: s, Now: clock.Now, Monitor: q})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, s: s, clock: clock, srv: srv, api: a, ts: ts}
}

// insightSnapshot renders every insight of the workspace as the API shows it.
func insightSnapshot(t *testing.T, c *client.Client, ws string) string {
	t.Helper()
	p, err := c.Insights(ctx, ws, client.InsightQuery{Limit: 200})
	ok(t, err)
	return fmt.Sprintf("%+v", p.Items)
}

// The checklist's end-to-end case through the API: a new deal "Test Deal -
// High Value", 50,000, negotiation, 20%; a run → a critical insight on it
// with actions; a second run changes no insight.
func TestChecklistThroughTheAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		e := monitorEnv(t, s, clock, true)
		owner, w := e.owner("checklist@example.com")
		p := 20
		d, err := owner.CreateDeal(ctx, w.ID, client.DealInput{Title: "Test Deal - High Value", Value: client.Amount("50000"),
			Stage: "negotiation", Probability: &p})
		ok(t, err)
		run, err := owner.RunMonitor(ctx, w.ID, true)
		ok(t, err)
		if run.Status != "succeeded" || run.Joined || run.DealsAnalysed != 1 || run.InsightsCreated == 0 || run.CriticalCount == 0 ||
			run.DurationMS == nil || run.Trigger != "manual" || run.Error != nil {
			t.Fatalf("run %+v", run)
		}
		crit, err := owner.Insights(ctx, w.ID, client.InsightQuery{Priority: "critical", Deal: d.ID})
		ok(t, err)
		if len(crit.Items) == 0 || len(crit.Items[0].Actions) == 0 || crit.Items[0].Status != "new" {
			t.Fatalf("critical insights on the deal: %+v", crit.Items)
		}
		before := insightSnapshot(t, owner, w.ID)
		e.clock.Advance(30 * time.Minute)
		again, err := owner.RunMonitor(ctx, w.ID, true)
		ok(t, err)
		if again.ID == run.ID || again.Status != "succeeded" || again.InsightsCreated+again.InsightsUpdated+again.InsightsResolved != 0 {
			t.Fatalf("second run %+v", again)
		}
		if after := insightSnapshot(t, owner, w.ID); after != before {
			t.Fatalf("the second run changed insights:\n%s\n%s", before, after)
		}
		runs, err := owner.MonitorRuns(ctx, w.ID, 1, "")
		ok(t, err)
		if len(runs.Items) != 1 || runs.Items[0].ID != again.ID || runs.Items[0].Status != "succeeded" || runs.NextCursor == nil {
			t.Fatalf("runs page %+v", runs)
		}
		next, err := owner.MonitorRuns(ctx, w.ID, 1, *runs.NextCursor)
		ok(t, err)
		if len(next.Items) != 1 || next.Items[0].ID != run.ID || next.NextCursor != nil {
			t.Fatalf("second runs page %+v", next)
		}
	})
}

// Without wait the request answers 202 with the queued run; a second
// request joins it. Admins may request; members may only list.
func TestMonitorRunRequests(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		e := monitorEnv(t, s, clock, false)
		owner, w := e.owner("runs@example.com")
		resp, err := owner.Raw(ctx, "POST", "/workspaces/"+w.ID+"/monitor/run", "", nil, nil)
		ok(t, err)
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Fatalf("status %d, want 202", resp.StatusCode)
		}
		first, err := owner.MonitorRuns(ctx, w.ID, 0, "")
		ok(t, err)
		if len(first.Items) != 1 || first.Items[0].Status != "queued" || first.Items[0].StartedAt != nil {
			t.Fatalf("runs %+v", first.Items)
		}
		joined, err := owner.RunMonitor(ctx, w.ID, false)
		ok(t, err)
		if !joined.Joined || joined.ID != first.Items[0].ID || joined.Status != "queued" {
			t.Fatalf("second request %+v", joined)
		}
		admin, _ := e.member(owner, w.ID, "admin@example.com", "admin")
		if r, err := admin.RunMonitor(ctx, w.ID, false); err != nil || r.ID != joined.ID {
			t.Fatalf("admin request: %+v %v", r, err)
		}
		member, _ := e.member(owner, w.ID, "member@example.com", "member")
		_, err = member.RunMonitor(ctx, w.ID, false)
		wantStatus(t, err, 403)
		if p, err := member.MonitorRuns(ctx, w.ID, 0, ""); err != nil || len(p.Items) != 1 {
			t.Fatalf("member list: %+v %v", p, err)
		}
		wantStatus(t, owner.Do(ctx, "POST", "/workspaces/"+w.ID+"/monitor/run?wait=yes", nil, nil), 400, "wait")

		// A server without the queue says so.
		plain := newEnv(t, s, clock, server.Deps{})
		c := plain.client()
		_, err = c.Login(ctx, "runs@example.com", testPassword)
		ok(t, err)
		_, err = c.RunMonitor(ctx, w.ID, false)
		wantStatus(t, err, 503)
	})
}
