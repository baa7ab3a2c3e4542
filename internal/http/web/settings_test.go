package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestSettingsWorkspaceAndStages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		c := h.client()
		ws := c.signUp("ann@example.com", "Acme")
		p := c.get("/w/" + ws + "/settings")
		wantText(t, p, "Pipeline stages", `id="s-negotiation-rotting_days"`, "Closing stages: Won (100%), Lost (0%).")
		wantText(t, c.post("/w/"+ws+"/settings/name", vals("name", "Acme EMEA")), "Workspace renamed to Acme EMEA.")
		p = c.post("/w/"+ws+"/settings/name", vals("name", ""))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "Name is required and at most 100 characters.")

		p = c.post("/w/"+ws+"/settings/stages/negotiation", vals("name", "Negotiation", "default_probability", "70",
			"prob_floor", "50", "prob_ceiling", "90", "rotting_days", "10", "stuck_days", "30", "is_late", "on"))
		wantText(t, p, "Stage Negotiation saved.")
		stages, _ := s.ListStages(ctx, ws)
		st, _ := domain.StageByKey(stages, "negotiation")
		if *st.ProbFloor != 50 || *st.RottingDays != 10 || *st.StuckDays != 30 || !st.IsLate {
			t.Fatalf("stage: %+v", st)
		}
		p = c.post("/w/"+ws+"/settings/stages/negotiation", vals("name", "Negotiation", "default_probability", "70",
			"prob_floor", "95", "prob_ceiling", "90", "rotting_days", "0", "stuck_days", "30"))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "Rotting days must be a whole number from 1 to 3650.", `id="s-negotiation-err"`)
		p = c.post("/w/"+ws+"/settings/stages/negotiation", vals("name", "Negotiation", "default_probability", "70",
			"prob_floor", "95", "prob_ceiling", "90", "rotting_days", "10", "stuck_days", "30"))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "Prob floor must not be above the ceiling.")
		if p := c.post("/w/"+ws+"/settings/stages/won", vals("name", "Won")); p.status != http.StatusNotFound {
			t.Fatalf("closing stage editable: %d", p.status)
		}
	})
}

var secretRe = regexp.MustCompile(`<code id="new-secret">(vos_[A-Za-z0-9_-]+)</code>`)
var linkRe = regexp.MustCompile(`<code id="new-link">[^<]*/invitations/(vinv_[A-Za-z0-9_-]+)</code>`)

func TestSettingsMembersInvitationsAndKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		h := newHarness(t, s, clock)
		a := h.client()
		ws := a.signUp("ann@example.com", "Acme")

		// API key: the secret is in the response to its creation only.
		p := a.post("/w/"+ws+"/settings/api-keys", vals("name", "CRM sync", "role", "member"))
		m := secretRe.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no secret shown\n%s", p.body)
		}
		k, _, err := s.AuthenticateAPIKey(ctx, m[1])
		if err != nil || k.Name != "CRM sync" {
			t.Fatalf("the shown secret does not authenticate: %v", err)
		}
		if again := a.get("/w/" + ws + "/settings"); strings.Contains(again.body, m[1]) || !again.has(k.Prefix+"…") {
			t.Fatal("secret shown again, or key not listed")
		}
		p = a.post("/w/"+ws+"/settings/api-keys", vals("name", "", "role", "member"))
		wantStatus(t, p, http.StatusUnprocessableEntity)
		wantText(t, p, "Name is required.")
		wantText(t, a.post("/w/"+ws+"/settings/api-keys/"+k.ID+"/revoke", nil), "API key CRM sync revoked.")
		if _, _, err := s.AuthenticateAPIKey(ctx, m[1]); !domain.IsKind(err, domain.KindUnauthorized) {
			t.Fatalf("revoked key: %v", err)
		}

		// Invitation by link, accepted by the invited user.
		p = a.post("/w/"+ws+"/settings/invitations", vals("email", "bob@example.com", "role", "admin"))
		lm := linkRe.FindStringSubmatch(p.body)
		if lm == nil {
			t.Fatalf("no link shown\n%s", p.body)
		}
		// Bob has no account yet: the link asks him to sign in, he signs up
		// from there and comes back to the invitation, never to onboarding.
		b := h.client()
		p = b.get("/invitations/" + lm[1])
		if !strings.HasPrefix(p.path, "/signin?next=") {
			t.Fatalf("invitation while signed out: %s", p.path)
		}
		wantText(t, p, `href="/signup?next=%2finvitations%2f`+lm[1])
		p = b.post("/signup", vals("name", "Bob", "email", "bob@example.com", "password", testPassword,
			"password_confirm", testPassword, "next", "/invitations/"+lm[1]))
		if p.path != "/invitations/"+lm[1] {
			t.Fatalf("after sign up: %s", p.path)
		}
		wantText(t, p, "Accept the invitation")
		p = b.post("/invitations/"+lm[1], nil)
		if p.path != "/w/"+ws {
			t.Fatalf("accepted: %s\n%s", p.path, p.body)
		}
		wantText(t, p, "You joined Acme as admin.")
		wantText(t, a.get("/w/"+ws+"/settings"), "bob@example.com", "Accepted")

		// Roles: the owner makes bob a member; bob (now a member) cannot
		// change roles; the last owner cannot be demoted.
		bob := h.user("bob@example.com")
		wantText(t, a.post("/w/"+ws+"/settings/members/"+bob.ID, vals("role", "member")), "is now member.")
		if role, _ := s.GetMemberRole(ctx, ws, bob.ID); role != domain.RoleMember {
			t.Fatalf("bob is %s", role)
		}
		ann := h.user("ann@example.com")
		wantStatus(t, b.post("/w/"+ws+"/settings/members/"+ann.ID, vals("role", "member")), http.StatusForbidden)
		if err := s.SetMemberRole(ctx, ws, bob.ID, domain.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		// An admin cannot take away ownership.
		wantStatus(t, b.post("/w/"+ws+"/settings/members/"+ann.ID, vals("role", "member")), http.StatusForbidden)
		if role, _ := s.GetMemberRole(ctx, ws, ann.ID); role != domain.RoleOwner {
			t.Fatalf("ann is %s", role)
		}
		// Members see the workspace's settings without the admin forms.
		if err := s.SetMemberRole(ctx, ws, bob.ID, domain.RoleMember); err != nil {
			t.Fatal(err)
		}
		p = b.get("/w/" + ws + "/settings")
		wantStatus(t, p, http.StatusOK)
		if p.has("Create API key") || p.has("Create invitation link") || p.has(`action="/w/`+ws+`/settings/name"`) {
			t.Fatal("a member sees admin forms")
		}
		wantStatus(t, b.post("/w/"+ws+"/settings/api-keys", vals("name", "x", "role", "member")), http.StatusForbidden)

		// Revoking an invitation.
		a.post("/w/"+ws+"/settings/invitations", vals("email", "carl@example.com", "role", "member"))
		invs, _ := s.ListInvitations(ctx, ws)
		var carl domain.Invitation
		for _, in := range invs {
			if in.Email == "carl@example.com" {
				carl = in
			}
		}
		wantText(t, a.post("/w/"+ws+"/settings/invitations/"+carl.ID+"/revoke", nil), "Invitation revoked")
		if invs, _ := s.ListInvitations(ctx, ws); len(invs) != 1 {
			t.Fatalf("invitations after revoke: %d", len(invs))
		}
	})
}
