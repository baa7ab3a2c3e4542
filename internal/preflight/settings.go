package preflight

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

func productionCheck() Check {
	return Check{ID: "production", Title: "Production mode", Covers: []string{"APP_ENV"},
		Run: func(_ context.Context, in *Input) Result {
			if in.Settings.AppEnv == "production" {
				return Result{Status: Pass, Detail: "APP_ENV is production: JSON logs, secure cookies, unsafe settings refused"}
			}
			return Result{Status: Fail, Detail: fmt.Sprintf("APP_ENV is %q, so development defaults apply (text logs, a .env file is read, unsafe settings allowed)", in.Settings.AppEnv),
				Fix: "set APP_ENV=production in the service's environment"}
		}}
}

func configCheck() Check {
	return Check{ID: "config", Title: "Configuration",
		Run: func(_ context.Context, in *Input) Result {
			if len(in.uncovered) == 0 {
				return Result{Status: Pass, Detail: "every variable parses and is within its limits"}
			}
			return Result{Status: Fail, Detail: strings.Join(in.uncovered, "; "),
				Fix: "correct the variables named; docs/configuration.md lists every variable and its rule"}
		}}
}

func corsCheck() Check {
	return Check{ID: "cors", Title: "CORS origins", Covers: []string{"CORS_ORIGINS"},
		Run: func(_ context.Context, in *Input) Result {
			origins := in.Settings.CORSOrigins
			switch {
			case slices.Contains(origins, "*"):
				return Result{Status: Fail, Detail: "CORS_ORIGINS is *: any web site may call the API from its visitors' browsers",
					Fix: "list the front-end origins, e.g. CORS_ORIGINS=https://app.yourcompany.com, or leave it empty when the UI is served by VectorOS itself"}
			case len(origins) == 0:
				return Result{Status: Pass, Detail: "CORS_ORIGINS is empty: same-origin only (the built-in UI needs nothing more)"}
			}
			var plain []string
			for _, o := range origins {
				if !strings.HasPrefix(o, "https://") {
					plain = append(plain, o)
				}
			}
			if len(plain) > 0 {
				return Result{Status: Warn, Detail: "CORS_ORIGINS allows origins without https: " + strings.Join(plain, ", "),
					Fix: "list only the https:// origins of production front ends"}
			}
			return Result{Status: Pass, Detail: "cross-origin calls allowed only from " + strings.Join(origins, ", ")}
		}}
}

func rateLimitCheck() Check {
	return Check{ID: "rate_limit", Title: "Rate limiting", Covers: []string{"RATE_LIMIT_MAX", "RATE_LIMIT_WINDOW"},
		Run: func(_ context.Context, in *Input) Result {
			if in.Settings.RateLimitMax <= 0 {
				return Result{Status: Fail, Detail: "RATE_LIMIT_MAX=0 turns rate limiting off",
					Fix: "remove RATE_LIMIT_MAX (default 100 per 15 minutes) or set a positive limit"}
			}
			return Result{Status: Pass, Detail: fmt.Sprintf("%d API requests per %s per user, key or client address",
				in.Settings.RateLimitMax, in.Settings.RateLimitWindow)}
		}}
}

// certMinValidity is how long PUBLIC_URL's certificate must still be valid.
const certMinValidity = 14 * 24 * time.Hour

func publicURLCheck() Check {
	return Check{ID: "public_url", Title: "Public URL and TLS", Covers: []string{"PUBLIC_URL"},
		Run: func(ctx context.Context, in *Input) Result {
			raw := in.Settings.PublicURL
			if raw == "" {
				return Result{Status: Warn, Detail: "PUBLIC_URL is not set, so links VectorOS writes use the request's host and TLS cannot be checked",
					Fix: "set PUBLIC_URL to the https:// address users reach, e.g. https://vectoros.yourcompany.com"}
			}
			u, err := url.Parse(raw)
			if err != nil || u.Host == "" {
				return Result{Status: Fail, Detail: "PUBLIC_URL is not an absolute URL", Fix: "set PUBLIC_URL=https://host"}
			}
			if u.Scheme != "https" {
				return Result{Status: Fail, Detail: fmt.Sprintf("PUBLIC_URL %s is not https: passwords and session cookies would cross the network in clear text", raw),
					Fix: "serve VectorOS behind TLS (a proxy or the platform's certificate) and set PUBLIC_URL=https://…"}
			}
			if !in.Online {
				return Result{Status: Pass, Detail: fmt.Sprintf("PUBLIC_URL %s is https (certificate not checked: run with --online)", raw)}
			}
			notAfter, err := certExpiry(ctx, u, in)
			if err != nil {
				return Result{Status: Fail, Detail: fmt.Sprintf("TLS to %s failed: %v", u.Host, err),
					Fix: "check the certificate covers this host name and chains to a public root (https://www.ssllabs.com/ssltest/)"}
			}
			left := notAfter.Sub(in.Now)
			days := int(left.Hours() / 24)
			if left < certMinValidity {
				return Result{Status: Fail, Detail: fmt.Sprintf("the certificate of %s expires in %d days (%s)", u.Host, days, notAfter.UTC().Format(time.DateOnly)),
					Fix: "renew it now and check that automatic renewal (ACME/Let's Encrypt, the platform's certificates) works"}
			}
			return Result{Status: Pass, Detail: fmt.Sprintf("PUBLIC_URL %s is https; its certificate is valid for %d more days", raw, days)}
		}}
}

// certExpiry connects to the URL's host and returns when the verified leaf
// certificate expires.
func certExpiry(ctx context.Context, u *url.URL, in *Input) (time.Time, error) {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "443"
	}
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: 10 * time.Second},
		Config: &tls.Config{ServerName: host, RootCAs: in.RootCAs, Time: func() time.Time { return in.Now }, MinVersion: tls.VersionTLS12}}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return time.Time{}, err
	}
	defer conn.Close()
	chains := conn.(*tls.Conn).ConnectionState().VerifiedChains
	if len(chains) == 0 || len(chains[0]) == 0 {
		return time.Time{}, fmt.Errorf("no verified certificate chain")
	}
	return chains[0][0].NotAfter, nil
}

// placeholders are fragments of sample, test or placeholder values: test
// keys, the checklist's sample DSN, and the usual "fill me in" words.
var placeholders = []string{
	"sk_test_", "pk_test_", "xxxxx", "o123456.ingest.sentry.io", "changeme", "change-me", "change_me",
	"your-key", "your_key", "your-api-key", "yourkey", "replace-me", "replace_me", "placeholder",
	"your-app", "your-backend", "your-frontend", "your-domain", "example.com", "example.org", "example.net", "...", "…",
}

func secretsCheck() Check {
	return Check{ID: "secrets", Title: "Live keys, no placeholders",
		Run: func(_ context.Context, in *Input) Result {
			names := make([]string, 0, len(in.Settings.Values))
			for k := range in.Settings.Values {
				names = append(names, k)
			}
			slices.Sort(names)
			var bad []string
			for _, k := range names {
				v := strings.ToLower(in.Settings.Values[k])
				for _, p := range placeholders {
					if strings.Contains(v, p) {
						bad = append(bad, fmt.Sprintf("%s contains %q", k, p))
						break
					}
				}
			}
			if len(bad) > 0 {
				return Result{Status: Fail, Detail: "test or placeholder values: " + strings.Join(bad, "; "),
					Fix: "put the live values in the service's environment (test keys such as sk_test_ never belong in production)"}
			}
			return Result{Status: Pass, Detail: fmt.Sprintf("none of the %d configured variables holds a test or placeholder value", len(names))}
		}}
}
