package observe

import (
	"testing"

	"github.com/getsentry/sentry-go"
)

func TestRedactURLs(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/invitations/vinv_abc123", "/invitations/[redacted]"},
		{"/invitations/vinv_abc123/", "/invitations/[redacted]/"},
		{"/invitations/", "/invitations/"},
		{"/invitations", "/invitations"},
		{"/w/0190/deals/17", "/w/0190/deals/17"},
		{"/signin?next=%2Finvitations%2Fvinv_abc", "/signin?next=%2Finvitations%2F%5Bredacted%5D"},
		{"/signin?next=%2Fw%2Fx", "/signin?next=%2Fw%2Fx"},
		{"/auth/callback?code=s3cret&state=xyz&x=1", "/auth/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&x=1"},
		{"/verify?token=abc#frag", "/verify?token=%5Bredacted%5D"},
		{"https://vectoros.example/invitations/vinv_abc?x=1", "https://vectoros.example/invitations/[redacted]?x=1"},
		{"https://vectoros.example", "https://vectoros.example"},
		{"/x?%zz", "/x?[redacted]"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A Sentry event about a request to a secret-bearing URL leaves without the
// secret.
func TestSentryEventURLRedacted(t *testing.T) {
	t.Parallel()
	s := &Sentry{redactor: newRedactor(nil)}
	e := s.scrub(&sentry.Event{Request: &sentry.Request{Method: "GET",
		URL: "https://vectoros.example/invitations/vinv_s3cr3t?next=x"}}, nil)
	if got, want := e.Request.URL, "https://vectoros.example/invitations/[redacted]"; got != want {
		t.Fatalf("event URL %q, want %q", got, want)
	}
}
