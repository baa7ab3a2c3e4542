package app

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"time"
)

// Set at build time, e.g.
//
//	go build -ldflags "-X github.com/vectoros/vectoros/internal/app.version=v1.2.3 \
//	  -X github.com/vectoros/vectoros/internal/app.commit=$(git rev-parse HEAD) \
//	  -X github.com/vectoros/vectoros/internal/app.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
//
// A plain `go build` in a git checkout leaves them empty and the Go
// toolchain's VCS stamp (commit and commit time) fills in.
var (
	version   = "dev"
	commit    = ""
	buildDate = ""
)

// BuildInfo is what a binary knows about how it was built.
type BuildInfo struct {
	Version string
	Commit  string // full hash, or "" when unknown
	// Modified is true when the tree had uncommitted changes (VCS stamp only).
	Modified bool
	// Date is when the binary was built; when only the VCS stamp is known it
	// is the commit's time and DateIsCommit says so.
	Date         string
	DateIsCommit bool
	Go           string
}

// readBuildInfo combines the -ldflags values with the toolchain's VCS stamp;
// the -ldflags values win because release builds set them deliberately.
func readBuildInfo() BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: buildDate,
		Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	var vcsRev, vcsTime string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			vcsRev = s.Value
		case "vcs.time":
			vcsTime = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true" && (commit == "" || commit == vcsRev)
		}
	}
	if b.Commit == "" {
		b.Commit = vcsRev
	}
	if b.Date == "" && vcsTime != "" {
		b.Date, b.DateIsCommit = vcsTime, true
	}
	return b
}

// Version returns the build's version in one word (metrics, Sentry, logs):
// the release version, or dev-<commit> for untagged builds.
func Version() string { return readBuildInfo().short() }

func (b BuildInfo) short() string {
	if b.Version != "dev" || len(b.Commit) < 12 {
		return b.Version
	}
	return "dev-" + b.Commit[:12]
}

// write prints the version, commit and build date, one per line.
func (b BuildInfo) write(w io.Writer) error {
	commit, date := "unknown", "unknown"
	if b.Commit != "" {
		commit = b.Commit
		if b.Modified {
			commit += " (with uncommitted changes)"
		}
	}
	if b.Date != "" {
		date = b.Date
		if t, err := time.Parse(time.RFC3339, b.Date); err == nil {
			date = t.UTC().Format(time.RFC3339)
		}
		if b.DateIsCommit {
			date += " (commit time; set app.buildDate to record the build's)"
		}
	}
	_, err := fmt.Fprintf(w, "vectoros %s\ncommit:  %s\nbuilt:   %s\ngo:      %s\n", b.short(), commit, date, b.Go)
	return err
}
