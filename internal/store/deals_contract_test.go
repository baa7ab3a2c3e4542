package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestDealValidation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "v@example.com")
		stranger, _ := s.CreateUser(ctx, "stranger@example.com", "S", "h")
		future := clock.Now().Add(time.Hour)
		past := clock.Now().Add(-48 * time.Hour)
		before := past.Add(-time.Hour)
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		cases := []struct {
			name  string
			in    store.NewDeal
			field string
		}{
			{"empty title", store.NewDeal{Title: "  "}, "title"},
			{"negative value", store.NewDeal{Title: "x", Value: money(-1)}, "value"},
			{"probability 101", store.NewDeal{Title: "x", Probability: pct(101)}, "probability"},
			{"unknown stage", store.NewDeal{Title: "x", Stage: "closed_won"}, "stage"},
			{"other currency", store.NewDeal{Title: "x", Currency: "EUR"}, "currency"},
			{"bad email", store.NewDeal{Title: "x", ContactEmail: "not-an-email"}, "contact_email"},
			{"owner not a member", store.NewDeal{Title: "x", OwnerID: &stranger.ID}, "owner_id"},
			{"created in the future", store.NewDeal{Title: "x", CreatedAt: &future}, "created_at"},
			{"stage entry before creation", store.NewDeal{Title: "x", CreatedAt: &past, StageEnteredAt: &before}, "stage_entered_at"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.CreateDeal(ctx, w.ID, c.in, actor)
				if f := fieldsOf(t, err); f[c.field] == "" {
					t.Fatalf("no error on %s: %v", c.field, f)
				}
			})
		}
		deals, _, err := s.ListDeals(ctx, w.ID, domain.DealFilter{})
		if err != nil || len(deals) != 0 {
			t.Fatalf("invalid input wrote deals: %d, %v", len(deals), err)
		}
		imported, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "Imported", CreatedAt: &before, StageEnteredAt: &past, Stage: "proposal"}, actor)
		if err != nil {
			t.Fatal(err)
		}
		if !imported.CreatedAt.Equal(before) || !imported.StageEnteredAt.Equal(past) || *imported.Probability != 50 {
			t.Fatalf("import times and stage default probability: %+v", imported)
		}
	})
}

func TestDealScoping(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		ua, wa := fixture(t, s, "a@example.com")
		_, wb := fixture(t, s, "b@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: ua.ID}
		d, err := s.CreateDeal(ctx, wa.ID, store.NewDeal{Title: "A's deal"}, actor)
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.CreateActivity(ctx, wa.ID, d.ID, store.NewActivity{Type: domain.ActivityCall, Subject: "Call"}, actor)
		if err != nil {
			t.Fatal(err)
		}
		title := "hijacked"
		checks := map[string]error{}
		_, checks["get"] = s.GetDeal(ctx, wb.ID, d.ID)
		_, checks["update"] = s.UpdateDeal(ctx, wb.ID, d.ID, domain.DealPatch{Title: &title}, actor)
		checks["delete"] = s.DeleteDeal(ctx, wb.ID, d.ID)
		_, checks["events"] = s.ListDealEvents(ctx, wb.ID, d.ID)
		_, checks["activities"] = s.ListActivities(ctx, wb.ID, d.ID)
		_, checks["add activity"] = s.CreateActivity(ctx, wb.ID, d.ID, store.NewActivity{Type: domain.ActivityCall, Subject: "x"}, actor)
		_, checks["get activity"] = s.GetActivity(ctx, wb.ID, a.ID)
		_, checks["update activity"] = s.UpdateActivity(ctx, wb.ID, a.ID, domain.ActivityPatch{Subject: &title})
		checks["delete activity"] = s.DeleteActivity(ctx, wb.ID, a.ID)
		for op, err := range checks {
			if !domain.IsKind(err, domain.KindNotFound) {
				t.Errorf("%s across workspaces: %v, want not found", op, err)
			}
		}
		if list, _, _ := s.ListDeals(ctx, wb.ID, domain.DealFilter{}); len(list) != 0 {
			t.Errorf("B lists A's deals: %d", len(list))
		}
		got, _ := s.GetDeal(ctx, wa.ID, d.ID)
		if got.Title != "A's deal" {
			t.Errorf("A's deal changed: %q", got.Title)
		}
	})
}

