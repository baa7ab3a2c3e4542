package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestWorkspaceCRUD(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "a@example.com")
		if w.Currency != "USD" || w.TimeZone != "UTC" {
			t.Fatalf("defaults: %+v", w)
		}
		stages, err := s.ListStages(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stages) != 6 || stages[0].Key != "lead" || stages[3].Key != "negotiation" || *stages[3].ProbFloor != 60 ||
			*stages[2].StuckDays != 30 || !stages[2].IsLate || stages[4].Kind != domain.StageWon || stages[5].RottingDays != nil {
			t.Fatalf("default pipeline: %+v", stages)
		}
		got, err := s.GetWorkspace(ctx, w.ID)
		if err != nil || got != w {
			t.Fatalf("get: %+v, %v; want %+v", got, err, w)
		}
		clock.Advance(time.Second)
		renamed, err := s.RenameWorkspace(ctx, w.ID, "  Renamed  ")
		if err != nil || renamed.Name != "Renamed" || !renamed.UpdatedAt.After(w.UpdatedAt) {
			t.Fatalf("rename: %+v, %v", renamed, err)
		}
		ms, err := s.ListMemberships(ctx, u.ID)
		if err != nil || len(ms) != 1 || ms[0].Role != domain.RoleOwner || ms[0].Workspace.ID != w.ID {
			t.Fatalf("memberships: %+v, %v", ms, err)
		}
		if err := s.DeleteWorkspace(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetWorkspace(ctx, w.ID); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if err := s.DeleteWorkspace(ctx, w.ID); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}

func TestWorkspaceValidation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		u, err := s.CreateUser(context.Background(), "v@example.com", "V", "h")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateWorkspace(context.Background(), store.NewWorkspace{Name: " ", Currency: "XXX", TimeZone: "Mars/Olympus"}, u.ID)
		fields := fieldsOf(t, err)
		for _, f := range []string{"name", "currency", "time_zone"} {
			if fields[f] == "" {
				t.Errorf("no error for %s in %v", f, fields)
			}
		}
	})
}

func TestUsers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, " Jane@Example.COM ", "Jane", "hash1")
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "jane@example.com" || u.SessionVersion != 1 {
			t.Fatalf("created: %+v", u)
		}
		if _, err := s.CreateUser(ctx, "JANE@example.com", "Other", "h"); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("duplicate email: %v, want conflict", err)
		}
		got, err := s.GetUserByEmail(ctx, "jane@EXAMPLE.com")
		if err != nil || got.ID != u.ID {
			t.Fatalf("by email: %+v %v", got, err)
		}
		if err := s.SetPassword(ctx, u.ID, "hash2"); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetUser(ctx, u.ID)
		if got.PasswordHash != "hash2" || got.SessionVersion != 2 {
			t.Fatalf("after reset: %+v", got)
		}
		if err := s.TouchUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		first, _ := s.GetUser(ctx, u.ID)
		clock.Advance(30 * time.Minute)
		_ = s.TouchUser(ctx, u.ID)
		second, _ := s.GetUser(ctx, u.ID)
		if first.LastSeenAt == nil || !second.LastSeenAt.Equal(*first.LastSeenAt) {
			t.Fatalf("last_seen_at should change at most hourly: %v then %v", first.LastSeenAt, second.LastSeenAt)
		}
		clock.Advance(31 * time.Minute)
		_ = s.TouchUser(ctx, u.ID)
		third, _ := s.GetUser(ctx, u.ID)
		if !third.LastSeenAt.Equal(clock.Now()) {
			t.Fatalf("last_seen_at after an hour: %v, want %v", third.LastSeenAt, clock.Now())
		}
		if _, err := s.GetUser(ctx, "nope"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("missing user: %v", err)
		}
	})
}

func TestMembers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, _ *testdb.Clock) {
		ctx := context.Background()
		owner, w := fixture(t, s, "owner@example.com")
		bob, _ := s.CreateUser(ctx, "bob@example.com", "Bob", "h")
		if err := s.AddMember(ctx, w.ID, bob.ID, domain.RoleMember); err != nil {
			t.Fatal(err)
		}
		if err := s.AddMember(ctx, w.ID, bob.ID, domain.RoleAdmin); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("second add: %v, want conflict", err)
		}
		role, err := s.GetMemberRole(ctx, w.ID, bob.ID)
		if err != nil || role != domain.RoleMember {
			t.Fatalf("role: %v %v", role, err)
		}
		if err := s.SetMemberRole(ctx, w.ID, owner.ID, domain.RoleAdmin); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("demote last owner: %v, want conflict", err)
		}
		if err := s.RemoveMember(ctx, w.ID, owner.ID); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("last owner leaves: %v, want conflict", err)
		}
		if err := s.SetMemberRole(ctx, w.ID, bob.ID, domain.RoleOwner); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveMember(ctx, w.ID, owner.ID); err != nil {
			t.Fatalf("owner leaves when another owner exists: %v", err)
		}
		members, err := s.ListMembers(ctx, w.ID)
		if err != nil || len(members) != 1 || members[0].Email != "bob@example.com" {
			t.Fatalf("members: %+v %v", members, err)
		}
		if _, err := s.GetMemberRole(ctx, w.ID, owner.ID); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("removed member role: %v", err)
		}
	})
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var de *domain.Error
	if !asDomain(err, &de) || de.Kind != domain.KindInvalid {
		t.Fatalf("want an invalid-input error, got %v", err)
	}
	m := map[string]string{}
	for _, f := range de.Fields {
		m[f.Field] = f.Message
	}
	return m
}
