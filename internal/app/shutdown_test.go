package app

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/narrate/claudefake"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// slowClaude is a fake Claude that takes d to answer, so a monitor run is
// in flight long enough to shut down under it.
func slowClaude(t *testing.T, d time.Duration) *claudefake.Server {
	t.Helper()
	fake := claudefake.New("sk-ant-shutdown")
	fake.SetDelay(d)
	t.Cleanup(fake.Close)
	return fake
}

// shutdownFixture is a workspace with a deal the rules flag and an admin
// API key, made before the process starts, so the cycle it runs at start
// includes it.
func shutdownFixture(t *testing.T, url string) (ws string, key string, s *store.Store) {
	t.Helper()
	s, wss := cycleFixture(t, url)
	k, secret, err := s.CreateAPIKey(context.Background(), wss[0].ID, store.NewAPIKey{Name: "ops", Role: domain.RoleAdmin},
		domain.SystemActor, domain.RoleOwner)
	if err != nil || k.ID == "" {
		t.Fatal(err)
	}
	return wss[0].ID, secret, s
}

// waitCalls waits until the fake has received n requests.
func waitCalls(t *testing.T, fake *claudefake.Server, n int, p *proc) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); fake.Calls() < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no Claude call within 60 s: %s", p.stderr.String())
		}
	}
}

// TestServeGracefulShutdown: on cancel (SIGTERM in the binary) serve stops
// accepting connections at once, lets the request in flight (a ?wait=1
// monitor run waiting on a slow narration) finish with its answer, lets the
// run itself finish, and exits 0.
func TestServeGracefulShutdown(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			url := testdb.URL(t, kind)
			wsID, key, s := shutdownFixture(t, url)
			fake := slowClaude(t, 5*time.Second)
			env := map[string]string{"DATABASE_URL": url, "PORT": "0", "LOG_LEVEL": "info",
				"ANTHROPIC_API_KEY": fake.APIKey, "ANTHROPIC_BASE_URL": fake.URL}
			srv := start(t, env, "serve")
			waitCalls(t, fake, 1, srv) // the start-up cycle's run is narrating

			type answer struct {
				run client.MonitorRunRequested
				err error
			}
			inflight := make(chan answer, 1)
			go func() {
				r, err := client.New(srv.url(), client.WithAPIKey(key)).RunMonitor(context.Background(), wsID, true)
				inflight <- answer{r, err}
			}()
			time.Sleep(time.Second) // let the request reach its handler (it then waits for the run)

			srv.cancel()
			for deadline := time.Now().Add(10 * time.Second); !strings.Contains(srv.stderr.String(), "shutting down"); time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("no shutdown log line")
				}
			}
			// New connections are refused while the old request still runs.
			refused := false
			for deadline := time.Now().Add(3 * time.Second); !refused && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				conn, err := net.DialTimeout("tcp", "127.0.0.1"+srv.addr[strings.LastIndex(srv.addr, ":"):], time.Second)
				if err == nil {
					conn.Close()
					continue
				}
				refused = errors.Is(err, syscall.ECONNREFUSED)
			}
			if !refused {
				t.Fatal("new connections were still accepted during shutdown")
			}
			select {
			case a := <-inflight:
				t.Fatalf("the in-flight request ended before the run could finish: %+v %v", a.run, a.err)
			default:
			}

			a := <-inflight
			if a.err != nil {
				t.Fatalf("the in-flight request failed: %v", a.err)
			}
			if !a.run.Joined || a.run.Status != domain.RunSucceeded {
				t.Fatalf("in-flight answer %+v, want the joined run, succeeded", a.run)
			}
			select {
			case code := <-srv.done:
				srv.done <- code
				if code != 0 {
					t.Fatalf("serve exited %d: %s", code, srv.stderr.String())
				}
			case <-time.After(60 * time.Second):
				t.Fatal("serve did not exit")
			}
			run, err := s.GetRunByID(context.Background(), a.run.ID)
			if err != nil || run.Status != domain.RunSucceeded || run.LLMCalls != 1 {
				t.Fatalf("stored run %+v %v", run, err)
			}
		})
	}
}

// TestWorkerGracefulShutdown: a worker told to stop while a workspace run
// is in flight lets the run finish (within the grace) and records it, then
// exits 0.
func TestWorkerGracefulShutdown(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			url := testdb.URL(t, kind)
			_, _, s := shutdownFixture(t, url)
			fake := slowClaude(t, 3*time.Second)
			env := map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "info",
				"ANTHROPIC_API_KEY": fake.APIKey, "ANTHROPIC_BASE_URL": fake.URL}
			w := start(t, env, "worker")
			waitCalls(t, fake, 1, w)
			if code := w.stop(t); code != 0 {
				t.Fatalf("worker exited %d: %s", code, w.stderr.String())
			}
			c, err := s.LastCompletedCycle(context.Background())
			if err != nil || c == nil || c.Succeeded != 2 || c.Failed != 0 {
				t.Fatalf("after shutdown the cycle is %+v (%v); want both runs finished and succeeded\n%s", c, err, w.stderr.String())
			}
			if !strings.Contains(w.stderr.String(), "MONITORING CYCLE COMPLETE") {
				t.Error("the cycle's completion was not logged before exit")
			}
		})
	}
}

// TestHardStopHandsRunsBack: when the grace runs out (River's StopAndCancel)
// a workspace run in flight is not recorded as failed; its job goes back to
// the queue, and the next worker finishes it.
func TestHardStopHandsRunsBack(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			url := testdb.URL(t, kind)
			_, _, s := shutdownFixture(t, url)
			fake := claudefake.New("sk-ant-handback")
			t.Cleanup(fake.Close)
			fake.Respond(func(n int, r *claudefake.Request) claudefake.Reply {
				rep := claudefake.Good(r)
				if n <= 2 { // the first attempt's two narrations hang past the grace
					rep.Delay = 30 * time.Second
				}
				return rep
			})
			cfg := config.Config{AnthropicAPIKey: fake.APIKey, AnthropicBaseURL: fake.URL, LLMDailyBudgetUSD: 5, MonitorInterval: time.Hour}
			log := discardLogger()
			newQueue := func(periodic bool) *monitor.Queue {
				m, err := newMonitor(cfg, Env{Now: time.Now}, s, log, nil)
				if err != nil {
					t.Fatal(err)
				}
				q, err := monitor.NewQueue(monitor.QueueOptions{Store: s, Monitor: m, Interval: time.Hour, NoPeriodic: !periodic,
					Logger: log, FetchPollInterval: 100 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				if err := q.Start(ctx); err != nil {
					t.Fatal(err)
				}
				return q
			}
			q1 := newQueue(true)
			for deadline := time.Now().Add(60 * time.Second); fake.Calls() < 2; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the runs did not reach Claude")
				}
			}
			sctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond) // a grace that runs out
			_ = q1.Stop(sctx)
			cancel()
			c, err := s.LastCompletedCycle(ctx)
			if err != nil || c != nil {
				t.Fatalf("the cycle completed (%+v, %v): a cancelled run was recorded as over", c, err)
			}

			q2 := newQueue(false) // the next process
			defer q2.Stop(context.WithoutCancel(ctx))
			for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				if c, err = s.LastCompletedCycle(ctx); err != nil {
					t.Fatal(err)
				}
				if c != nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the handed-back runs were not finished by the next worker within 90 s")
				}
			}
			if c.Succeeded != 2 || c.Failed != 0 {
				t.Fatalf("cycle %+v, want both runs succeeded on their second attempt", c)
			}
		})
	}
}
