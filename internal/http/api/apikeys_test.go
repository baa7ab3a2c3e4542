package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
)

func TestAPIKeys(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		owner, w := e.owner("owner@example.com")
		exp := e.clock.Now().Add(24 * time.Hour)
		k, err := owner.CreateAPIKey(ctx, w.ID, client.APIKeyInput{Name: "CI", Role: "admin", ExpiresAt: &exp})
		ok(t, err)
		if !strings.HasPrefix(k.Secret, "vos_") || len(k.Secret) != 47 || k.Prefix != k.Secret[:12] || k.Role != "admin" ||
			k.ExpiresAt == nil || !k.ExpiresAt.Equal(exp) || k.LastUsedAt != nil || k.CreatedBy.Kind != "user" {
			t.Fatalf("created: %+v", k)
		}
		// The secret is never shown again: the list has no field for it.
		keys, err := owner.APIKeys(ctx, w.ID)
		ok(t, err)
		if len(keys) != 1 || keys[0].ID != k.ID {
			t.Fatalf("list: %+v", keys)
		}
		raw, err := owner.Raw(ctx, "GET", "/workspaces/"+w.ID+"/api-keys", "", nil, nil)
		ok(t, err)
		buf := new(strings.Builder)
		_, _ = copyBody(buf, raw)
		if strings.Contains(buf.String(), k.Secret[12:]) {
			t.Fatal("the secret appears in the key list")
		}

		// The key works on its workspace's routes …
		kc := e.keyClient(k.Secret)
		got, err := kc.Workspace(ctx, w.ID)
		ok(t, err)
		if got.Role != "admin" {
			t.Fatalf("key's role in workspace: %+v", got)
		}
		d, err := kc.CreateDeal(ctx, w.ID, client.DealInput{Title: "By key", Value: client.Amount("10")})
		ok(t, err)
		events, err := owner.DealEvents(ctx, w.ID, d.ID)
		ok(t, err)
		if events[0].Actor.Kind != "api_key" || events[0].Actor.ID != k.ID {
			t.Fatalf("change made by a key is recorded as %+v", events[0].Actor)
		}
		keys, _ = owner.APIKeys(ctx, w.ID)
		if keys[0].LastUsedAt == nil || !keys[0].LastUsedAt.Equal(e.clock.Now()) {
			t.Fatalf("last_used_at not recorded: %+v", keys[0])
		}
		// … and nowhere else.
		_, err = kc.Me(ctx)
		wantStatus(t, err, 401)
		_, err = kc.CreateWorkspace(ctx, client.WorkspaceInput{Name: "By key"})
		wantStatus(t, err, 401)
		_, otherWS := e.owner("other@example.com")
		_, err = kc.Workspace(ctx, otherWS.ID)
		wantStatus(t, err, 404)

		// Never above the creator's role: an admin key cannot mint an owner key.
		_, err = kc.CreateAPIKey(ctx, w.ID, client.APIKeyInput{Name: "escalate", Role: "owner"})
		wantStatus(t, err, 400, "role")
		member := e.key(owner, w.ID, "member")
		_, err = e.keyClient(member.Secret).CreateAPIKey(ctx, w.ID, client.APIKeyInput{Name: "x"})
		wantStatus(t, err, 403)
		past := e.clock.Now().Add(-time.Second)
		for _, in := range []client.APIKeyInput{{Name: ""}, {Name: "x", Role: "root"}, {Name: "x", ExpiresAt: &past}} {
			_, err := owner.CreateAPIKey(ctx, w.ID, in)
			wantStatus(t, err, 400)
		}

		// A wrong, malformed, revoked or expired key is a 401 everywhere.
		for _, bad := range []string{k.Secret[:46] + "x", "vos_nope", "not-a-key"} {
			_, err := e.keyClient(bad).Workspace(ctx, w.ID)
			wantStatus(t, err, 401)
		}
		ok(t, owner.RevokeAPIKey(ctx, w.ID, member.ID))
		_, err = e.keyClient(member.Secret).Workspace(ctx, w.ID)
		wantStatus(t, err, 401)
		e.clock.Advance(24 * time.Hour)
		_, err = kc.Workspace(ctx, w.ID)
		ce := wantStatus(t, err, 401)
		if !strings.Contains(ce.Detail, "expired") || ce.Header.Get("WWW-Authenticate") == "" {
			t.Fatalf("expired key: %+v", ce)
		}
		// Basic auth is not a key.
		resp, err := e.client().Raw(ctx, "GET", "/workspaces/"+w.ID, "", nil, map[string][]string{"Authorization": {"Basic YTpi"}})
		ok(t, err)
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("basic auth: %d", resp.StatusCode)
		}
	})
}
