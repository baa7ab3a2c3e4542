package preflight

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func dotenvCheck() Check {
	return Check{ID: "dotenv", Title: ".env kept out of git",
		Run: func(ctx context.Context, in *Input) Result {
			if _, err := exec.LookPath("git"); err != nil {
				return Result{Status: Skip, Detail: "git is not installed here, so this is not a checkout"}
			}
			top, err := git(ctx, in.Dir, "rev-parse", "--show-toplevel")
			if err != nil {
				return Result{Status: Pass, Detail: "not run inside a git repository"}
			}
			tracked, err := git(ctx, top, "ls-files", "--", ":(glob)**/.env", ":(glob)**/.env.*")
			if err != nil {
				return Result{Status: Warn, Detail: "git ls-files failed: " + err.Error()}
			}
			var files []string
			for _, f := range strings.Split(tracked, "\n") {
				if f != "" && !isTemplate(f) {
					files = append(files, f)
				}
			}
			if len(files) > 0 {
				return Result{Status: Fail, Detail: "tracked by git: " + strings.Join(files, ", ") + " (secrets in it are in the repository's history)",
					Fix: "git rm --cached " + strings.Join(files, " ") + ", add .env to .gitignore, commit, and rotate every secret the file held"}
			}
			if _, err := os.Stat(filepath.Join(in.Dir, ".env")); err == nil {
				if _, err := git(ctx, in.Dir, "check-ignore", "-q", ".env"); err != nil {
					return Result{Status: Warn, Detail: ".env exists and is not ignored: one `git add .` commits it",
						Fix: "add .env to .gitignore"}
				}
				return Result{Status: Pass, Detail: ".env is ignored by git and not tracked"}
			}
			return Result{Status: Pass, Detail: "no .env file is tracked by git"}
		}}
}

// git runs a git command in dir and returns its trimmed output.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// isTemplate reports whether a tracked .env.* file is a sample meant to be
// committed (.env.example and the like).
func isTemplate(name string) bool {
	for _, suffix := range []string{".example", ".sample", ".template", ".dist"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}
