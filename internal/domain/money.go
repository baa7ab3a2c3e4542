package domain

import (
	"fmt"
	"math/big"
	"strings"
)

// currencyDecimals lists ISO 4217 minor-unit digits for the currencies a
// workspace may use. Unknown codes are refused rather than guessed.
var currencyDecimals = map[string]int{
	"USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CAD": 2, "AUD": 2, "NZD": 2, "SEK": 2, "NOK": 2,
	"DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2, "RON": 2, "BGN": 2, "INR": 2, "CNY": 2, "HKD": 2,
	"SGD": 2, "ZAR": 2, "BRL": 2, "MXN": 2, "ILS": 2, "TRY": 2, "AED": 2, "SAR": 2, "THB": 2,
	"MYR": 2, "PHP": 2, "IDR": 2, "TWD": 2, "ARS": 2, "CLP": 0, "COP": 2, "PEN": 2,
	"JPY": 0, "KRW": 0, "ISK": 0, "VND": 0, "UGX": 0,
	"KWD": 3, "BHD": 3, "JOD": 3, "OMR": 3, "TND": 3,
}

// MaxMoneyMajor is the largest accepted amount in major units.
const MaxMoneyMajor = 1_000_000_000_000

// CurrencyDecimals returns the minor-unit digits of an ISO 4217 code.
func CurrencyDecimals(code string) (int, bool) {
	d, ok := currencyDecimals[code]
	return d, ok
}

// ParseMoney parses a decimal amount in major units (as JSON or a form
// carries it) into integer minor units of currency, exactly: more decimals
// than the currency has, negatives, exponents beyond range, NaN and amounts
// above MaxMoneyMajor are refused.
func ParseMoney(s, currency string) (int64, error) {
	dec, ok := CurrencyDecimals(currency)
	if !ok {
		return 0, fmt.Errorf("unknown currency %q", currency)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("must be a number")
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "/") {
		return 0, fmt.Errorf("must be a decimal number")
	}
	if r.Sign() < 0 {
		return 0, fmt.Errorf("must not be negative")
	}
	if r.Cmp(new(big.Rat).SetInt64(MaxMoneyMajor)) > 0 {
		return 0, fmt.Errorf("must not exceed %d", int64(MaxMoneyMajor))
	}
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dec)), nil)))
	if !scaled.IsInt() {
		return 0, fmt.Errorf("%s allows at most %d decimal places", currency, dec)
	}
	return scaled.Num().Int64(), nil
}

// FormatMoneyPlain renders minor units as a plain decimal in major units
// ("50000", "12.5"), the form the API returns.
func FormatMoneyPlain(minor int64, currency string) string {
	dec, _ := CurrencyDecimals(currency)
	if dec == 0 {
		return fmt.Sprintf("%d", minor)
	}
	r := new(big.Rat).SetFrac(big.NewInt(minor), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dec)), nil))
	s := r.FloatString(dec)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// MajorUnits converts minor units to a float in major units, for analysis
// thresholds and charts, never for storage.
func MajorUnits(minor int64, currency string) float64 {
	dec, _ := CurrencyDecimals(currency)
	f := float64(minor)
	for range dec {
		f /= 10
	}
	return f
}

// FormatMoney renders an amount for people: "$50,000", "€1,250.50".
func FormatMoney(minor int64, currency string) string {
	dec, _ := CurrencyDecimals(currency)
	plain := FormatMoneyPlain(minor, currency)
	intPart, frac, _ := strings.Cut(plain, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		for len(frac) < dec {
			frac += "0"
		}
		b.WriteString("." + frac)
	}
	return currencySymbol(currency) + b.String()
}

func currencySymbol(code string) string {
	switch code {
	case "USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN":
		return "$"
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	case "JPY", "CNY":
		return "¥"
	case "INR":
		return "₹"
	}
	return code + " "
}
