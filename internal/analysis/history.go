package analysis

import "github.com/vectoros/vectoros/internal/domain"

// The change-log facts below read a deal's events oldest first, the order
// the store loads them in.

// closeDateSlips counts the close-date changes that moved the date later
// while the deal was open, and the days they added up to. Whether the deal
// was open is replayed from the created event's status, stage changes
// (through the stages' kinds) and reopenings; a change that clears or sets
// a missing date is not a slip.
func closeDateSlips(e *env, f *facts) (n, total int) {
	ds := f.ds
	changes := 0
	for i := range ds.Events {
		if ds.Events[i].Kind == domain.EventCloseDateChanged {
			changes++
		}
	}
	if changes < slipMin {
		return 0, 0 // cheap exit: most deals never reach the threshold
	}
	open := true
	for _, ev := range ds.Events {
		switch ev.Kind {
		case domain.EventCreated:
			if c := f.createdValues(); c.ok && c.status != "" {
				open = c.status == domain.DealOpen
			}
		case domain.EventStageChanged:
			if ev.NewValue != nil {
				if s, ok := e.stages[*ev.NewValue]; ok {
					open = s.Kind == domain.StageOpen
				}
			}
		case domain.EventReopened:
			open = true
		case domain.EventCloseDateChanged:
			if !open || ev.OldValue == nil || ev.NewValue == nil {
				continue
			}
			from, err1 := domain.ParseDate(*ev.OldValue)
			to, err2 := domain.ParseDate(*ev.NewValue)
			if err1 != nil || err2 != nil || !from.Before(to) {
				continue
			}
			n++
			total += to.DaysSince(from)
		}
	}
	return n, total
}

// valueAtStageEntry is the value after the last value change at or before
// the deal entered its current stage, else the created value. It is
// unknown when neither exists or the value was missing then.
func valueAtStageEntry(f *facts) (int64, bool) {
	entered := f.deal.StageEnteredAt
	var atEntry *int64
	var changed bool
	for _, ev := range f.ds.Events {
		if ev.Kind != domain.EventValueChanged || ev.At.After(entered) {
			continue
		}
		changed, atEntry = true, nil
		if ev.NewValue != nil {
			if v, ok := parseMinor(*ev.NewValue); ok {
				atEntry = &v
			}
		}
	}
	if !changed {
		atEntry = f.createdValues().value
	}
	if atEntry == nil {
		return 0, false
	}
	return *atEntry, true
}

// createdValues parses the deal's created event once per run; a deal
// without one yields the zero value.
func (f *facts) createdValues() created {
	if !f.createdRead {
		f.createdRead = true
		for _, ev := range f.ds.Events {
			if ev.Kind == domain.EventCreated {
				f.created = parseCreated(ev)
				break
			}
		}
	}
	return f.created
}
