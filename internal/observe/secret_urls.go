package observe

import (
	"net/url"
	"strings"
)

// The registry of URLs that carry secrets. A token in a link (an
// invitation today; password reset, email verification, unsubscribe and
// OpenID's code and state as they arrive) is as good as a password to
// whoever reads it, so no log line and no Sentry event may keep it. A new
// secret-bearing route or parameter joins by adding a line here; the access
// log, the Sentry scrubber and anything else that records a URL go through
// RedactPath and RedactQuery.

// secretRoutes are path patterns; a segment written {secret} is redacted
// wherever the other segments match literally ({} matches any segment and
// keeps it).
var secretRoutes = []string{
	"/invitations/{secret}",
}

// secretParams are query parameters whose values are secrets, on any path.
var secretParams = []string{
	"token", "code", "state",
}

// redirectParams carry a path of ours (sign-in's next=, return=), which may
// itself be a secret-bearing URL: their values are redacted as paths.
var redirectParams = []string{"next", "return"}

// RedactPath returns the path with the secret segments of every matching
// secret route replaced by Redacted.
func RedactPath(path string) string {
	segs := strings.Split(path, "/")
	changed := false
	for _, route := range secretRoutes {
		pat := strings.Split(route, "/")
		if len(pat) != len(segs) && !(len(segs) > len(pat) && pat[len(pat)-1] == "{secret}") {
			continue
		}
		match := true
		for i, p := range pat {
			if p != "{secret}" && p != "{}" && p != segs[i] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		for i, p := range pat {
			if p == "{secret}" && segs[i] != "" {
				segs[i], changed = Redacted, true
			}
		}
	}
	if !changed {
		return path
	}
	return strings.Join(segs, "/")
}

// RedactQuery returns the raw query with the values of secret parameters
// replaced, and redirect targets redacted as paths.
func RedactQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return Redacted // unparseable: keep nothing rather than guess
	}
	changed := false
	for _, k := range secretParams {
		if vs, ok := q[k]; ok {
			for i := range vs {
				vs[i] = Redacted
			}
			changed = true
		}
	}
	for _, k := range redirectParams {
		for i, v := range q[k] {
			if r := RedactPath(v); r != v {
				q[k][i], changed = r, true
			}
		}
	}
	if !changed {
		return rawQuery
	}
	return q.Encode()
}

// RedactURL redacts a URL as text (an absolute URL or a path with a
// query); the fragment is dropped.
func RedactURL(raw string) string {
	raw, _, _ = strings.Cut(raw, "#")
	base, query, hasQuery := strings.Cut(raw, "?")
	prefix, path := "", base
	if i := strings.Index(base, "://"); i >= 0 {
		if j := strings.IndexByte(base[i+3:], '/'); j >= 0 {
			prefix, path = base[:i+3+j], base[i+3+j:]
		} else {
			prefix, path = base, ""
		}
	}
	out := prefix + RedactPath(path)
	if hasQuery {
		out += "?" + RedactQuery(query)
	}
	return out
}