func TestDealEventPerFieldChange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "e@example.com")
		rep, _ := s.CreateUser(ctx, "rep@example.com", "Rep", "h")
		_ = s.AddMember(ctx, w.ID, rep.ID, domain.RoleMember)
		actor := domain.Actor{Kind: domain.ActorAPIKey, ID: "key1"}
		d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "T", Value: money(100), ContactEmail: "a@b.co"}, actor)
		if err != nil {
			t.Fatal(err)
		}
		date := domain.Date{Year: 2027, Month: 1, Day: 31}
		str := func(s string) *string { return &s }
		v2 := money(250)
		p2 := pct(33)
		dp := &date
		op := &rep.ID
		patches := []struct {
			kind  string
			patch domain.DealPatch
		}{
			{domain.EventTitleChanged, domain.DealPatch{Title: str("T2")}},
			{domain.EventValueChanged, domain.DealPatch{Value: &v2}},
			{domain.EventProbabilityChanged, domain.DealPatch{Probability: &p2}},
			{domain.EventCloseDateChanged, domain.DealPatch{CloseDate: &dp}},
			{domain.EventOwnerChanged, domain.DealPatch{OwnerID: &op}},
			{domain.EventContactNameChanged, domain.DealPatch{ContactName: str("Ann")}},
			{domain.EventContactEmailChanged, domain.DealPatch{ContactEmail: str("ann@b.co")}},
			{domain.EventCompanyChanged, domain.DealPatch{Company: str("Co")}},
			{domain.EventSourceChanged, domain.DealPatch{Source: str("referral")}},
			{domain.EventExternalIDChanged, domain.DealPatch{ExternalID: str("X-1")}},
			{domain.EventStageChanged, domain.DealPatch{Stage: str("qualified")}},
		}
		for _, p := range patches {
			clock.Advance(time.Minute)
			before, _ := s.ListDealEvents(ctx, w.ID, d.ID)
			if _, err := s.UpdateDeal(ctx, w.ID, d.ID, p.patch, actor); err != nil {
				t.Fatalf("%s: %v", p.kind, err)
			}
			after, _ := s.ListDealEvents(ctx, w.ID, d.ID)
			if len(after) != len(before)+1 {
				t.Fatalf("%s: %d new events, want 1", p.kind, len(after)-len(before))
			}
			e := after[len(after)-1]
			if e.Kind != p.kind || e.Actor != actor || !e.At.Equal(clock.Now()) {
				t.Fatalf("%s: event %+v", p.kind, e)
			}
		}
		// Unchanged values write nothing; clearing writes old → nil.
		before, _ := s.ListDealEvents(ctx, w.ID, d.ID)
		if _, err := s.UpdateDeal(ctx, w.ID, d.ID, domain.DealPatch{Title: str("T2")}, actor); err != nil {
			t.Fatal(err)
		}
		var none *domain.Date
		if _, err := s.UpdateDeal(ctx, w.ID, d.ID, domain.DealPatch{CloseDate: &none}, actor); err != nil {
			t.Fatal(err)
		}
		after, _ := s.ListDealEvents(ctx, w.ID, d.ID)
		if len(after) != len(before)+1 || *after[len(after)-1].OldValue != "2027-01-31" || after[len(after)-1].NewValue != nil {
			t.Fatalf("no-op and clear: %+v", after[len(before):])
		}
		// Lost, then reopened.
		updated, err := s.UpdateDeal(ctx, w.ID, d.ID, domain.DealPatch{Stage: str("lost")}, actor)
		if err != nil || updated.Status != domain.DealLost || updated.ClosedAt == nil || *updated.Probability != 0 {
			t.Fatalf("lost: %+v %v", updated, err)
		}
		clock.Advance(time.Hour)
		updated, err = s.UpdateDeal(ctx, w.ID, d.ID, domain.DealPatch{Stage: str("proposal")}, actor)
		if err != nil || updated.Status != domain.DealOpen || updated.ClosedAt != nil || !updated.StageEnteredAt.Equal(clock.Now()) {
			t.Fatalf("reopened: %+v %v", updated, err)
		}
		all, _ := s.ListDealEvents(ctx, w.ID, d.ID)
		var kinds []string
		for _, e := range all[len(all)-4:] {
			kinds = append(kinds, e.Kind)
		}
		if fmt.Sprint(kinds) != "[lost probability_changed stage_changed reopened]" {
			t.Fatalf("close/reopen events: %v", kinds)
		}
		_ = u
	})
}

func TestDealCascades(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "c@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		d, _ := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "D"}, actor)
		if _, err := s.CreateActivity(ctx, w.ID, d.ID, store.NewActivity{Type: domain.ActivityNote, Subject: "n"}, actor); err != nil {
			t.Fatal(err)
		}
		insertInsight(t, s, w.ID, d.ID)
		count := func(table string) int {
			var n int
			if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE workspace_id = $1", w.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count("activities") != 1 || count("deal_events") != 1 || count("insights") != 1 {
			t.Fatal("fixture rows missing")
		}
		if err := s.DeleteDeal(ctx, w.ID, d.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"deals", "activities", "deal_events", "insights"} {
			if n := count(table); n != 0 {
				t.Errorf("%s left after deleting the deal: %d", table, n)
			}
		}
		d2, _ := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "D2"}, actor)
		_, _ = s.CreateActivity(ctx, w.ID, d2.ID, store.NewActivity{Type: domain.ActivityNote, Subject: "n"}, actor)
		insertInsight(t, s, w.ID, d2.ID)
		if err := s.DeleteWorkspace(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"deals", "activities", "deal_events", "insights", "stages", "workspace_members"} {
			if n := count(table); n != 0 {
				t.Errorf("%s left after deleting the workspace: %d", table, n)
			}
		}
	})
}

