package preflight_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/preflight"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// onlineInput is a healthy input with --online, whose outside calls go to
// the given servers.
func onlineInput(t *testing.T) preflight.Input {
	t.Helper()
	clock := testdb.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	in := healthy(t, testdb.Open(t, store.SQLite, clock.Now), clock.Now())
	in.Online = true
	return in
}

// tlsServer serves HTTPS on 127.0.0.1 with a certificate valid from
// notBefore to notAfter, and returns its URL and a pool trusting it.
func tlsServer(t *testing.T, notBefore, notAfter time.Time) (string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "preflight test"},
		NotBefore: notBefore, NotAfter: notAfter, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return srv.URL, pool
}

func TestOnlineCertificate(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	longURL, longPool := tlsServer(t, now.AddDate(0, -1, 0), now.AddDate(0, 2, 0))
	shortURL, shortPool := tlsServer(t, now.AddDate(0, -2, 0), now.Add(5*24*time.Hour))
	cases := []struct {
		name   string
		url    string
		pool   *x509.CertPool
		want   preflight.Status
		detail string
	}{
		{"valid for two months", longURL, longPool, preflight.Pass, "valid for 61 more days"},
		{"expires in five days", shortURL, shortPool, preflight.Fail, "expires in 5 days (2026-12-02)"},
		{"untrusted", longURL, x509.NewCertPool(), preflight.Fail, "TLS to 127.0.0.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := onlineInput(t)
			in.Settings.PublicURL, in.RootCAs = c.url, c.pool
			r := result(t, preflight.Run(context.Background(), in, preflight.Checks()), "public_url")
			if r.Status != c.want || !strings.Contains(r.Detail, c.detail) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Detail, c.want, c.detail)
			}
		})
	}
}

func TestOnlineClaude(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   preflight.Status
		detail string
		fix    string
	}{
		{"answers", 200, `{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-6",
			"content":[{"type":"text","text":"Po"}],"stop_reason":"max_tokens","usage":{"input_tokens":8,"output_tokens":1}}`,
			preflight.Pass, "answered a one-token request", ""},
		{"bad key", 401, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`,
			preflight.Fail, "Claude answered 401: invalid x-api-key", "key was rejected"},
		{"rate limited", 429, `{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}`,
			preflight.Fail, "Claude answered 429", "rate limited"},
		{"no credits", 400, `{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}`,
			preflight.Fail, "credit balance is too low", "out of credits"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			var got map[string]any
			var auth string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
					http.NotFound(w, r)
					return
				}
				auth = r.Header.Get("Authorization") + r.Header.Get("X-Api-Key")
				b, _ := io.ReadAll(r.Body)
				_ = json.Unmarshal(b, &got)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				_, _ = io.WriteString(w, c.body)
			}))
			defer srv.Close()
			in := onlineInput(t)
			in.Settings.AnthropicBaseURL = srv.URL
			r := result(t, preflight.Run(context.Background(), in, preflight.Checks()), "llm")
			if r.Status != c.want || !strings.Contains(r.Detail, c.detail) || !strings.Contains(r.Fix, c.fix) {
				t.Fatalf("got %s %q (fix %q), want %s containing %q", r.Status, r.Detail, r.Fix, c.want, c.detail)
			}
			mu.Lock()
			defer mu.Unlock()
			if got["max_tokens"] != float64(1) || got["model"] != "claude-sonnet-4-6" || !strings.Contains(auth, in.Settings.AnthropicAPIKey) {
				t.Fatalf("request was not the tiny one with the key: %v (auth %q)", got, auth)
			}
		})
	}
}

func TestOnlineSentry(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		want   preflight.Status
		detail string
	}{
		{"accepted", 200, preflight.Pass, "Sentry accepted test event "},
		{"rejected", 403, preflight.Fail, "Sentry answered 403 Forbidden"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			var envelopes []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				envelopes = append(envelopes, r.URL.Path+"\n"+string(b))
				mu.Unlock()
				w.WriteHeader(c.status)
			}))
			defer srv.Close()
			in := onlineInput(t)
			in.Settings.SentryDSN = "http://publickey@" + strings.TrimPrefix(srv.URL, "http://") + "/42"
			r := result(t, preflight.Run(context.Background(), in, preflight.Checks()), "sentry")
			if r.Status != c.want || !strings.Contains(r.Detail, c.detail) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Detail, c.want, c.detail)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(envelopes) != 1 || !strings.HasPrefix(envelopes[0], "/api/42/envelope/") ||
				!strings.Contains(envelopes[0], "VectorOS preflight test event") || !strings.Contains(envelopes[0], `"environment":"production"`) {
				t.Fatalf("ingest got %q", envelopes)
			}
			if c.want == preflight.Pass {
				id := strings.TrimSpace(strings.TrimPrefix(r.Detail[:strings.Index(r.Detail, " (")], "Sentry accepted test event"))
				if len(id) != 32 || !strings.Contains(envelopes[0], id) {
					t.Fatalf("reported event id %q is not the one sent", id)
				}
			}
		})
	}
}
