package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
)

func TestWorkspaces(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, _ := e.user("owner@example.com")
		n := e.count("workspaces")
		for _, in := range []client.WorkspaceInput{
			{Name: ""}, {Name: strings.Repeat("x", 101)}, {Name: "A", Currency: "XYZ"}, {Name: "A", TimeZone: "Mars/Base"},
		} {
			_, err := c.CreateWorkspace(ctx, in)
			wantStatus(t, err, 400)
		}
		if e.count("workspaces") != n {
			t.Fatal("an invalid workspace was written")
		}
		w, err := c.CreateWorkspace(ctx, client.WorkspaceInput{Name: "  Acme  "})
		ok(t, err)
		if w.Name != "Acme" || w.Currency != "USD" || w.TimeZone != "UTC" || w.Role != "owner" {
			t.Fatalf("defaults: %+v", w)
		}
		got, err := c.Workspace(ctx, w.ID)
		ok(t, err)
		if got.ID != w.ID || !got.CreatedAt.Equal(e.clock.Now()) || got.CreatedAt.Location().String() != "UTC" {
			t.Fatalf("get: %+v", got)
		}
		e.clock.Advance(time.Minute)
		renamed, err := c.RenameWorkspace(ctx, w.ID, "Acme Corp")
		ok(t, err)
		if renamed.Name != "Acme Corp" || !renamed.UpdatedAt.Equal(e.clock.Now()) {
			t.Fatalf("rename: %+v", renamed)
		}
		_, err = c.RenameWorkspace(ctx, w.ID, " ")
		wantStatus(t, err, 400, "name")
		// PATCH with null or unknown fields is refused.
		err = c.Do(ctx, "PATCH", "/workspaces/"+w.ID, map[string]any{"name": nil}, nil)
		wantStatus(t, err, 400, "name")
		err = c.Do(ctx, "PATCH", "/workspaces/"+w.ID, map[string]any{"currency": "EUR"}, nil)
		wantStatus(t, err, 400, "currency")

		// Admins may rename but not delete; owners delete.
		admin, _ := e.member(c, w.ID, "admin@example.com", "admin")
		_, err = admin.RenameWorkspace(ctx, w.ID, "By admin")
		ok(t, err)
		wantStatus(t, admin.DeleteWorkspace(ctx, w.ID), 403)
		member, _ := e.member(c, w.ID, "member@example.com", "member")
		_, err = member.RenameWorkspace(ctx, w.ID, "By member")
		wantStatus(t, err, 403)
		ok(t, c.DeleteWorkspace(ctx, w.ID))
		_, err = c.Workspace(ctx, w.ID)
		wantStatus(t, err, 404)
		me, err := admin.Me(ctx)
		ok(t, err)
		if len(me.Workspaces) != 0 {
			t.Fatalf("deleted workspace still listed: %+v", me.Workspaces)
		}
	})
}

