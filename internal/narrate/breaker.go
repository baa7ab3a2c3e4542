package narrate

import (
	"errors"
	"sync"
	"time"
)

// ErrCircuitOpen is returned (wrapped) when the circuit breaker is open: the
// endpoint failed repeatedly and no request was sent, so a cycle does not
// wait on a dead endpoint. Result.Calls is zero, so the monitor keeps the old
// narration key and a later cycle tries again.
var ErrCircuitOpen = errors.New("narrate: LLM endpoint circuit open after repeated failures")

// breaker is a consecutive-failure circuit breaker. Closed, it lets every
// call through; after threshold failures in a row it opens and refuses calls
// for cooldown; then it lets one probe through (half-open): success closes
// it, failure opens it again for another cooldown.
type breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	failures int
	openedAt time.Time // zero when closed
	probing  bool      // a half-open probe is in flight
}

func newBreaker(threshold int, cooldown time.Duration, now func() time.Time) *breaker {
	return &breaker{threshold: max(1, threshold), cooldown: cooldown, now: now}
}

// allow reports whether a call may go out now. A true answer while the
// breaker is half-open reserves the single probe; its outcome must be
// reported with success or failure.
func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openedAt.IsZero() {
		return true
	}
	if b.probing || b.now().Sub(b.openedAt) < b.cooldown {
		return false
	}
	b.probing = true
	return true
}

// success records an answer from the endpoint and closes the breaker.
func (b *breaker) success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures, b.openedAt, b.probing = 0, time.Time{}, false
}

// failure records a failed call; it reports whether the breaker is now open.
func (b *breaker) failure() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures++
	if b.probing || b.failures >= b.threshold {
		b.openedAt, b.probing = b.now(), false
		return true
	}
	return false
}

// release gives back a half-open probe whose call never reached the
// endpoint (the caller's context ended), so the next call may probe.
func (b *breaker) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
}

// state names the breaker's state for logs and tests.
func (b *breaker) state() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.openedAt.IsZero():
		return "closed"
	case b.probing || b.now().Sub(b.openedAt) >= b.cooldown:
		return "half-open"
	}
	return "open"
}
