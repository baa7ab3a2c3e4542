package analysis

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// learnMinDeals is how many won deals must have passed through a stage
// before their history replaces the configured stuck_days.
const learnMinDeals = 20

// stageNorm is how long a deal may sit in a stage before it is stuck.
type stageNorm struct {
	days      int
	learned   bool
	wonDeals  int // won deals with history through the stage
	stuckDays int // the stage's configured stuck_days
}

// learnNorms computes each open stage's norm: stuck_days, or, once at least
// 20 won deals have history through the stage, the 75th percentile of their
// total whole days in it, clamped to ½×–2× stuck_days. Stages without
// stuck_days have no norm.
func learnNorms(stages []domain.Stage, won map[string][]domain.DealEvent) map[string]stageNorm {
	samples := map[string][]int{}
	ids := make([]string, 0, len(won))
	for id := range won {
		ids = append(ids, id)
	}
	slices.Sort(ids) // map order must not leak into anything
	for _, id := range ids {
		for stage, d := range timeInStages(won[id]) {
			samples[stage] = append(samples[stage], wholeDays(d))
		}
	}
	norms := map[string]stageNorm{}
	for _, s := range stages {
		if s.Kind != domain.StageOpen || s.StuckDays == nil || *s.StuckDays <= 0 {
			continue
		}
		stuck := *s.StuckDays
		n := stageNorm{days: stuck, stuckDays: stuck, wonDeals: len(samples[s.Key])}
		if xs := samples[s.Key]; len(xs) >= learnMinDeals {
			slices.Sort(xs)
			// The lower clamp rounds up so the norm never falls below ½×.
			n.days = min(max(nearestRank(xs, 75), (stuck+1)/2), 2*stuck)
			n.learned = true
		}
		norms[s.Key] = n
	}
	return norms
}

// timeInStages sums, per stage, the time a deal spent in it over every
// visit that both started and ended in its history. A visit whose start is
// unknown (no created event) or that has not ended is not counted.
func timeInStages(events []domain.DealEvent) map[string]time.Duration {
	events = slices.Clone(events)
	slices.SortStableFunc(events, func(a, b domain.DealEvent) int { return a.At.Compare(b.At) })
	out := map[string]time.Duration{}
	var cur string
	var since time.Time
	for _, e := range events {
		switch e.Kind {
		case domain.EventCreated:
			c := parseCreated(e)
			cur, since = c.stage, e.At
			if c.stageEnteredAt != nil {
				since = *c.stageEnteredAt
			}
		case domain.EventStageChanged:
			if cur != "" {
				out[cur] += max(0, e.At.Sub(since))
			}
			cur, since = "", time.Time{}
			if e.NewValue != nil {
				cur, since = *e.NewValue, e.At
			}
		}
	}
	return out
}

// created is what the rules read from a created event's initial values.
type created struct {
	ok             bool
	stage          string
	status         domain.DealStatus
	value          *int64
	stageEnteredAt *time.Time
}

// parseCreated reads a created event's JSON object. Values are strings in
// the store's format; a bare number is accepted too. Garbage yields what
// could be read, never a panic.
func parseCreated(e domain.DealEvent) created {
	var c created
	if e.NewValue == nil {
		return c
	}
	raw, ok := scanCreated(*e.NewValue)
	if !ok {
		if raw, ok = decodeCreated(*e.NewValue); !ok {
			return c
		}
	}
	c.ok, c.stage, c.status = true, raw.stage, domain.DealStatus(raw.status)
	if v, ok := parseMinor(raw.value); ok {
		c.value = &v
	}
	if raw.stageEnteredAt != "" {
		if t, err := time.Parse(time.RFC3339Nano, raw.stageEnteredAt); err == nil {
			c.stageEnteredAt = &t
		}
	}
	return c
}

// decodeCreated reads a created event's JSON with encoding/json, for what
// scanCreated declines.
func decodeCreated(s string) (createdRaw, bool) {
	var raw struct {
		Stage  string `json:"stage"`
		Status string `json:"status"`
		// The store writes minor units as a string; json.Number takes
		// a string or a bare number.
		Value          json.Number `json:"value"`
		StageEnteredAt string      `json:"stage_entered_at"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return createdRaw{}, false
	}
	return createdRaw{stage: raw.Stage, status: raw.Status, value: raw.Value.String(), stageEnteredAt: raw.StageEnteredAt}, true
}

func parseMinor(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}
