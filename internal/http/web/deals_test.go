package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestDealCreateAndEdit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("ann@example.com", "Acme")
		ann := h.user("ann@example.com")
		wantText(t, c.get("/w/"+ws+"/deals/new"), `name="title"`, `name="close_date"`, "Value (USD)")

		// Thousands separators are read exactly; no close date is fine.
		p := c.post("/w/"+ws+"/deals", vals("title", "Test Deal - High Value", "value", "50,000", "stage", "negotiation",
			"probability", "20", "owner_id", ann.ID))
		wantStatus(t, p, http.StatusOK)
		wantText(t, p, "Deal “Test Deal - High Value” created.", "$50,000", "20%", "Negotiation")
		deals, _, err := s.ListDeals(ctx, ws, domain.DealFilter{})
		if err != nil || len(deals) != 1 {
			t.Fatalf("deals: %v %v", deals, err)
		}
		d := deals[0]
		if *d.Value != 50_000_00 || *d.Probability != 20 || d.CloseDate != nil || d.Stage != "negotiation" || *d.OwnerID != ann.ID {
			t.Fatalf("saved: %+v", d)
		}
		if !strings.HasSuffix(p.path, "/deals/"+d.ID) {
			t.Fatalf("landed on %s", p.path)
		}

		// The edit form shows the values; saving patches only what changed,
		// and the history says it in words.
		wantText(t, c.get("/w/"+ws+"/deals/"+d.ID+"/edit"), `value="50000"`, `value="20"`)
		clock.Advance(time.Hour)
		p = c.post("/w/"+ws+"/deals/"+d.ID, vals("title", "Test Deal - High Value", "value", "62500.50", "stage", "negotiation",
			"probability", "20", "close_date", "2026-12-31", "owner_id", ann.ID, "company", "Initech"))
		wantText(t, p, "Deal saved.", "$62,500.50", "31 Dec 2026", "Initech",
			"Value changed from $50,000 to $62,500.50", "Close date set to 31 Dec 2026",
			"Company changed from nothing to “Initech”", "Created in Negotiation at $50,000, 20% likely, owned by ann")
		events, err := s.ListDealEvents(ctx, ws, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind)
		}
		if got := strings.Join(kinds, ","); got != "created,value_changed,close_date_changed,company_changed" {
			t.Fatalf("events: %s", got)
		}
		// Clearing the close date and the value.
		p = c.post("/w/"+ws+"/deals/"+d.ID, vals("title", "Test Deal - High Value", "stage", "negotiation", "probability", "20",
			"owner_id", ann.ID, "company", "Initech"))
		wantText(t, p, "Deal saved.", "Close date cleared (was 31 Dec 2026)", "Value changed from $62,500.50 to no value")
	})
}

func TestDealValidationInlineAndNothingSaved(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("ann@example.com", "Acme")
		cases := []struct {
			name  string
			form  []string
			field string
			msg   string
		}{
			{"words for a value", []string{"title", "T", "value", "fifty thousand"}, "value", "Value (USD) must be a decimal number"},
			{"too many decimals", []string{"title", "T", "value", "10.005"}, "value", "USD allows at most 2 decimal places"},
			{"ambiguous comma", []string{"title", "T", "value", "1,5"}, "value", "must be a decimal number"},
			{"negative", []string{"title", "T", "value", "-5"}, "value", "must not be negative"},
			{"probability", []string{"title", "T", "probability", "150"}, "probability", "Probability (%) must be a whole number from 0 to 100."},
			{"no title", []string{"title", " "}, "title", "Title is required."},
			{"bad date", []string{"title", "T", "close_date", "31/12/2026"}, "close_date", "Expected close date must be a date such as 2026-12-31."},
			{"bad email", []string{"title", "T", "contact_email", "bob at acme"}, "contact_email", "Contact email must be an email address"},
			{"unknown stage", []string{"title", "T", "stage", "nope"}, "stage", "Stage must be one of the workspace"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := c.post("/w/"+ws+"/deals", vals(tc.form...))
				wantStatus(t, p, http.StatusUnprocessableEntity)
				wantText(t, p, `id="f-`+tc.field+`-error"`, tc.msg, `aria-invalid="true"`)
				// What was typed is kept.
				if tc.form[1] != " " {
					wantText(t, p, `value="`+tc.form[1]+`"`)
				}
			})
		}
		deals, _, err := s.ListDeals(context.Background(), ws, domain.DealFilter{})
		if err != nil || len(deals) != 0 {
			t.Fatalf("invalid forms saved deals: %d %v", len(deals), err)
		}
	})
}

var rowTitle = regexp.MustCompile(`<td><a href="/w/[^"]+/deals/[^"]+">([^<]+)</a>`)