func TestMembersAndInvitations(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		owner, w := e.owner("owner@example.com")
		inv, err := owner.Invite(ctx, w.ID, client.InvitationInput{Email: "Jane@Example.com", Role: "admin", ExpiresInHours: 48})
		ok(t, err)
		if inv.Email != "jane@example.com" || inv.Status != "pending" || !strings.HasPrefix(inv.Token, "vinv_") ||
			!inv.ExpiresAt.Equal(e.clock.Now().Add(48*time.Hour)) || inv.InvitedBy.Kind != "user" ||
			inv.AcceptURL != "https://crm.example.com/invitations/"+inv.Token {
			t.Fatalf("invitation: %+v", inv)
		}
		list, err := owner.Invitations(ctx, w.ID)
		ok(t, err)
		if len(list) != 1 || list[0].ID != inv.ID {
			t.Fatalf("list: %+v", list)
		}
		// Only the addressee can accept, once, while it is valid.
		mallory, _ := e.user("mallory@example.com")
		_, err = mallory.AcceptInvitation(ctx, inv.Token)
		wantStatus(t, err, 403)
		jane, janeMe := e.user("jane@example.com")
		_, err = jane.AcceptInvitation(ctx, "vinv_forged")
		wantStatus(t, err, 404)
		_, err = jane.AcceptInvitation(ctx, "")
		wantStatus(t, err, 400, "token")
		joined, err := jane.AcceptInvitation(ctx, inv.Token)
		ok(t, err)
		if joined.ID != w.ID || joined.Role != "admin" {
			t.Fatalf("joined: %+v", joined)
		}
		_, err = jane.AcceptInvitation(ctx, inv.Token)
		wantStatus(t, err, 409)

		// Expired and withdrawn invitations.
		late, err := owner.Invite(ctx, w.ID, client.InvitationInput{Email: "late@example.com", Role: "member", ExpiresInHours: 1})
		ok(t, err)
		gone, err := owner.Invite(ctx, w.ID, client.InvitationInput{Email: "gone@example.com", Role: "member"})
		ok(t, err)
		ok(t, owner.RevokeInvitation(ctx, w.ID, gone.ID))
		e.clock.Advance(2 * time.Hour)
		lateC, _ := e.user("late@example.com")
		_, err = lateC.AcceptInvitation(ctx, late.Token)
		wantStatus(t, err, 409)
		goneC, _ := e.user("gone@example.com")
		_, err = goneC.AcceptInvitation(ctx, gone.Token)
		wantStatus(t, err, 404)
		list, err = owner.Invitations(ctx, w.ID)
		ok(t, err)
		statuses := map[string]string{}
		for _, in := range list {
			statuses[in.Email] = in.Status
		}
		if statuses["jane@example.com"] != "accepted" || statuses["late@example.com"] != "expired" || len(list) != 2 {
			t.Fatalf("statuses: %v", statuses)
		}
		// Invitation validation: roles above the inviter's, bad emails, bad expiry.
		for _, in := range []client.InvitationInput{
			{Email: "x@example.com", Role: "owner"}, {Email: "nope", Role: "member"}, {Email: "x@example.com", Role: "boss"},
			{Email: "x@example.com", Role: "member", ExpiresInHours: 10000},
		} {
			_, err := jane.Invite(ctx, w.ID, in)
			wantStatus(t, err, 400)
		}

		// Members: list, role changes, the last-owner rule, leaving.
		member, memberMe := e.member(owner, w.ID, "m@example.com", "member")
		ms, err := member.Members(ctx, w.ID)
		ok(t, err)
		roles := map[string]string{}
		var ownerID string
		for _, m := range ms {
			roles[m.Email] = m.Role
			if m.Role == "owner" {
				ownerID = m.UserID
			}
		}
		if len(ms) != 3 || roles["owner@example.com"] != "owner" || roles["jane@example.com"] != "admin" || roles["m@example.com"] != "member" {
			t.Fatalf("members: %+v", ms)
		}
		_, err = member.SetMemberRole(ctx, w.ID, janeMe.User.ID, "member")
		wantStatus(t, err, 403)
		_, err = jane.SetMemberRole(ctx, w.ID, memberMe.User.ID, "owner") // admins cannot make owners
		wantStatus(t, err, 403)
		_, err = jane.SetMemberRole(ctx, w.ID, ownerID, "admin") // nor demote owners
		wantStatus(t, err, 403)
		m, err := jane.SetMemberRole(ctx, w.ID, memberMe.User.ID, "admin")
		ok(t, err)
		if m.Role != "admin" || m.Email != "m@example.com" {
			t.Fatalf("role change: %+v", m)
		}
		_, err = owner.SetMemberRole(ctx, w.ID, memberMe.User.ID, "king")
		wantStatus(t, err, 400, "role")
		_, err = owner.SetMemberRole(ctx, w.ID, "no-such-user", "admin")
		wantStatus(t, err, 404)
		_, err = owner.SetMemberRole(ctx, w.ID, ownerID, "admin")
		wantStatus(t, err, 409) // the last owner cannot be demoted
		wantStatus(t, owner.RemoveMember(ctx, w.ID, ownerID), 409)
		// With a second owner, the first may step down and leave.
		_, err = owner.SetMemberRole(ctx, w.ID, janeMe.User.ID, "owner")
		ok(t, err)
		ok(t, owner.RemoveMember(ctx, w.ID, ownerID))
		_, err = owner.Workspace(ctx, w.ID)
		wantStatus(t, err, 404)
		// A member leaves by themself; removing others needs admin.
		plain, plainMe := e.member(jane, w.ID, "plain@example.com", "member")
		wantStatus(t, plain.RemoveMember(ctx, w.ID, memberMe.User.ID), 403)
		ok(t, plain.RemoveMember(ctx, w.ID, plainMe.User.ID))
		_, err = plain.Workspace(ctx, w.ID)
		wantStatus(t, err, 404)
		_ = mallory
	})
}
