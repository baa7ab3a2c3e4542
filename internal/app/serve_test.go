package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/testdb"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeDemoReady runs `vectoros serve --demo` as a user would (on a
// fresh database of each kind) and checks /health/ready answers 200.
func TestServeDemoReady(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			env := map[string]string{"DATABASE_URL": testdb.URL(t, kind), "PORT": "0", "LOG_LEVEL": "warn"}
			ctx, cancel := context.WithCancel(context.Background())
			addrc := make(chan string, 1)
			var stdout, stderr syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- Main(ctx, []string{"serve", "--demo", "--seed", "3", "--no-worker"}, Env{
					Getenv: func(k string) string { return env[k] },
					Stdout: &stdout, Stderr: &stderr, Now: time.Now,
					Ready: func(addr string) { addrc <- addr },
				})
			}()
			var addr string
			select {
			case addr = <-addrc:
			case code := <-done:
				t.Fatalf("serve exited %d: %s", code, stderr.String())
			case <-time.After(90 * time.Second):
				t.Fatal("serve did not start")
			}
			port := addr[strings.LastIndex(addr, ":"):]
			resp, err := http.Get("http://127.0.0.1" + port + "/health/ready")
			if err != nil {
				t.Fatal(err)
			}
			var body struct{ Status, Database string }
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || body.Status != "ready" || body.Database != string(kind) {
				t.Fatalf("/health/ready: %d %+v", resp.StatusCode, body)
			}
			if !strings.Contains(stdout.String(), "Sign in at") {
				t.Fatalf("demo did not print how to sign in: %q", stdout.String())
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("serve exited %d after shutdown: %s", code, stderr.String())
			}
		})
	}
}

func TestConfigProblemsReportedAtOnce(t *testing.T) {
	env := map[string]string{"PORT": "http", "APP_ENV": "staging", "DATABASE_URL": "mysql://x"}
	var stdout, stderr syncBuffer
	code := Main(context.Background(), []string{"serve"}, Env{Getenv: func(k string) string { return env[k] }, Stdout: &stdout, Stderr: &stderr})
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"PORT", "APP_ENV", "DATABASE_URL"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("problem with %s not reported: %s", want, stderr.String())
		}
	}
}
