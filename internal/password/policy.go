package password

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password rules, checked at sign-up, by `vectoros user`, and on resets.
const (
	MinLength = 8
	MaxLength = 256 // hashing is cheap per byte, but nobody needs more
)

// commonList holds widely breached passwords of at least MinLength
// characters (shorter ones fail the length rule anyway), lower case.
//
//go:embed common-passwords.txt
var commonList string

var common = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonList, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			m[line] = true
		}
	}
	return m
})

// Check returns why pw is not acceptable for the account email, or "" when
// it is. The reason is phrased to follow the field name ("password …").
func Check(pw, email string) string {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinLength:
		return "must be at least 8 characters"
	case len(pw) > MaxLength:
		return "must be at most 256 bytes"
	}
	lower := strings.ToLower(pw)
	if e := strings.ToLower(strings.TrimSpace(email)); e != "" && lower == e {
		return "must not be your email address"
	}
	if common()[lower] {
		return "is one of the most common passwords: choose something less guessable"
	}
	return ""
}
