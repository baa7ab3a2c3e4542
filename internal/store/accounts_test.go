package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// acctFixture creates a user and a workspace they own (accounts tests).
func acctFixture(t *testing.T, s *store.Store, email string) (domain.User, domain.Workspace) {
	t.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, email, "User "+email, "hash")
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "WS " + email}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u, w
}

func wantKind(t *testing.T, err error, kind domain.Kind) {
	t.Helper()
	if !domain.IsKind(err, kind) {
		t.Fatalf("got %v (kind %s), want kind %s", err, domain.KindOf(err), kind)
	}
}

func TestAPIKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := acctFixture(t, s, "admin@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		exp := clock.Now().Add(48 * time.Hour)
		k, secret, err := s.CreateAPIKey(ctx, w.ID, store.NewAPIKey{Name: " CI ", Role: domain.RoleAdmin, ExpiresAt: &exp}, actor, domain.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "vos_") || len(secret) != 47 || k.Prefix != secret[:12] || k.Name != "CI" {
			t.Fatalf("secret %q key %+v", secret, k)
		}
		// Only the digest is stored.
		var stored string
		if err := s.DB().QueryRowContext(ctx, `SELECT hash FROM api_keys WHERE id = $1`, k.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(secret))
		if stored != hex.EncodeToString(sum[:]) || strings.Contains(stored, secret[4:]) {
			t.Fatalf("stored hash %q", stored)
		}

		got, gotWS, err := s.AuthenticateAPIKey(ctx, secret)
		if err != nil || got.ID != k.ID || gotWS.ID != w.ID || gotWS.Currency != "USD" || gotWS.Name != w.Name || got.Role != domain.RoleAdmin || got.LastUsedAt == nil || !got.LastUsedAt.Equal(clock.Now()) {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		// last_used_at moves at most once a minute.
		clock.Advance(30 * time.Second)
		if _, _, err := s.AuthenticateAPIKey(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if k2, _ := s.GetAPIKey(ctx, w.ID, k.ID); !k2.LastUsedAt.Equal(clock.Now().Add(-30 * time.Second)) {
			t.Fatalf("last used moved within a minute: %v", k2.LastUsedAt)
		}
		clock.Advance(31 * time.Second)
		if _, _, err := s.AuthenticateAPIKey(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if k2, _ := s.GetAPIKey(ctx, w.ID, k.ID); !k2.LastUsedAt.Equal(clock.Now()) {
			t.Fatalf("last used not moved after a minute: %v", k2.LastUsedAt)
		}

		// A wrong secret with the right prefix, garbage, and unknown prefixes fail alike.
		wrong := secret[:12] + strings.Repeat("A", 35)
		for _, bad := range []string{wrong, "vos_short", "", "Bearer " + secret, "xyz_" + secret[4:]} {
			_, _, err := s.AuthenticateAPIKey(ctx, bad)
			wantKind(t, err, domain.KindUnauthorized)
		}

		// Expiry and revocation end a key.
		clock.Advance(48 * time.Hour)
		_, _, err = s.AuthenticateAPIKey(ctx, secret)
		wantKind(t, err, domain.KindUnauthorized)
		k3, s3, err := s.CreateAPIKey(ctx, w.ID, store.NewAPIKey{Name: "other", Role: domain.RoleMember}, actor, domain.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RevokeAPIKey(ctx, w.ID, k3.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.AuthenticateAPIKey(ctx, s3)
		wantKind(t, err, domain.KindUnauthorized)

		keys, err := s.ListAPIKeys(ctx, w.ID)
		if err != nil || len(keys) != 2 || keys[0].ID != k3.ID || keys[0].RevokedAt == nil {
			t.Fatalf("list: %+v %v", keys, err)
		}
		// Another workspace cannot see or revoke them.
		_, w2 := acctFixture(t, s, "other@example.com")
		_, err = s.RevokeAPIKey(ctx, w2.ID, k.ID)
		wantKind(t, err, domain.KindNotFound)
		if keys, _ := s.ListAPIKeys(ctx, w2.ID); len(keys) != 0 {
			t.Fatalf("other workspace sees %d keys", len(keys))
		}
	})
}

func TestAPIKeyValidation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := acctFixture(t, s, "admin@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		past := clock.Now().Add(-time.Minute)
		tests := []struct {
			n     store.NewAPIKey
			role  domain.Role
			field string
		}{
			{store.NewAPIKey{Name: "", Role: domain.RoleMember}, domain.RoleAdmin, "name"},
			{store.NewAPIKey{Name: "x", Role: "root"}, domain.RoleAdmin, "role"},
			{store.NewAPIKey{Name: "x", Role: domain.RoleOwner}, domain.RoleAdmin, "role"},
			{store.NewAPIKey{Name: "x", Role: domain.RoleMember, ExpiresAt: &past}, domain.RoleAdmin, "expires_at"},
		}
		for _, tt := range tests {
			_, _, err := s.CreateAPIKey(ctx, w.ID, tt.n, actor, tt.role)
			var de *domain.Error
			if !asDomain(err, &de) || len(de.Fields) != 1 || de.Fields[0].Field != tt.field {
				t.Errorf("%+v: got %v, want a field error on %s", tt.n, err, tt.field)
			}
		}
		if keys, _ := s.ListAPIKeys(ctx, w.ID); len(keys) != 0 {
			t.Fatalf("invalid keys were stored: %d", len(keys))
		}
	})
}

func TestLoginFailures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		p := store.LoginPolicy{MaxFailures: 3, Window: 15 * time.Minute, Lock: 15 * time.Minute}
		key := "email:jane@example.com"
		for i := 1; i <= 2; i++ {
			if until, err := s.RecordLoginFailure(ctx, key, p); err != nil || !until.IsZero() {
				t.Fatalf("failure %d: %v %v", i, until, err)
			}
		}
		// The window slides: failures older than it do not count.
		clock.Advance(16 * time.Minute)
		for i := 1; i <= 2; i++ {
			if until, err := s.RecordLoginFailure(ctx, key, p); err != nil || !until.IsZero() {
				t.Fatalf("failure %d after window: %v %v", i, until, err)
			}
		}
		until, err := s.RecordLoginFailure(ctx, key, p)
		if err != nil || !until.Equal(clock.Now().Add(15*time.Minute)) {
			t.Fatalf("third failure: %v %v", until, err)
		}
		got, err := s.LoginLockedUntil(ctx, "ip:10.0.0.1", key)
		if err != nil || !got.Equal(until) {
			t.Fatalf("locked until %v %v, want %v", got, err, until)
		}
		clock.Advance(15 * time.Minute)
		if got, _ := s.LoginLockedUntil(ctx, key); !got.IsZero() {
			t.Fatalf("still locked after the lock: %v", got)
		}
		if _, err := s.RecordLoginFailure(ctx, key, p); err != nil {
			t.Fatal(err)
		}
		if err := s.ClearLoginFailures(ctx, key); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rows after clear: %d %v", n, err)
		}
	})
}

