package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// funcs are the template functions. Formatting that needs more than one
// line lives in view models; these cover what every page writes.
func funcs(t *templates) template.FuncMap {
	return template.FuncMap{
		"asset":    t.asset,
		"money":    domain.FormatMoney,
		"moneyp":   moneyp,
		"pctp":     pctp,
		"rate":     rate,
		"datep":    datep,
		"when":     when,
		"whenp":    whenp,
		"dur":      dur,
		"every":    every,
		"plural":   plural,
		"title":    titleCase,
		"field":    newField,
		"label":    labelOf,
		"add":      func(a, b int) int { return a + b },
		"list":     func(s ...string) []string { return s },
		"mul100":   func(f float64) float64 { return f * 100 },
		"fmtdate":  fmtDate,
		"evidence": evidence,
		"usd":      usd,
	}
}

func moneyp(v *int64, currency string) string {
	if v == nil {
		return "—"
	}
	return domain.FormatMoney(*v, currency)
}

func pctp(p *int) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%d%%", *p)
}

// rate renders a share (0–1) as a whole percentage; nil is a dash, never a
// made-up zero.
func rate(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", math.Round(*r*100))
}

// evidence renders a measured value in its unit; money is in major units
// of the workspace currency.
func evidence(e domain.Evidence, currency string) string {
	switch e.Unit {
	case "days":
		return plural(int(math.Round(e.Value)), "day")
	case "percent":
		return fmt.Sprintf("%g%%", e.Value)
	case "money":
		dec, _ := domain.CurrencyDecimals(currency)
		return domain.FormatMoney(int64(math.Round(e.Value*math.Pow10(dec))), currency)
	case "ratio":
		return fmt.Sprintf("%.1f×", e.Value)
	}
	return fmt.Sprintf("%g", e.Value)
}

func datep(d *domain.Date) string {
	if d == nil {
		return "—"
	}
	return fmtDate(*d)
}

func fmtDate(d domain.Date) string { return d.Time().Format("2 Jan 2006") }

// when renders an instant in the workspace's time zone.
func when(loc *time.Location, t time.Time) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2 Jan 2006, 15:04")
}

func whenp(loc *time.Location, t *time.Time) string {
	if t == nil {
		return "—"
	}
	return when(loc, *t)
}

// dur renders a run's duration for people.
func dur(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// every renders a period for people: "30 minutes", "1 hour", "90 seconds".
func every(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return plural(int(d.Round(time.Second)/time.Second), "second")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") && !strings.HasSuffix(word, "ay") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// titleCase capitalises the first letter ("critical" → "Critical") and
// turns underscores into spaces.
func titleCase(s any) string {
	str := strings.ReplaceAll(fmt.Sprint(s), "_", " ")
	if str == "" {
		return str
	}
	return strings.ToUpper(str[:1]) + str[1:]
}

// field is what the "field" partial renders: a labelled input with its
// error (if any) next to it, wired with aria-invalid and aria-describedby.
type field struct {
	ID, Name, Label, Type, Value, Error, Hint, Class string
	Required                                         bool
	Attrs                                            map[string]string
}

// newField builds a field from a form; opts are "required", "hint=…",
// "prefix=…" (to keep ids unique when a page has several forms with the
// field), and the input attributes "min=…", "max=…", "step=…",
// "placeholder=…", "autocomplete=…", "inputmode=…", "list=…", "rows=…",
// "maxlength=…", "autofocus=1".
func newField(f *form, name, label, typ string, opts ...string) field {
	fd := field{ID: "f-" + name, Name: name, Label: label, Type: typ, Attrs: map[string]string{}}
	if f != nil {
		fd.Value, fd.Error = f.Values.Get(name), f.Err(name)
	}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			fd.Required = true
		case "wide":
			fd.Class = "wide"
		case "autofocus":
			// A form shown with errors focuses its first invalid field
			// instead (app.js); without JS the summary above it says why.
			if f == nil || f.OK() {
				fd.Attrs[k] = v
			}
		case "hint":
			fd.Hint = v
		case "prefix":
			fd.ID = "f-" + v + "-" + name
		default:
			fd.Attrs[k] = v
		}
	}
	return fd
}

// Attr returns one extra attribute ("" when absent).
func (f field) Attr(k string) string { return f.Attrs[k] }

// labelOf names the things templates show by key.
func labelOf(kind, key string) string {
	var m map[string]string
	switch kind {
	case "rule":
		m = ruleLabels
	case "action":
		m = actionLabels
	case "status":
		m = statusLabels
	}
	if v, ok := m[key]; ok {
		return v
	}
	return titleCase(key)
}

var ruleLabels = map[string]string{
	"stale":                "Gone quiet",
	"stuck_in_stage":       "Stuck in stage",
	"probability_mismatch": "Probability out of line",
	"high_value_at_risk":   "High value at risk",
	"close_date_risk":      "Close date at risk",
	"overdue":              "Past its close date",
	"close_date_slipped":   "Close date keeps slipping",
	"value_dropped":        "Value dropped",
	"no_next_step":         "No next step",
	"ready_to_close":       "Ready to close",
}

var actionLabels = map[string]string{
	string(domain.ActionScheduleActivity):  "Schedule a follow-up",
	string(domain.ActionContactBuyer):      "Contact the buyer",
	string(domain.ActionUpdateCloseDate):   "Update the close date",
	string(domain.ActionUpdateProbability): "Update the probability",
	string(domain.ActionEscalate):          "Escalate",
	string(domain.ActionCloseDeal):         "Close the deal",
}

var statusLabels = map[string]string{
	"new": "New", "viewed": "Viewed", "actioned": "Actioned", "dismissed": "Dismissed",
	"snoozed": "Snoozed", "resolved": "Resolved", "open": "Open",
}
