package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// The attack: whoever reads the access log copies an invitation link from
// it. Opening and accepting an invitation must leave its token in no log
// line, at any level.
func TestInvitationTokenNeverLogged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		var logs lockedBuffer
		h := newHarness(t, s, clock, func(d *server.Deps) {
			d.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		})
		owner := h.client()
		ws := owner.signUp("inviter-logs@example.com", "Logs Co")
		_, token, err := s.CreateInvitation(context.Background(), ws, store.NewInvitation{Email: "invitee-logs@example.com", Role: domain.RoleMember},
			domain.Actor{Kind: domain.ActorUser, ID: h.user("inviter-logs@example.com").ID}, domain.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		invitee := h.client()
		invitee.get("/invitations/" + token) // anonymous: sent to sign up with next=
		invitee.signUp("invitee-logs@example.com", "Own Co")
		p := invitee.get("/invitations/" + token)
		wantStatus(t, p, 200)
		invitee.post("/invitations/"+token, nil)

		out := logs.String()
		if !strings.Contains(out, "/invitations/[redacted]") {
			t.Fatalf("the invitation requests were not logged at all:\n%s", out)
		}
		if secret := strings.TrimPrefix(token, "vinv_"); strings.Contains(out, secret) {
			t.Errorf("the invitation token is in the log:\n%s", out)
		}
	})
}
