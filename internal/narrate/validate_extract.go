package narrate

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// Every number a model writes must be a fact. numberRE is the one
// extraction regex: it finds dates, money, percentages, day and week counts,
// ratios and bare numbers (digits, or number words before a unit), trying
// the alternatives in that order at each position, so "$50,000" is one money
// token and not the bare number 50,000. A digit the regex does not cover is
// refused too (see checkNumbers), so a gap in the regex can only make the
// validator stricter.
var numberRE = regexp.MustCompile(`(?i:` +
	`(?P<iso>\b\d{4}-\d{2}-\d{2}\b)` +
	`|(?P<slash>\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b)` +
	`|(?P<mdy>\b` + monthRE + `\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b)` +
	`|(?P<dmy>\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRE + `(?:,?\s+\d{4})?\b)` +
	`|(?P<premoney>(?:[$€£¥₹]|\b` + codeAltRE + `)\s?` + numRE + `(?:\s?` + multRE + `)?)` +
	`|(?P<postmoney>\b` + numRE + `(?:\s?` + multRE + `)?\s?(?:` + codeAltRE + `|dollars?|euros?|pounds?)\b)` +
	`|(?P<percent>\b(?:` + numRE + `|` + wordRE + `)\s?(?:%|(?:per\s?cent|percent)\b))` +
	`|(?P<days>\b(?:` + numRE + `|` + wordRE + `)(?:\s|-)?(?:(?:business|calendar|working)\s)?days?\b)` +
	`|(?P<weeks>\b(?:` + numRE + `|` + wordRE + `)(?:\s|-)?weeks?\b)` +
	`|(?P<ratio>\b` + numRE + `\s?(?:x\b|×))` +
	`|(?P<multnum>\b` + numRE + `\s?` + multRE + `)` +
	`|(?P<bare>\b` + numRE + `(?:st|nd|rd|th)?\b)` +
	`)`)

const (
	numRE  = `(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?`
	multRE = `(?:k|m|bn|b|thousand|million|billion)\b`
	// codeAltRE lists the ISO 4217 codes of domain's currency table, upper
	// case only ("for 12 days" must not read as an amount in "FOR").
	codeAltRE = `(?-i:USD|EUR|GBP|CHF|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|HUF|RON|BGN|INR|CNY|HKD|SGD|ZAR|BRL|MXN|ILS|TRY|AED|SAR|THB|MYR|PHP|IDR|TWD|ARS|CLP|COP|PEN|JPY|KRW|ISK|VND|UGX|KWD|BHD|JOD|OMR|TND)`
	monthRE   = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`
	wordRE    = `(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?` +
		`|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen` +
		`|one|two|three|four|five|six|seven|eight|nine)`
)

var numberWords = map[string]float64{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

type numKind int

const (
	kindBare numKind = iota
	kindMoney
	kindPercent
	kindDays
	kindRatio
	kindDate
)

func (k numKind) String() string {
	return [...]string{"number", "amount", "percentage", "day count", "ratio", "date"}[k]
}

// numToken is one number found in a text, normalised.
type numToken struct {
	kind     numKind
	text     string
	value    float64 // as written, before the multiplier
	decimals int     // digits after the decimal point as written
	mult     float64 // k, M, … (1 when none); 7 for weeks
	exact    bool    // compare value×mult exactly (weeks), not at the written precision
	currency string  // money: the code, "$", "€", … or "" when none was written
	date     partialDate
	alt      *partialDate // a slash date read the other way round
	start    int
	end      int
}

// partialDate is a date as written; Year is 0 when it was left out.
type partialDate struct {
	Year  int
	Month time.Month
	Day   int
}

// extractNumbers finds every number in s.
func extractNumbers(s string) []numToken {
	var out []numToken
	names := numberRE.SubexpNames()
	for _, m := range numberRE.FindAllStringSubmatchIndex(s, -1) {
		for g := 1; g < len(names); g++ {
			if m[2*g] < 0 {
				continue
			}
			t, ok := parseToken(names[g], s[m[2*g]:m[2*g+1]])
			if ok {
				t.start, t.end = m[2*g], m[2*g+1]
				out = append(out, t)
			}
			break
		}
	}
	return out
}

var (
	numPartRE  = regexp.MustCompile(`(?i)` + numRE + `|` + wordRE)
	multPartRE = regexp.MustCompile(`(?i)` + numRE + `\s?(` + multRE + `)`)
	codeRE     = regexp.MustCompile(`\b` + codeAltRE + `\b`)
	monthPart  = regexp.MustCompile(`(?i)` + monthRE)
	digitsRE   = regexp.MustCompile(`\d+`)
)

func parseToken(group, text string) (numToken, bool) {
	t := numToken{text: text, mult: 1}
	switch group {
	case "iso":
		d, err := domain.ParseDate(text)
		if err != nil {
			return t, false
		}
		t.kind, t.date = kindDate, partialDate{d.Year, d.Month, d.Day}
		return t, true
	case "slash":
		p := digitsRE.FindAllString(text, -1)
		a, _ := strconv.Atoi(p[0])
		b, _ := strconv.Atoi(p[1])
		year := 0
		if len(p) == 3 {
			year, _ = strconv.Atoi(p[2])
			if year < 100 {
				year += 2000
			}
		}
		t.kind, t.date = kindDate, partialDate{year, time.Month(a), b}
		t.alt = &partialDate{year, time.Month(b), a}
		return t, true
	case "mdy", "dmy":
		mon := months[strings.ToLower(monthPart.FindString(text))[:3]]
		p := digitsRE.FindAllString(text, -1)
		day, _ := strconv.Atoi(p[0])
		year := 0
		if len(p) > 1 {
			year, _ = strconv.Atoi(p[1])
		}
		t.kind, t.date = kindDate, partialDate{year, mon, day}
		return t, true
	}
	num := numPartRE.FindString(text)
	if w := strings.Fields(strings.ToLower(strings.ReplaceAll(num, "-", " "))); numberWords[w[0]] > 0 {
		for _, x := range w {
			t.value += numberWords[x] // "twenty one" = 20 + 1
		}
	} else {
		v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
		if err != nil {
			return t, false
		}
		t.value = v
		if _, frac, ok := strings.Cut(num, "."); ok {
			t.decimals = len(frac)
		}
	}
	if m := multPartRE.FindStringSubmatch(text); m != nil {
		switch strings.ToLower(m[1]) {
		case "k", "thousand":
			t.mult = 1e3
		case "m", "million":
			t.mult = 1e6
		case "b", "bn", "billion":
			t.mult = 1e9
		}
	}
	switch group {
	case "premoney", "postmoney":
		t.kind = kindMoney
		low := strings.ToLower(text)
		switch {
		case group == "premoney" && strings.ContainsAny(text, "$€£¥₹"):
			t.currency = string([]rune(text)[0])
		case codeRE.MatchString(text):
			t.currency = codeRE.FindString(text)
		case strings.Contains(low, "dollar"):
			t.currency = "$"
		case strings.Contains(low, "euro"):
			t.currency = "€"
		case strings.Contains(low, "pound"):
			t.currency = "£"
		}
	case "percent":
		t.kind = kindPercent
	case "days":
		t.kind = kindDays
	case "weeks":
		t.kind, t.mult, t.exact = kindDays, 7, true
	case "ratio":
		t.kind = kindRatio
	default: // multnum, bare
		t.kind = kindBare
	}
	return t, true
}
