package analysis

import (
	"strings"
	"unicode/utf8"
)

// createdRaw is what parseCreated reads from a created event's JSON.
type createdRaw struct {
	stage, status, value, stageEnteredAt string
}

// Decoding a created event with encoding/json was most of the rules' cost
// per deal (reflection over an object of ten members, to keep four).
// scanCreated reads the object the store writes — flat, string values
// without escapes — by hand, and declines (ok false) anything it is not
// sure it reads exactly as encoding/json would: escapes, nested values,
// non-integer numbers, keys that only match ignoring case, invalid UTF-8,
// a member of the wrong type. parseCreated falls back to encoding/json then.
func scanCreated(s string) (raw createdRaw, ok bool) {
	i := 0
	ws := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
	}
	// str reads a string without escapes or control characters.
	str := func() (string, bool) {
		if i >= len(s) || s[i] != '"' {
			return "", false
		}
		start := i + 1
		for j := start; j < len(s); j++ {
			switch c := s[j]; {
			case c == '"':
				i = j + 1
				return s[start:j], true
			case c == '\\' || c < 0x20:
				return "", false
			}
		}
		return "", false
	}
	// integer reads -?digits, as JSON allows them (no leading zero).
	integer := func() (string, bool) {
		start := i
		if i < len(s) && s[i] == '-' {
			i++
		}
		digits := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == digits || (s[digits] == '0' && i-digits > 1) {
			return "", false
		}
		if i < len(s) && (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
			return "", false
		}
		return s[start:i], true
	}
	ws()
	if i >= len(s) || s[i] != '{' {
		return raw, false
	}
	i++
	ws()
	if i < len(s) && s[i] == '}' {
		i++
		ws()
		return raw, i == len(s)
	}
	for {
		ws()
		key, ok := str()
		if !ok || !utf8.ValidString(key) {
			return raw, false
		}
		ws()
		if i >= len(s) || s[i] != ':' {
			return raw, false
		}
		i++
		ws()
		var field *string
		switch key {
		case "stage":
			field = &raw.stage
		case "status":
			field = &raw.status
		case "value":
			field = &raw.value
		case "stage_entered_at":
			field = &raw.stageEnteredAt
		default:
			for _, k := range []string{"stage", "status", "value", "stage_entered_at"} {
				if strings.EqualFold(key, k) {
					return raw, false // encoding/json would match it
				}
			}
		}
		if i >= len(s) {
			return raw, false
		}
		switch c := s[i]; {
		case c == '"':
			v, ok := str()
			if !ok {
				return raw, false
			}
			if field != nil {
				if !utf8.ValidString(v) {
					return raw, false
				}
				if field == &raw.value && !jsonInteger(v) {
					return raw, false // json.Number validates it
				}
				*field = v
			}
		case c == '-' || (c >= '0' && c <= '9'):
			v, ok := integer()
			if !ok || (field != nil && field != &raw.value) {
				return raw, false
			}
			if field != nil {
				*field = v
			}
		case strings.HasPrefix(s[i:], "null"):
			i += 4 // null leaves a field as it was
		case strings.HasPrefix(s[i:], "true"), strings.HasPrefix(s[i:], "false"):
			if field != nil {
				return raw, false
			}
			if c == 't' {
				i += 4
			} else {
				i += 5
			}
		default:
			return raw, false
		}
		ws()
		if i >= len(s) {
			return raw, false
		}
		switch s[i] {
		case ',':
			i++
		case '}':
			i++
			ws()
			return raw, i == len(s)
		default:
			return raw, false
		}
	}
}

// jsonInteger reports whether v is an integer as JSON writes one:
// -?(0|[1-9][0-9]*), no more than 18 digits (so it fits an int64).
func jsonInteger(v string) bool {
	v = strings.TrimPrefix(v, "-")
	if v == "" || len(v) > 18 || (v[0] == '0' && len(v) > 1) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}