func TestInvitations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		owner, w := acctFixture(t, s, "owner@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: owner.ID}
		in, token, err := s.CreateInvitation(ctx, w.ID, store.NewInvitation{Email: "Jane@Example.com", Role: domain.RoleAdmin}, actor, domain.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		if in.Email != "jane@example.com" || !in.ExpiresAt.Equal(clock.Now().Add(store.InvitationTTL)) || strings.Contains(in.TokenHash, token) {
			t.Fatalf("invitation %+v", in)
		}
		jane, err := s.CreateUser(ctx, "jane@example.com", "Jane", "h")
		if err != nil {
			t.Fatal(err)
		}
		mallory, err := s.CreateUser(ctx, "mallory@example.com", "M", "h")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.AcceptInvitation(ctx, token, mallory)
		wantKind(t, err, domain.KindForbidden)
		_, err = s.AcceptInvitation(ctx, "vinv_nope", jane)
		wantKind(t, err, domain.KindNotFound)
		m, err := s.AcceptInvitation(ctx, token, jane)
		if err != nil || m.Workspace.ID != w.ID || m.Role != domain.RoleAdmin {
			t.Fatalf("accept: %+v %v", m, err)
		}
		_, err = s.AcceptInvitation(ctx, token, jane)
		wantKind(t, err, domain.KindConflict)

		// Expired links and roles above the inviter's are refused.
		_, t2, err := s.CreateInvitation(ctx, w.ID, store.NewInvitation{Email: "late@example.com", Role: domain.RoleMember, TTL: time.Hour}, actor, domain.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		late, _ := s.CreateUser(ctx, "late@example.com", "Late", "h")
		clock.Advance(time.Hour)
		_, err = s.AcceptInvitation(ctx, t2, late)
		wantKind(t, err, domain.KindConflict)
		_, _, err = s.CreateInvitation(ctx, w.ID, store.NewInvitation{Email: "x@example.com", Role: domain.RoleOwner}, actor, domain.RoleAdmin)
		wantKind(t, err, domain.KindInvalid)
		_, _, err = s.CreateInvitation(ctx, w.ID, store.NewInvitation{Email: "not an email", Role: domain.RoleMember}, actor, domain.RoleAdmin)
		wantKind(t, err, domain.KindInvalid)

		list, err := s.ListInvitations(ctx, w.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %d %v", len(list), err)
		}
		// Accepted invitations cannot be revoked; pending ones can, once.
		wantKind(t, s.RevokeInvitation(ctx, w.ID, in.ID), domain.KindNotFound)
		if err := s.RevokeInvitation(ctx, w.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.RevokeInvitation(ctx, w.ID, list[0].ID), domain.KindNotFound)
	})
}

func TestWorkspaceAccess(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := acctFixture(t, s, "a@example.com")
		other, _ := acctFixture(t, s, "b@example.com")
		got, role, err := s.WorkspaceAccess(ctx, w.ID, u.ID)
		if err != nil || got.ID != w.ID || got.Currency != "USD" || role != domain.RoleOwner {
			t.Fatalf("access: %+v %s %v", got, role, err)
		}
		_, _, err = s.WorkspaceAccess(ctx, w.ID, other.ID)
		wantKind(t, err, domain.KindNotFound)
		m, err := s.GetMember(ctx, w.ID, u.ID)
		if err != nil || m.Email != "a@example.com" || m.Role != domain.RoleOwner {
			t.Fatalf("member: %+v %v", m, err)
		}
	})
}
