package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// cycleFixture makes two workspaces with a deal the rules flag in each.
func cycleFixture(t *testing.T, url string) (*store.Store, []domain.Workspace) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{URL: url, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	u, err := s.CreateUser(ctx, "cycle@example.com", "Cycle Owner", "hash")
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.Workspace
	for _, name := range []string{"Northwind Traders", "Contoso"} {
		w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: name}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		v, p := int64(5_000_000), 20
		if _, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "Test Deal - High Value", Value: &v, Stage: "negotiation", Probability: &p}, domain.SystemActor); err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return s, out
}

func runMain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	code := Main(context.Background(), args, Env{Getenv: func(k string) string { return env[k] }, Stdout: &stdout, Stderr: &stderr, Now: time.Now})
	return code, stdout.String(), stderr.String()
}

// `vectoros cycle` runs a whole cycle in the process, shows progress and
// prints a table; --workspace limits it; a second cycle finds nothing new.
func TestCycleCommand(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			url := testdb.URL(t, kind)
			s, ws := cycleFixture(t, url)
			env := map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "warn"}
			code, out, errOut := runMain(t, env, "cycle")
			if code != 0 {
				t.Fatalf("cycle exited %d: %s %s", code, out, errOut)
			}
			for _, want := range []string{"WORKSPACE", "Northwind Traders", "Contoso", "succeeded", "TOTAL (2)", "0 failed"} {
				if !strings.Contains(out, want) {
					t.Fatalf("summary lacks %q:\n%s", want, out)
				}
			}
			if !strings.Contains(errOut, "analysing open deals") || !strings.Contains(errOut, "2/2") {
				t.Fatalf("no progress bar on stderr: %q", errOut)
			}
			open, _, err := s.ListInsights(context.Background(), ws[0].ID, domain.InsightFilter{Open: true, Priority: domain.PriorityCritical})
			if err != nil || len(open) == 0 {
				t.Fatalf("no critical insight after the cycle: %v", err)
			}
			c, err := s.LastCompletedCycle(context.Background())
			if err != nil || c == nil || c.Trigger != domain.TriggerCLI || c.Succeeded != 2 {
				t.Fatalf("cycle row %+v %v", c, err)
			}

			code, out, _ = runMain(t, env, "cycle", "--workspace", ws[1].ID)
			if code != 0 || strings.Contains(out, "Northwind") || !strings.Contains(out, "TOTAL (1)") {
				t.Fatalf("limited cycle exited %d:\n%s", code, out)
			}
			lines := strings.Split(out, "\n")
			if f := strings.Fields(lines[1]); len(f) < 7 || f[1] != "succeeded" || f[3] != "0" || f[4] != "0" || f[5] != "0" {
				t.Fatalf("second cycle of Contoso changed insights: %q", lines[1])
			}
			if code, _, errOut := runMain(t, env, "cycle", "--workspace", "no-such-workspace"); code != 1 || !strings.Contains(errOut, "workspace not found") {
				t.Fatalf("unknown workspace: exit %d %q", code, errOut)
			}
		})
	}
}

// worker and cycle check the schema and say to migrate, without migrating.
func TestMonitorCommandsRefuseAnUnmigratedDatabase(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "fresh.db")
	for _, cmd := range []string{"cycle", "worker"} {
		code, _, errOut := runMain(t, map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "warn"}, cmd)
		if code != 1 || !strings.Contains(errOut, "vectoros migrate") {
			t.Fatalf("%s on an unmigrated database: exit %d %q", cmd, code, errOut)
		}
	}
	s, err := store.Open(context.Background(), store.Options{URL: url, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, err := s.Status(context.Background()); err != nil || st.Current != 0 {
		t.Fatalf("the command migrated: %+v %v", st, err)
	}
}

// `vectoros worker` runs the periodic cycle at start and stops cleanly.
func TestWorkerCommand(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			url := testdb.URL(t, kind)
			s, _ := cycleFixture(t, url)
			env := map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "info", "MONITOR_INTERVAL": "1h"}
			ctx, cancel := context.WithCancel(context.Background())
			var stdout, stderr syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- Main(ctx, []string{"worker"}, Env{Getenv: func(k string) string { return env[k] }, Stdout: &stdout, Stderr: &stderr, Now: time.Now})
			}()
			deadline := time.Now().Add(60 * time.Second)
			for {
				c, err := s.LastCompletedCycle(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if c != nil {
					if c.Trigger != domain.TriggerPeriodic || c.Succeeded != 2 {
						t.Fatalf("cycle %+v", c)
					}
					break
				}
				select {
				case code := <-done:
					t.Fatalf("worker exited %d: %s", code, stderr.String())
				case <-time.After(100 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatalf("no cycle completed: %s", stderr.String())
				}
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("worker exited %d: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "MONITORING CYCLE COMPLETE") || !strings.Contains(stderr.String(), "monitor running") {
				t.Fatalf("log: %s", stderr.String())
			}
		})
	}
}
