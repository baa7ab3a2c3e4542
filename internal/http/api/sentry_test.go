package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/http/api"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/observe"
	"github.com/vectoros/vectoros/internal/observe/sentrytest"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// newSentryEnv is newEnv with Sentry reporting to a local ingest endpoint.
func newSentryEnv(t *testing.T, s *store.Store, clock *testdb.Clock, ingest *sentrytest.Server) *env {
	t.Helper()
	var rep *observe.Sentry
	if ingest != nil {
		var err error
		if rep, err = observe.NewSentry(observe.SentryOptions{DSN: ingest.DSN(), Release: "v-test", Environment: "test"}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rep.Close(time.Second) })
	}
	srv := server.New(server.Deps{Store: s, Now: clock.Now, Hasher: password.NewHasher(password.Fast, 4),
		Observe: server.Observability{Sentry: rep}})
	t.Cleanup(srv.Close)
	a := api.Register(srv, api.Deps{Store: s, Now: clock.Now, Sentry: rep})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, s: s, clock: clock, srv: srv, api: a, ts: ts}
}

func TestSentryTestRoute(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ingest := sentrytest.NewServer(t)
		e := newSentryEnv(t, s, clock, ingest)
		owner, ws := e.owner("owner@example.com")
		me, err := owner.Me(ctx)
		ok(t, err)

		got, err := owner.TestSentry(ctx)
		ok(t, err)
		if got.EventID == "" || !got.Sent {
			t.Fatalf("answer %+v", got)
		}
		ev := ingest.WaitFor(t, 5*time.Second, func(ev sentrytest.Event) bool { return ev.EventID == got.EventID })
		if ev.Tags["route"] != "/api/v1/test/sentry" || ev.Tags["user_id"] != me.User.ID || ev.Tags["request_id"] == "" ||
			ev.Tags["test_event"] != "true" || ev.Release != "v-test" || !strings.Contains(ev.Text(), "test error") {
			t.Fatalf("event %q tags %v release %q", ev.Text(), ev.Tags, ev.Release)
		}

		// A member who owns nothing, an API key (even the owner's) and
		// anonymous callers may not.
		member, _ := e.member(owner, ws.ID, "member@example.com", "admin")
		_, err = member.TestSentry(ctx)
		wantStatus(t, err, 403)
		key := e.key(owner, ws.ID, "admin")
		_, err = e.keyClient(key.Secret).TestSentry(ctx)
		wantStatus(t, err, 401)
		_, err = e.client().TestSentry(ctx)
		wantStatus(t, err, 401)
		if n := len(ingest.Events()); n != 1 {
			t.Fatalf("%d events, want only the owner's", n)
		}
	})
}

func TestSentryTestRouteWithoutDSN(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		e := newSentryEnv(t, s, clock, nil)
		owner, _ := e.owner("owner@example.com")
		_, err := owner.TestSentry(ctx)
		if ce := wantStatus(t, err, 503); !strings.Contains(ce.Error(), "SENTRY_DSN") {
			t.Fatalf("error %v should say what to set", ce)
		}
	})
}
