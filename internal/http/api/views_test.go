package api

import (
	"math/rand/v2"
	"testing"

	"github.com/vectoros/vectoros/internal/domain"
)

// money must agree with the domain's exact formatter everywhere.
func TestMoneyMatchesDomain(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	values := []int64{0, 1, 5, 10, 99, 100, 101, 110, 1000, 123456, 5_000_000, 100_000_000_000_000}
	for range 20000 {
		values = append(values, rng.Int64N(100_000_000_000_000))
	}
	for _, cur := range []string{"USD", "JPY", "KWD", "EUR"} {
		for _, v := range values {
			if got, want := string(money(v, cur)), domain.FormatMoneyPlain(v, cur); got != want {
				t.Fatalf("money(%d, %s) = %s, want %s", v, cur, got, want)
			}
		}
	}
}
