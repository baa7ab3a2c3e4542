package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// Another user's workspace and objects are the friendly 404 page, by URL
// and by form post, and nothing of theirs changes.
func TestOtherUsersObjectsAreNotFound(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		a := h.client()
		wsA := a.signUp("ann@example.com", "Ann's")
		d := checklistDeal(t, a, wsA)
		h.runMonitor(wsA)
		ins, _, _ := s.ListInsights(ctx, wsA, domain.InsightFilter{DealID: d.ID})

		b := h.client()
		wsB := b.signUp("bob@example.com", "Bob's")
		gets := []string{
			"/w/" + wsA, "/w/" + wsA + "/deals", "/w/" + wsA + "/deals/" + d.ID, "/w/" + wsA + "/insights/" + ins[0].ID,
			"/w/" + wsA + "/settings", "/w/" + wsA + "/operations",
			// A's ids through B's own workspace.
			"/w/" + wsB + "/deals/" + d.ID, "/w/" + wsB + "/deals/" + d.ID + "/edit", "/w/" + wsB + "/insights/" + ins[0].ID,
		}
		for _, path := range gets {
			p := b.get(path)
			if p.status != http.StatusNotFound || !p.has("Page not found") {
				t.Errorf("GET %s: %d", path, p.status)
			}
		}
		posts := []string{
			"/w/" + wsA + "/deals/" + d.ID, "/w/" + wsA + "/deals/" + d.ID + "/stage",
			"/w/" + wsB + "/deals/" + d.ID, "/w/" + wsB + "/deals/" + d.ID + "/stage",
			"/w/" + wsB + "/deals/" + d.ID + "/activities",
			fmt.Sprintf("/w/%s/insights/%s/actions/0", wsB, ins[0].ID), "/w/" + wsB + "/insights/" + ins[0].ID + "/dismiss",
			"/w/" + wsA + "/settings/name", "/w/" + wsA + "/operations/run",
		}
		for _, path := range posts {
			p := b.post(path, vals("title", "Hijacked", "stage", "lost", "name", "Hijacked", "subject", "x", "type", "note",
				"probability", "1", "reason", "x"))
			if p.status != http.StatusNotFound {
				t.Errorf("POST %s: %d", path, p.status)
			}
		}
		got, _ := s.GetDeal(ctx, wsA, d.ID)
		if got.Title != "Test Deal - High Value" || got.Stage != "negotiation" || *got.Probability != 20 {
			t.Fatalf("A's deal changed: %+v", got)
		}
		if acts, _ := s.ListActivities(ctx, wsA, d.ID); len(acts) != 0 {
			t.Fatalf("activity added to A's deal: %+v", acts)
		}
		if in, _ := s.GetInsight(ctx, wsA, ins[0].ID); in.Status != domain.StatusNew {
			t.Fatalf("A's insight changed: %s", in.Status)
		}
		if w, _ := s.GetWorkspace(ctx, wsA); w.Name != "Ann's" {
			t.Fatalf("A renamed: %s", w.Name)
		}
		if len(h.runs.got) != 0 {
			t.Fatalf("runs requested: %v", h.runs.got)
		}
	})
}

func TestOperationsForAdmins(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		a := h.client()
		ws := a.signUp("ann@example.com", "Acme")
		checklistDeal(t, a, ws)
		h.runMonitor(ws)
		p := a.get("/w/" + ws + "/operations")
		wantStatus(t, p, http.StatusOK)
		wantText(t, p, "Monitor runs", "Run success rate", "LLM cost (USD, estimated)", "Insight views and actions taken",
			"Sign-ups and deals added", `id="run-now"`, "Recent runs", "<svg", "27 Nov 2026")
		for _, q := range []string{"?days=7", "?days=90", "?days=5000"} {
			wantStatus(t, a.get("/w/"+ws+"/operations"+q), http.StatusOK)
		}
		p = a.post("/w/"+ws+"/operations/run", nil)
		wantText(t, p, "Monitor run queued.")
		p = a.post("/w/"+ws+"/operations/run", nil)
		wantText(t, p, "already queued or running")
		if len(h.runs.got) != 2 || h.runs.got[0] != ws {
			t.Fatalf("requests: %v", h.runs.got)
		}
		// A member sees neither the page nor the button's target.
		b := h.client()
		b.signUp("bob@example.com", "Bob's")
		if err := s.AddMember(ctx, ws, h.user("bob@example.com").ID, domain.RoleMember); err != nil {
			t.Fatal(err)
		}
		for _, p := range []page{b.get("/w/" + ws + "/operations"), b.post("/w/"+ws+"/operations/run", nil)} {
			wantStatus(t, p, http.StatusForbidden)
			wantText(t, p, "for the workspace")
		}
		if p := b.get("/w/" + ws); p.has(`/operations"`) {
			t.Fatal("members see the operations link")
		}
		if len(h.runs.got) != 2 {
			t.Fatalf("a member requested a run: %v", h.runs.got)
		}
	})
}
