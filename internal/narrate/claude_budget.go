package narrate

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// SpendFunc returns the LLM spend, in US dollars, that the database records
// for the UTC day [from, to), summed over every replica's monitor runs.
type SpendFunc func(ctx context.Context, from, to time.Time) (float64, error)

// budget enforces the daily spend limit. Today's spend is what the database
// records (every replica's finished runs) plus what this process spent that
// the database cannot know yet (runs still in progress), plus the estimated
// cost of the calls in flight. Two readings are kept because neither alone is
// right: the latest database figure plus the spend since it was read misses
// this process's runs still in progress at the time of the reading; the
// first figure of the day plus everything spent since misses other replicas'
// later runs. Both undercount, never double count, so the larger is used.
type budget struct {
	limit   float64
	spend   SpendFunc // nil: this process's spend only
	now     func() time.Time
	refresh time.Duration
	log     *slog.Logger

	readMu sync.Mutex // one database reading at a time

	mu        sync.Mutex
	day       time.Time // UTC midnight of the day tracked
	read      bool      // the database was read today
	firstDB   float64   // the database figure at the first reading today
	lastDB    float64   // the latest database figure
	lastRead  time.Time
	localDay  float64 // spent by this process today
	sinceRead float64 // spent by this process since lastRead
	reserved  float64 // estimated cost of the calls in flight
}

func newBudget(limit float64, spend SpendFunc, now func() time.Time, refresh time.Duration, log *slog.Logger) *budget {
	return &budget{limit: limit, spend: spend, now: now, refresh: refresh, log: log}
}

// rollLocked starts a new UTC day when the clock has passed midnight.
func (b *budget) rollLocked(now time.Time) {
	day := now.UTC().Truncate(24 * time.Hour)
	if day.Equal(b.day) {
		return
	}
	b.day, b.read, b.firstDB, b.lastDB, b.lastRead, b.localDay, b.sinceRead = day, false, 0, 0, time.Time{}, 0, 0
}

// spentLocked is today's spend as far as this process can tell.
func (b *budget) spentLocked() float64 {
	return max(b.lastDB+b.sinceRead, b.firstDB+b.localDay)
}

// maybeRead refreshes the database figure when it is older than refresh.
// A failed reading keeps the last figures (and is logged): narration goes
// on, bounded by this process's own spend, rather than stopping on a
// database hiccup.
func (b *budget) maybeRead(ctx context.Context) {
	if b.spend == nil {
		return
	}
	b.readMu.Lock()
	defer b.readMu.Unlock()
	b.mu.Lock()
	now := b.now()
	b.rollLocked(now)
	if b.read && now.Sub(b.lastRead) < b.refresh {
		b.mu.Unlock()
		return
	}
	day, before, beforeLocal := b.day, b.sinceRead, b.localDay
	b.mu.Unlock()

	v, err := b.spend(ctx, day, day.Add(24*time.Hour))
	if err != nil {
		b.log.WarnContext(ctx, "LLM spend: reading today's spend from the database failed", "error", err)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.day.Equal(day) {
		return // midnight passed during the reading
	}
	if !b.read {
		// Spend this process made before the reading (when an earlier
		// reading failed) may already be in v; leaving it out of the
		// first figure keeps firstDB+localDay from counting it twice.
		b.firstDB, b.read = v-beforeLocal, true
	}
	b.lastDB, b.lastRead = v, now
	b.sinceRead -= before
}

// admit reserves the estimated cost of one call, or returns
// ErrBudgetExhausted when today's spend plus the calls in flight have
// reached the limit.
func (b *budget) admit(ctx context.Context, reserve float64) error {
	b.maybeRead(ctx)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rollLocked(b.now())
	if spent := b.spentLocked(); spent+b.reserved >= b.limit {
		return fmt.Errorf("%w: $%.4f spent today (UTC) and $%.4f in flight, limit $%.2f", ErrBudgetExhausted, spent, b.reserved, b.limit)
	}
	b.reserved += reserve
	return nil
}

// settle replaces a call's reservation by what it cost.
func (b *budget) settle(reserve, cost float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rollLocked(b.now())
	b.reserved -= reserve
	b.localDay += cost
	b.sinceRead += cost
}

// release drops the reservation of a call that got no answer.
func (b *budget) release(reserve float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reserved -= reserve
}

// spent returns today's spend as far as this process can tell.
func (b *budget) spent(ctx context.Context) float64 {
	b.maybeRead(ctx)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rollLocked(b.now())
	return b.spentLocked()
}
