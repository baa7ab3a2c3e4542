package narrate

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"

	"github.com/vectoros/vectoros/internal/domain"
)

// dollarCurrencies are the workspace currencies "$" and "dollars" may name.
var dollarCurrencies = map[string]bool{"USD": true, "CAD": true, "AUD": true, "NZD": true, "SGD": true,
	"HKD": true, "MXN": true, "TWD": true, "ARS": true, "CLP": true, "COP": true}

// factSet is what a finding's text may say, by kind, in major units.
type factSet struct {
	currency string
	money    []float64
	percent  []float64
	days     []float64
	ratio    []float64
	any      []float64 // every fact, for numbers written without a unit
	years    []int
	dates    []partialDate
	verbatim map[string]bool // numbers as a trusted text writes them
}

func (f *factSet) add(k numKind, v float64) {
	v = math.Abs(v)
	switch k {
	case kindMoney:
		f.money = append(f.money, v)
	case kindPercent:
		f.percent = append(f.percent, v)
		f.ratio = append(f.ratio, v/100)
	case kindDays:
		f.days = append(f.days, v)
	case kindRatio:
		f.ratio = append(f.ratio, v)
		f.percent = append(f.percent, v*100)
	}
	f.any = append(f.any, v)
}

func (f *factSet) addDate(d domain.Date) {
	f.dates = append(f.dates, partialDate{d.Year, d.Month, d.Day})
	f.years = append(f.years, d.Year)
}

// addText admits the numbers of a trusted text (the template's wording of
// the same finding, which is computed from the facts).
func (f *factSet) addText(s string) {
	for _, t := range extractNumbers(s) {
		if f.verbatim == nil {
			f.verbatim = map[string]bool{}
		}
		f.verbatim[strings.ToLower(t.text)] = true
		if t.kind == kindDate {
			f.dates = append(f.dates, t.date)
			if t.alt != nil {
				f.dates = append(f.dates, *t.alt)
			}
			continue
		}
		f.add(t.kind, t.value*t.mult)
	}
}

// factsFor builds the fact set of one finding: the deal's facts, the
// finding's own evidence and its actions' due days and dates.
func factsFor(fa Facts, fi domain.Finding, base *Text) factSet {
	f := factSet{currency: fa.Currency}
	if fa.Value != nil {
		f.add(kindMoney, domain.MajorUnits(*fa.Value, fa.Currency))
	}
	f.add(kindPercent, float64(fa.Probability))
	if !fa.Today.IsZero() {
		f.addDate(fa.Today)
	}
	if fa.CloseDate != nil {
		f.addDate(*fa.CloseDate)
		if !fa.Today.IsZero() {
			f.add(kindDays, float64(fa.CloseDate.DaysSince(fa.Today)))
		}
	}
	for _, e := range fi.Evidence {
		switch e.Unit {
		case "money":
			f.add(kindMoney, e.Value)
		case "percent":
			f.add(kindPercent, e.Value)
		case "days":
			f.add(kindDays, e.Value)
		case "ratio":
			f.add(kindRatio, e.Value)
		default:
			f.add(kindBare, e.Value)
		}
	}
	for _, a := range fi.Actions {
		f.add(kindDays, float64(a.DueInDays))
		if !fa.Today.IsZero() {
			f.addDate(fa.Today.AddDays(a.DueInDays))
		}
		f.addText(a.Title)
	}
	if base != nil {
		f.addText(base.Title)
		f.addText(base.Description)
		for _, a := range base.ActionTitles {
			f.addText(a)
		}
	}
	return f
}

// checkNumbers reports the first number in s that is not a fact. Names
// (deal title, company, stage) may hold digits of their own; they are
// skipped.
func checkNumbers(s string, f factSet, names []string) error {
	covered := make([]bool, len(s))
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		for _, m := range regexp.MustCompile(`(?i)`+regexp.QuoteMeta(n)).FindAllStringIndex(s, -1) {
			for i := m[0]; i < m[1]; i++ {
				covered[i] = true
			}
		}
	}
	for _, t := range extractNumbers(s) {
		if covered[t.start] {
			continue
		}
		if !f.admits(t) {
			return fmt.Errorf("%s %q is not a fact of this deal", t.kind, t.text)
		}
		for i := t.start; i < t.end; i++ {
			covered[i] = true
		}
	}
	for i, r := range s {
		if unicode.IsDigit(r) && !covered[i] {
			return fmt.Errorf("unrecognised number near %q", around(s, i))
		}
	}
	return nil
}

func around(s string, i int) string {
	lo, hi := max(0, i-12), min(len(s), i+12)
	for lo > 0 && !utf8Start(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8Start(s[hi]) {
		hi++
	}
	return s[lo:hi]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// admits reports whether a token equals a fact of its kind. A number is
// compared at the precision it was written with, so "$1.2M" admits a value
// of 1,234,567 and "50k" admits 50,000 but not 55,000.
func (f factSet) admits(t numToken) bool {
	if f.verbatim[strings.ToLower(t.text)] {
		return true // written exactly as a trusted text writes it
	}
	switch t.kind {
	case kindDate:
		return f.admitsDate(t.date) || (t.alt != nil && f.admitsDate(*t.alt))
	case kindMoney:
		if !f.currencyOK(t.currency) {
			return false
		}
		return anyMatch(t, f.money)
	case kindPercent:
		return anyMatch(t, f.percent)
	case kindDays:
		return anyMatch(t, f.days)
	case kindRatio:
		return anyMatch(t, f.ratio)
	}
	if t.mult == 1 && t.decimals == 0 {
		for _, y := range f.years {
			if t.value == float64(y) {
				return true
			}
		}
	}
	return anyMatch(t, f.any)
}

func (f factSet) admitsDate(d partialDate) bool {
	for _, x := range f.dates {
		if x.Month == d.Month && x.Day == d.Day && (d.Year == 0 || d.Year == x.Year) {
			return true
		}
	}
	return false
}

func (f factSet) currencyOK(c string) bool {
	switch c {
	case "":
		return true
	case "$":
		return dollarCurrencies[f.currency]
	case "€":
		return f.currency == "EUR"
	case "£":
		return f.currency == "GBP"
	case "¥":
		return f.currency == "JPY" || f.currency == "CNY"
	case "₹":
		return f.currency == "INR"
	}
	return c == f.currency
}

func anyMatch(t numToken, facts []float64) bool {
	for _, v := range facts {
		if matches(t, v) {
			return true
		}
	}
	return false
}

func matches(t numToken, fact float64) bool {
	if t.exact {
		return math.Abs(t.value*t.mult-fact) < 1e-9
	}
	scale := math.Pow(10, float64(t.decimals))
	return math.Abs(math.Round(fact/t.mult*scale)/scale-t.value) < 1e-9*max(1, math.Abs(t.value))
}
