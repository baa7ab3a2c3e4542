package app

import (
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/config"
)

// HSTS is sent only in production: a development host on plain HTTP would
// become unreachable in the browser that saw the header.
func TestHSTSOnlyInProduction(t *testing.T) {
	t.Parallel()
	year := 365 * 24 * time.Hour
	for _, tc := range []struct {
		env  string
		set  time.Duration
		want time.Duration
	}{
		{"production", year, year}, {"production", 0, 0}, {"development", year, 0}, {"test", year, 0},
	} {
		if got := hstsMaxAge(config.Config{AppEnv: tc.env, HSTSMaxAge: tc.set}); got != tc.want {
			t.Errorf("%s with %s: %s, want %s", tc.env, tc.set, got, tc.want)
		}
	}
}
