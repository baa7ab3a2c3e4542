package api

import (
	"context"
	"net/http"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// SentryTester sends Sentry's test event (observe.Sentry implements it).
type SentryTester interface {
	// TestEvent returns the event id ("" when Sentry is not configured) and
	// whether the event left within wait.
	TestEvent(ctx context.Context, wait time.Duration) (eventID string, sent bool)
}

// sentryTestWait is how long the test route waits for the event to leave,
// so its answer says whether Sentry is reachable from this server.
const sentryTestWait = 5 * time.Second

// SentryTest answers POST /test/sentry.
type SentryTest struct {
	// EventID is the event's id: search for it in Sentry.
	EventID string `json:"event_id"`
	// Sent says the event left this server within 5 s; Sentry may still
	// refuse it (a wrong key), so look for it in the project's issues.
	Sent bool `json:"sent"`
}

func (a *API) sentryRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/test/sentry", tag: "meta", access: userOnly, handle: a.testSentry,
			summary: "Send a test error to Sentry (the owner of any workspace); answers its event id. 503 when SENTRY_DSN is not set",
			reply:   SentryTest{}, status: http.StatusOK},
	}
}

func (a *API) testSentry(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ms, err := a.store.ListMemberships(ctx, scopeOf(ctx).principal.User.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	owner := false
	for _, m := range ms {
		owner = owner || m.Role == domain.RoleOwner
	}
	if !owner {
		a.fail(w, r, domain.Errorf(domain.KindForbidden, "only the owner of a workspace may send Sentry's test event"))
		return
	}
	var id string
	var sent bool
	if a.sentry != nil {
		id, sent = a.sentry.TestEvent(ctx, sentryTestWait)
	}
	if id == "" {
		a.fail(w, r, domain.Errorf(domain.KindUnavailable, "Sentry is not configured on this server: set SENTRY_DSN"))
		return
	}
	reply(w, http.StatusOK, SentryTest{EventID: id, Sent: sent})
}
