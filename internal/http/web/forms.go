package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// form is a submitted (or prefilled) HTML form: its values, and what is
// wrong with each field, shown next to that field. Field problems are
// predicates as the store words them ("is required"); the page puts the
// field's label in front ("Title is required.").
type form struct {
	Values url.Values
	Errors map[string]string
	// Message is a problem with the form as a whole.
	Message string
}

func newForm(values url.Values) *form {
	if values == nil {
		values = url.Values{}
	}
	return &form{Values: values, Errors: map[string]string{}}
}

// parseForm reads a posted form (the body limit is the server's).
func parseForm(r *http.Request) (*form, error) {
	if err := r.ParseForm(); err != nil {
		return nil, domain.Errorf(domain.KindInvalid, "the form could not be read")
	}
	return newForm(r.PostForm), nil
}

// Get returns a field's value, trimmed.
func (f *form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Set sets a field's value.
func (f *form) Set(name, value string) { f.Values.Set(name, value) }

// Err returns the problem with a field ("" when none).
func (f *form) Err(name string) string { return f.Errors[name] }

// Fail records a problem with a field (the first one stays), as a
// predicate: "must be a date such as 2026-12-31".
func (f *form) Fail(name, format string, args ...any) {
	if _, ok := f.Errors[name]; !ok {
		f.Errors[name] = fmt.Sprintf(format, args...)
	}
}

// OK reports whether nothing is wrong.
func (f *form) OK() bool { return len(f.Errors) == 0 && f.Message == "" }

// adopt takes a validation error's per-field messages into the form. It
// reports whether err was such an error (anything else is the caller's to
// handle). Fields the form does not show are collected in Message.
func (f *form) adopt(err error, shown ...string) bool {
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid && de.Kind != domain.KindConflict {
		return false
	}
	if len(de.Fields) == 0 {
		f.Message = de.Message
		return true
	}
	var other []string
	for _, fe := range de.Fields {
		if len(shown) == 0 || contains(shown, fe.Field) {
			f.Fail(fe.Field, "%s", fe.Message)
		} else {
			other = append(other, strings.ReplaceAll(fe.Field, "_", " ")+" "+fe.Message)
		}
	}
	if len(other) > 0 {
		f.Message = sentence(strings.Join(other, "; "))
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sentence capitalises a message and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// thousands matches amounts written with comma thousands separators only
// where they group thousands ("50,000", "1,250.50"): "1,5" is refused, not
// read as 15.
var thousands = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)

// money parses an optional amount in the workspace currency into minor
// units, exactly (domain.ParseMoney); "" is nil.
func (f *form) money(name, currency string) *int64 {
	s := strings.ReplaceAll(f.Get(name), " ", "")
	if s == "" {
		return nil
	}
	if thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	v, err := domain.ParseMoney(s, currency)
	if err != nil {
		msg := err.Error() // "must be a decimal number", "USD allows at most 2 decimal places"
		if !strings.HasPrefix(msg, "must") {
			msg = "is not valid: " + msg
		}
		f.Fail(name, "%s (for example 50000 or 1250.50)", msg)
		return nil
	}
	return &v
}

// percent parses an optional whole percentage; "" is nil.
func (f *form) percent(name string) *int {
	s := strings.TrimSuffix(f.Get(name), "%")
	if s == "" {
		return nil
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 0 || v > 100 {
		f.Fail(name, "must be a whole number from 0 to 100")
		return nil
	}
	return &v
}

// intRange parses an optional whole number within [lo, hi]; "" is nil.
func (f *form) intRange(name string, lo, hi int) *int {
	s := f.Get(name)
	if s == "" {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		f.Fail(name, "must be a whole number from %d to %d", lo, hi)
		return nil
	}
	return &v
}

// date parses an optional YYYY-MM-DD date (what <input type=date> sends).
func (f *form) date(name string) *domain.Date {
	s := f.Get(name)
	if s == "" {
		return nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		f.Fail(name, "must be a date such as 2026-12-31")
		return nil
	}
	return &d
}

// localTime parses an optional <input type=datetime-local> value in loc.
func (f *form) localTime(name string, loc *time.Location) *time.Time {
	s := f.Get(name)
	if s == "" {
		return nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return &t
		}
	}
	f.Fail(name, "must be a date and time such as 2026-12-31 14:30")
	return nil
}

// required records "is required" when a field is empty.
func (f *form) required(names ...string) {
	for _, n := range names {
		if f.Get(n) == "" {
			f.Fail(n, "is required")
		}
	}
}
