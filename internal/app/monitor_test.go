package app

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
	"github.com/vectoros/vectoros/internal/testdb"
)

// `vectoros serve` runs the monitor: the periodic cycle at start makes
// /health/monitor healthy, and a user's POST …/monitor/run?wait=1 gets the
// finished run with the checklist deal's critical insight. With
// --no-worker the API still queues runs, for a worker elsewhere.
func TestServeRunsTheMonitor(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			url := testdb.URL(t, kind)
			base, stop := startServe(t, map[string]string{"DATABASE_URL": url, "PORT": "0", "LOG_LEVEL": "warn", "MONITOR_INTERVAL": "1h"})
			deadline := time.Now().Add(60 * time.Second)
			for {
				resp, err := http.Get(base + "/health/monitor")
				if err != nil {
					t.Fatal(err)
				}
				var body struct{ Status string }
				_ = json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && body.Status == "ok" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("/health/monitor never became healthy: %d %+v", resp.StatusCode, body)
				}
				time.Sleep(200 * time.Millisecond)
			}
			ctx := context.Background()
			c := client.New(base)
			if _, err := c.Signup(ctx, client.SignupInput{Email: "serve@example.com", Name: "Serve", Password: "correct horse battery staple"}); err != nil {
				t.Fatal(err)
			}
			w, err := c.CreateWorkspace(ctx, client.WorkspaceInput{Name: "Served"})
			if err != nil {
				t.Fatal(err)
			}
			p := 20
			if _, err := c.CreateDeal(ctx, w.ID, client.DealInput{Title: "Test Deal - High Value", Value: client.Amount("50000"), Stage: "negotiation", Probability: &p}); err != nil {
				t.Fatal(err)
			}
			run, err := c.RunMonitor(ctx, w.ID, true)
			if err != nil || run.Status != "succeeded" || run.CriticalCount == 0 {
				t.Fatalf("run %+v %v", run, err)
			}
			stop()

			// The same database served by a process without the monitor.
			base, stop = startServe(t, map[string]string{"DATABASE_URL": url, "PORT": "0", "LOG_LEVEL": "warn"}, "--no-worker")
			defer stop()
			c = client.New(base)
			if _, err := c.Login(ctx, "serve@example.com", "correct horse battery staple"); err != nil {
				t.Fatal(err)
			}
			queued, err := c.RunMonitor(ctx, w.ID, false)
			if err != nil || queued.Status != "queued" || queued.ID == run.ID {
				t.Fatalf("run request with --no-worker: %+v %v", queued, err)
			}
		})
	}
}

// startServe runs `vectoros serve` with args until stop is called and
// returns its base URL.
func startServe(t *testing.T, env map[string]string, args ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"serve"}, args...), Env{Getenv: func(k string) string { return env[k] },
			Stdout: &syncBuffer{}, Stderr: &stderr, Now: time.Now, Ready: func(addr string) { addrc <- addr }})
	}()
	select {
	case addr := <-addrc:
		stopped := false
		return "http://127.0.0.1" + addr[strings.LastIndex(addr, ":"):], func() {
			if stopped {
				return
			}
			stopped = true
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("serve exited %d: %s", code, stderr.String())
			}
		}
	case code := <-done:
		cancel()
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	case <-time.After(90 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	return "", nil
}
