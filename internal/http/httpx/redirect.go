package httpx

import (
	"net/url"
	"strings"
)

// LocalPath returns p when a browser would resolve it to a path on this
// site, else fallback. Every next=, return= or other redirect target that
// comes from a request goes through it, so none can send a user elsewhere.
//
// Browsers normalise a URL before resolving it (the WHATWG URL standard):
// they drop tab, LF and CR anywhere, strip leading and trailing C0 controls
// and spaces, and treat a backslash like a slash. So "/\t/evil.test" becomes
// "//evil.test" — another host. Rather than re-implement that normalisation,
// refuse every input it could change: any control character, any backslash,
// and anything that does not start with exactly one slash. What remains
// must parse as a bare path (no scheme, no host, no user).
func LocalPath(p, fallback string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return fallback
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return fallback
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return fallback
	}
	return p
}
