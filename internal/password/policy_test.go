package password

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		pw, email, want string
	}{
		{"correct horse battery", "jane@example.com", ""},
		{"short", "jane@example.com", "at least 8"},
		{"ééééééé", "jane@example.com", "at least 8"}, // 7 runes, 14 bytes
		{"Jane@Example.com", "jane@example.com", "email"},
		{"password123", "jane@example.com", "common"},
		{"Password123", "jane@example.com", "common"},
		{"qwertyuiop", "jane@example.com", "common"},
		{strings.Repeat("x", 257), "jane@example.com", "at most"},
	}
	for _, tt := range tests {
		got := Check(tt.pw, tt.email)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("Check(%q): %q, want %q", tt.pw, got, tt.want)
		}
	}
	if n := len(common()); n < 300 {
		t.Errorf("common list has %d entries, want a few hundred", n)
	}
}