// insertInsight writes a minimal insight row directly: the monitor owns the
// real writes; this only checks cascades.
func insertInsight(t *testing.T, s *store.Store, workspaceID, dealID string) {
	t.Helper()
	now := s.Now()
	_, err := s.DB().ExecContext(context.Background(), `INSERT INTO insights (id, workspace_id, deal_id, rule, fingerprint, type, title,
		description, priority, priority_rank, max_priority_notified, severity, confidence, evidence, actions, status, narrator,
		narration_key, tokens_in, tokens_out, cost_usd, first_seen_at, created_at, updated_at)
		VALUES ($1,$2,$3,'stale',$4,'risk','t','d','high',2,2,0.75,0.9,'[]','[]','new','template','',0,0,0,$5,$5,$5)`,
		fmt.Sprintf("ins-%s", dealID), workspaceID, dealID, "stale:"+dealID, now)
	if err != nil {
		t.Fatal(err)
	}
}

func TestDealPaginationStableUnderInserts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "p@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		want := map[string]bool{}
		for i := range 25 {
			clock.Advance(time.Second)
			d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: fmt.Sprintf("Deal %02d", i), Value: money(int64(i % 7 * 100))}, actor)
			if err != nil {
				t.Fatal(err)
			}
			want[d.ID] = true
		}
		for _, sort := range []string{"", "created_at", "-value", "value", "title", "-close_date", "probability", "-updated_at"} {
			seen := map[string]bool{}
			cursor := ""
			var inserted sync.WaitGroup
			for page := 0; ; page++ {
				deals, next, err := s.ListDeals(ctx, w.ID, domain.DealFilter{Sort: sort, Limit: 7, Cursor: cursor})
				if err != nil {
					t.Fatalf("sort %q page %d: %v", sort, page, err)
				}
				for _, d := range deals {
					if seen[d.ID] {
						t.Fatalf("sort %q: %s seen twice", sort, d.Title)
					}
					seen[d.ID] = true
				}
				// Deals inserted while paging must not shift the pages.
				inserted.Add(1)
				go func() {
					defer inserted.Done()
					if _, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "zz concurrent"}, actor); err != nil {
						t.Error(err)
					}
				}()
				inserted.Wait()
				if next == "" {
					break
				}
				cursor = next
			}
			for id := range want {
				if !seen[id] {
					t.Fatalf("sort %q: a deal present before paging was skipped", sort)
				}
			}
		}
		if _, _, err := s.ListDeals(ctx, w.ID, domain.DealFilter{Sort: "password"}); fieldsOf(t, err)["sort"] == "" {
			t.Fatal("unknown sort accepted")
		}
		if _, _, err := s.ListDeals(ctx, w.ID, domain.DealFilter{Cursor: "garbage"}); fieldsOf(t, err)["cursor"] == "" {
			t.Fatal("garbage cursor accepted")
		}
	})
}

func TestDealFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "f@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		mk := func(title, stage, company string, owner *string) {
			if _, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: title, Stage: stage, Company: company, OwnerID: owner}, actor); err != nil {
				t.Fatal(err)
			}
		}
		mk("Alpha renewal", "lead", "Acme", &u.ID)
		mk("Beta 100%_off", "proposal", "Globex", nil)
		mk("Gamma", "won", "ACME Europe", nil)
		cases := []struct {
			f    domain.DealFilter
			want int
		}{
			{domain.DealFilter{Stage: "lead"}, 1},
			{domain.DealFilter{Status: domain.DealOpen}, 2},
			{domain.DealFilter{Status: domain.DealWon}, 1},
			{domain.DealFilter{OwnerID: u.ID}, 1},
			{domain.DealFilter{Query: "acme"}, 2},
			{domain.DealFilter{Query: "100%_"}, 1},
			{domain.DealFilter{Query: "%"}, 1},
			{domain.DealFilter{Query: "RENEWAL"}, 1},
		}
		for _, c := range cases {
			got, _, err := s.ListDeals(ctx, w.ID, c.f)
			if err != nil || len(got) != c.want {
				t.Errorf("%+v: %d deals, %v; want %d", c.f, len(got), err, c.want)
			}
		}
	})
}
