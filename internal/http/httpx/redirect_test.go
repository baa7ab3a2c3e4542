package httpx

import "testing"

// The cases are the WHATWG URL parser's ways of turning what looks like a
// path into another host, plus the plain ones that must keep working.
func TestLocalPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" means the fallback
	}{
		{"/w/x", "/w/x"},
		{"/ok?x=1#frag", "/ok?x=1#frag"},
		{"/deals/%2F%2Fevil.test", "/deals/%2F%2Fevil.test"}, // encoded slashes stay a path
		{"/w/x y", "/w/x y"},
		{"/ünïcode", "/ünïcode"},
		{"", ""},
		{"w/x", ""},
		{"//evil.test", ""},
		{"///evil.test", ""},
		{"https://evil.test", ""},
		{"javascript:alert(1)", ""},
		{"/\\evil.test", ""},
		{"\\\\evil.test", ""},
		{"/x\\..\\..\\evil", ""},
		{"/\t/evil.test", ""},     // tab removed by the browser: //evil.test
		{"/\n/evil.test", ""},     // LF removed
		{"/\r/evil.test", ""},     // CR removed
		{"/\f/evil.test", ""},     // form feed: a C0 control
		{"/\x00/evil.test", ""},   // NUL
		{"/\x7f/evil.test", ""},   // DEL
		{"/\u0085/evil.test", ""}, // C1 control (NEL)
		{" //evil.test", ""},      // leading space stripped by the browser
		{"\t//evil.test", ""},
		{"/a\r\nLocation: x", ""},
		{"/%09/evil.test", "/%09/evil.test"}, // still encoded: the browser keeps it in the path
	}
	for _, tt := range tests {
		want := tt.want
		if want == "" {
			want = "/fallback"
		}
		if got := LocalPath(tt.in, "/fallback"); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", tt.in, got, want)
		}
	}
}
