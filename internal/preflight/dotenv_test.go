package preflight_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/internal/preflight"
)

func TestDotenvCheck(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	run := func(t *testing.T, dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(t *testing.T, path, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name   string
		setup  func(t *testing.T, repo string) (dir string)
		want   preflight.Status
		detail string
	}{
		{"outside a repository", func(t *testing.T, _ string) string {
			dir := t.TempDir()
			t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir)) // even if TMPDIR lies inside a checkout
			return dir
		}, preflight.Pass, "not run inside a git repository"},
		{"no .env", func(t *testing.T, repo string) string { run(t, repo, "init", "-q"); return repo }, preflight.Pass, "no .env file is tracked"},
		{"ignored .env", func(t *testing.T, repo string) string {
			run(t, repo, "init", "-q")
			write(t, filepath.Join(repo, ".gitignore"), ".env\n")
			write(t, filepath.Join(repo, ".env"), "ANTHROPIC_API_KEY=sk-ant-x\n")
			return repo
		}, preflight.Pass, ".env is ignored by git"},
		{"unignored .env", func(t *testing.T, repo string) string {
			run(t, repo, "init", "-q")
			write(t, filepath.Join(repo, ".env"), "ANTHROPIC_API_KEY=sk-ant-x\n")
			return repo
		}, preflight.Warn, "not ignored"},
		{"tracked .env", func(t *testing.T, repo string) string {
			run(t, repo, "init", "-q")
			write(t, filepath.Join(repo, ".env"), "ANTHROPIC_API_KEY=sk-ant-x\n")
			run(t, repo, "add", ".env")
			return repo
		}, preflight.Fail, "tracked by git: .env"},
		{"tracked nested .env.production, run from a subfolder", func(t *testing.T, repo string) string {
			run(t, repo, "init", "-q")
			write(t, filepath.Join(repo, "deploy", ".env.production"), "SENTRY_DSN=x\n")
			write(t, filepath.Join(repo, ".env.example"), "SENTRY_DSN=\n")
			run(t, repo, "add", "deploy/.env.production", ".env.example")
			sub := filepath.Join(repo, "cmd")
			_ = os.MkdirAll(sub, 0o755)
			return sub
		}, preflight.Fail, "tracked by git: deploy/.env.production ("},
		{"only a tracked template", func(t *testing.T, repo string) string {
			run(t, repo, "init", "-q")
			write(t, filepath.Join(repo, ".env.example"), "SENTRY_DSN=\n")
			run(t, repo, "add", ".env.example")
			return repo
		}, preflight.Pass, "no .env file is tracked"},
	}
	checks := []preflight.Check{}
	for _, c := range preflight.Checks() {
		if c.ID == "dotenv" {
			checks = append(checks, c)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := preflight.Input{Dir: c.setup(t, t.TempDir())}
			r := preflight.Run(context.Background(), in, checks).Results[0]
			if r.Status != c.want || !strings.Contains(r.Detail, c.detail) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Detail, c.want, c.detail)
			}
		})
	}
}
