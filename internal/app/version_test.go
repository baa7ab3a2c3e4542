package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestBuildInfoWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   BuildInfo
		want string
	}{
		{"release", BuildInfo{Version: "v1.2.3", Commit: "abc", Date: "2026-12-03T21:00:00Z", Go: "go1.26"},
			"vectoros v1.2.3\ncommit:  abc\nbuilt:   2026-12-03T21:00:00Z\ngo:      go1.26\n"},
		{"untagged from a dirty checkout", BuildInfo{Version: "dev", Commit: "0123456789abcdef", Modified: true,
			Date: "2026-12-03T22:00:00+01:00", DateIsCommit: true, Go: "go1.26"},
			"vectoros dev-0123456789ab\ncommit:  0123456789abcdef (with uncommitted changes)\n" +
				"built:   2026-12-03T21:00:00Z (commit time; set app.buildDate to record the build's)\ngo:      go1.26\n"},
		{"nothing known", BuildInfo{Version: "dev", Go: "go1.26"},
			"vectoros dev\ncommit:  unknown\nbuilt:   unknown\ngo:      go1.26\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := tt.in.write(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// Both spellings a user tries print the same three facts.
func TestVersionCommandAndFlag(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errOut bytes.Buffer
		env := Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errOut}
		if code := Main(context.Background(), args, env); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		for _, line := range []string{"vectoros " + Version() + "\n", "\ncommit:  ", "\nbuilt:   ", "\ngo:      "} {
			if !strings.Contains(out.String(), line) {
				t.Errorf("%v: output lacks %q:\n%s", args, line, out.String())
			}
		}
	}
}
