package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// runUser runs `vectoros user …` with stdin and returns stdout and the error.
func runUser(t *testing.T, dbURL, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	env := Env{Getenv: func(k string) string { return map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "error"}[k] },
		Stdout: &out, Stderr: &out, Now: time.Now}
	cmd := newRootCmd(env)
	cmd.SetArgs(append([]string{"user"}, args...))
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestUserCommands(t *testing.T) {
	for _, kind := range testdb.Kinds(t) {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			url := testdb.URL(t, kind)
			out, err := runUser(t, url, "a good long passphrase\n", "create", "--email", "Admin@Example.com",
				"--name", "Ada", "--workspace", "Acme", "--password-stdin")
			if err != nil {
				t.Fatalf("create: %v\n%s", err, out)
			}
			if !strings.Contains(out, "Created user admin@example.com") || !strings.Contains(out, `Created workspace "Acme"`) ||
				strings.Contains(out, "passphrase") {
				t.Fatalf("create output:\n%s", out)
			}
			s, err := store.Open(ctx, store.Options{URL: url, Now: time.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			u, err := s.GetUserByEmail(ctx, "admin@example.com")
			if err != nil || u.Name != "Ada" {
				t.Fatalf("user: %+v %v", u, err)
			}
			h := password.NewHasher(password.Default, 1)
			if err := h.Verify(ctx, u.PasswordHash, "a good long passphrase"); err != nil {
				t.Fatalf("stored hash does not verify: %v", err)
			}
			if ms, _ := s.ListMemberships(ctx, u.ID); len(ms) != 1 || ms[0].Workspace.Name != "Acme" || ms[0].Role != "owner" {
				t.Fatalf("memberships: %+v", ms)
			}

			// Refusals: a common password, a taken email.
			if _, err := runUser(t, url, "password123\n", "create", "--email", "b@example.com", "--password-stdin"); err == nil ||
				!strings.Contains(err.Error(), "common") {
				t.Fatalf("common password accepted: %v", err)
			}
			if _, err := runUser(t, url, "", "create", "--email", "admin@example.com"); err == nil {
				t.Fatal("a taken email was accepted")
			}

			// Reset: a generated password, sessions ended, sign-in lock lifted.
			if _, err := s.RecordLoginFailure(ctx, "email:admin@example.com", store.LoginPolicy{MaxFailures: 1, Window: time.Hour, Lock: time.Hour}); err != nil {
				t.Fatal(err)
			}
			out, err = runUser(t, url, "", "reset-password", "--email", "ADMIN@example.com")
			if err != nil {
				t.Fatalf("reset: %v\n%s", err, out)
			}
			_, pw, found := strings.Cut(out, "Password (shown once): ")
			pw = strings.TrimSpace(pw)
			if !found || len(pw) < 16 {
				t.Fatalf("reset output:\n%s", out)
			}
			u2, _ := s.GetUserByEmail(ctx, "admin@example.com")
			if u2.SessionVersion != u.SessionVersion+1 {
				t.Fatalf("session version %d → %d: sessions not ended", u.SessionVersion, u2.SessionVersion)
			}
			if err := h.Verify(ctx, u2.PasswordHash, pw); err != nil {
				t.Fatalf("generated password does not verify: %v", err)
			}
			if until, _ := s.LoginLockedUntil(ctx, "email:admin@example.com"); !until.IsZero() {
				t.Fatalf("still locked until %v", until)
			}
			if _, err := runUser(t, url, "", "reset-password", "--email", "nobody@example.com"); err == nil {
				t.Fatal("reset of an unknown user succeeded")
			}
		})
	}
}
