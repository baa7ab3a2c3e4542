package narrate

import (
	"testing"
	"time"
)

func TestBreaker(t *testing.T) {
	clock := newClaudeClock()
	b := newBreaker(3, time.Minute, clock.Now)
	steps := []struct {
		do    string // allow | fail | ok | wait
		want  bool   // for allow
		state string
	}{
		{"fail", false, "closed"},
		{"fail", false, "closed"},
		{"ok", false, "closed"}, // a success resets the count
		{"fail", false, "closed"},
		{"fail", false, "closed"},
		{"fail", false, "open"},
		{"allow", false, "open"},
		{"wait", false, "half-open"},
		{"allow", true, "half-open"}, // the one probe
		{"allow", false, "half-open"},
		{"fail", false, "open"}, // the probe failed: open again
		{"allow", false, "open"},
		{"wait", false, "half-open"},
		{"allow", true, "half-open"},
		{"ok", false, "closed"},
		{"allow", true, "closed"},
		{"allow", true, "closed"},
	}
	for i, s := range steps {
		switch s.do {
		case "allow":
			if got := b.allow(); got != s.want {
				t.Fatalf("step %d: allow = %v, want %v", i, got, s.want)
			}
		case "fail":
			b.failure()
		case "ok":
			b.success()
		case "wait":
			clock.Advance(time.Minute)
		}
		if got := b.state(); got != s.state {
			t.Fatalf("step %d (%s): state %s, want %s", i, s.do, got, s.state)
		}
	}
}

func TestBreakerReleaseFreesTheProbe(t *testing.T) {
	clock := newClaudeClock()
	b := newBreaker(1, time.Minute, clock.Now)
	b.failure()
	clock.Advance(time.Minute)
	if !b.allow() || b.allow() {
		t.Fatal("want exactly one probe")
	}
	b.release() // the probe's caller went away before an answer
	if !b.allow() {
		t.Fatal("a released probe must let the next call probe")
	}
}
