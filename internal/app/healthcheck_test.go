package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   int
	}{{http.StatusOK, 0}, {http.StatusServiceUnavailable, 1}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tc.status) }))
		var out, errb syncBuffer
		code := Main(context.Background(), []string{"healthcheck", "--url", srv.URL}, Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errb})
		srv.Close()
		if code != tc.code {
			t.Errorf("status %d: exit %d, want %d (%s)", tc.status, code, tc.code, errb.String())
		}
	}
}