func titles(p page) []string {
	var out []string
	for _, m := range rowTitle.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestDealListFiltersSortAndPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("ann@example.com", "Acme")
		wantText(t, c.get("/w/"+ws+"/deals"), "No deals yet.")
		for i := range 30 {
			stage := "lead"
			if i%3 == 0 {
				stage = "proposal"
			}
			h.deal(ws, "ann@example.com", store.NewDeal{Title: fmt.Sprintf("Deal %02d", i), Value: int64p(int64(i+1) * 1000_00),
				Stage: stage, Company: map[bool]string{true: "Globex", false: "Initech"}[i%2 == 0]})
			clock.Advance(time.Minute)
		}
		// Newest first, 25 a page, then the rest through the cursor.
		p := c.get("/w/" + ws + "/deals")
		got := titles(p)
		if len(got) != 25 || got[0] != "Deal 29" || got[24] != "Deal 05" {
			t.Fatalf("page 1: %v", got)
		}
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(p.body)
		if next == nil {
			t.Fatal("no next page link")
		}
		p2 := c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		if got := titles(p2); len(got) != 5 || got[0] != "Deal 04" || got[4] != "Deal 00" {
			t.Fatalf("page 2: %v", got)
		}
		wantText(t, p2, "← First page")

		// Filters and sorting.
		if got := titles(c.get("/w/" + ws + "/deals?stage=proposal&sort=-value")); len(got) != 10 || got[0] != "Deal 27" || got[9] != "Deal 00" {
			t.Fatalf("proposal by value: %v", got)
		}
		if got := titles(c.get("/w/" + ws + "/deals?q=globex&sort=title")); len(got) != 15 || got[0] != "Deal 00" {
			t.Fatalf("search: %v", got)
		}
		if got := titles(c.get("/w/" + ws + "/deals?status=won")); len(got) != 0 {
			t.Fatalf("won: %v", got)
		}
		wantText(t, c.get("/w/"+ws+"/deals?status=won"), "No deal matches these filters.")
		ann := h.user("ann@example.com")
		if got := titles(c.get("/w/" + ws + "/deals?owner=" + ann.ID + "&sort=title")); len(got) != 25 {
			t.Fatalf("owner: %d", len(got))
		}
		// A sort outside the allow-list is ignored, not an error.
		wantStatus(t, c.get("/w/"+ws+"/deals?sort=password_hash"), http.StatusOK)
	})
}

func TestBoardMovesDeals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("ann@example.com", "Acme")
		d := h.deal(ws, "ann@example.com", store.NewDeal{Title: "Board Deal", Value: int64p(10_000_00), Stage: "lead"})
		p := c.get("/w/" + ws + "/deals/board")
		wantText(t, p, "Board Deal", `data-stage-drop="negotiation"`, `id="mv-`+d.ID+`"`, "$10,000")
		p = c.post("/w/"+ws+"/deals/"+d.ID+"/stage", vals("stage", "won", "return", "/w/"+ws+"/deals/board"))
		if !strings.HasSuffix(p.path, "/deals/board") {
			t.Fatalf("after move: %s", p.path)
		}
		wantText(t, p, "“Board Deal” moved to Won.")
		got, err := s.GetDeal(ctx, ws, d.ID)
		if err != nil || got.Status != domain.DealWon || *got.Probability != 100 {
			t.Fatalf("moved: %+v %v", got, err)
		}
		wantText(t, c.get("/w/"+ws+"/deals/"+d.ID), "Moved from Lead to Won", ">Won<")
		// An unknown stage is refused with a message, nothing changes; a
		// return path off this workspace is not followed.
		p = c.post("/w/"+ws+"/deals/"+d.ID+"/stage", vals("stage", "nope", "return", "https://evil.example/"))
		if !strings.HasSuffix(p.path, "/deals/"+d.ID) {
			t.Fatalf("foreign return followed: %s", p.path)
		}
		wantText(t, p, "The deal was not moved.")
	})
}

func TestActivities(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("ann@example.com", "Acme")
		d := h.deal(ws, "ann@example.com", store.NewDeal{Title: "Act Deal"})
		base := "/w/" + ws + "/deals/" + d.ID
		p := c.post(base+"/activities", vals("type", "call", "subject", "Discovery call", "done", "1", "content", "Budget confirmed"))
		wantText(t, p, "Activity added.", "Discovery call", "Budget confirmed", "done 27 Nov 2026, 10:00")
		p = c.post(base+"/activities", vals("type", "meeting", "subject", "Demo", "scheduled_at", "2026-12-02T14:30"))
		wantText(t, p, "planned for 2 Dec 2026, 14:30", "Mark done")
		p = c.post(base+"/activities", vals("type", "meeting", "subject", ""))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "Subject is required.")
		p = c.post(base+"/activities", vals("type", "tweet", "subject", "x"))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "Type must be one of email, call, meeting, note, task.")

		acts, err := s.ListActivities(ctx, ws, d.ID)
		if err != nil || len(acts) != 2 {
			t.Fatalf("activities: %v %v", acts, err)
		}
		var demo domain.Activity
		for _, a := range acts {
			if a.Subject == "Demo" {
				demo = a
			}
		}
		clock.Advance(time.Hour)
		p = c.post(base+"/activities/"+demo.ID+"/complete", nil)
		wantText(t, p, "“Demo” marked done.")
		got, err := s.GetActivity(ctx, ws, demo.ID)
		if err != nil || got.CompletedAt == nil || !got.CompletedAt.Equal(clock.Now()) {
			t.Fatalf("completed: %+v %v", got, err)
		}
		deal, _ := s.GetDeal(ctx, ws, d.ID)
		if deal.LastActivityAt == nil || !deal.LastActivityAt.Equal(clock.Now()) {
			t.Fatalf("last activity: %v", deal.LastActivityAt)
		}
	})
}
