package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

const day = 24 * time.Hour

type generator struct {
	rng           *rand.Rand
	now           time.Time
	team          []string
	stages        []domain.Stage
	activityScale float64
}

func (g *generator) pipeline(open, won, lost int) []store.ImportedDeal {
	var out []store.ImportedDeal
	openStages := []string{"lead", "qualified", "proposal", "negotiation"}
	weights := []float64{0.32, 0.28, 0.22, 0.18}
	for i := range open {
		out = append(out, g.deal(i, g.pick(openStages, weights), ""))
	}
	for i := range won {
		out = append(out, g.deal(open+i, "negotiation", "won"))
	}
	for i := range lost {
		last := g.pick(openStages, []float64{0.3, 0.3, 0.25, 0.15})
		out = append(out, g.deal(open+won+i, last, "lost"))
	}
	return out
}

func (g *generator) pick(items []string, weights []float64) string {
	r := g.rng.Float64()
	for i, w := range weights {
		if r < w {
			return items[i]
		}
		r -= w
	}
	return items[len(items)-1]
}

func (g *generator) between(lo, hi float64) float64 { return lo + g.rng.Float64()*(hi-lo) }

func (g *generator) ago(days float64) time.Time {
	return g.now.Add(-time.Duration(days * float64(day))).Truncate(time.Second)
}

// deal builds one deal whose history walks the stages up to lastOpen and,
// for closed deals, ends won or lost.
func (g *generator) deal(n int, lastOpen, outcome string) store.ImportedDeal {
	company := companies[g.rng.IntN(len(companies))]
	owner := g.team[g.rng.IntN(len(g.team))]
	value := int64(math.Round(math.Exp(g.rng.NormFloat64()*0.9+math.Log(24000))/100)) * 100 * 100 // minor units
	contact := contacts[g.rng.IntN(len(contacts))]
	d := domain.Deal{
		Title:        fmt.Sprintf("%s — %s", company, products[g.rng.IntN(len(products))]),
		Value:        &value,
		ContactName:  contact,
		ContactEmail: strings.ToLower(strings.ReplaceAll(contact, " ", ".")) + "@" + domainOf(company),
		Company:      company,
		OwnerID:      &owner,
		Source:       sources[g.rng.IntN(len(sources))],
		ExternalID:   "NW-" + strconv.Itoa(10000+n),
	}
	var age float64
	if outcome == "" {
		age = g.between(6, 200)
	} else {
		age = g.between(60, 330)
	}
	d.CreatedAt = g.ago(age)
	path := stagePath(lastOpen)
	if outcome != "" {
		path = append(path, outcome)
	}
	// Spread the stage entries over the deal's life; a closed deal closed
	// some weeks before now.
	end := g.now
	if outcome != "" {
		end = g.ago(g.between(1, age*0.4))
	}
	span := end.Sub(d.CreatedAt)
	cuts := make([]float64, len(path))
	for i := range cuts {
		cuts[i] = g.between(0.5, 1.5)
	}
	if outcome == "" {
		cuts[len(cuts)-1] *= 1.2 // time in the current stage, still running
	}
	var total float64
	for _, c := range cuts {
		total += c
	}
	entered := d.CreatedAt
	var events []domain.DealEvent
	actor := domain.Actor{Kind: domain.ActorUser, ID: owner}
	acc := 0.0
	for i, st := range path {
		if i > 0 {
			acc += cuts[i-1]
			entered = d.CreatedAt.Add(time.Duration(float64(span) * acc / total)).Truncate(time.Second)
			prev := path[i-1]
			events = append(events, domain.DealEvent{Kind: domain.EventStageChanged, OldValue: ptr(prev), NewValue: ptr(st), Actor: actor, At: entered})
			if st == "won" || st == "lost" {
				events = append(events, domain.DealEvent{Kind: st, Actor: actor, At: entered})
			}
		}
	}
	d.Stage = path[len(path)-1]
	d.StageEnteredAt = entered
	stage, _ := domain.StageByKey(g.stages, d.Stage)
	prob := stage.DefaultProbability
	if outcome == "" && g.rng.Float64() < 0.12 {
		// A rep's gut feeling out of line with the stage.
		prob = []int{15, 20, 30, 90}[g.rng.IntN(4)]
	}
	d.Probability = &prob
	if outcome != "" {
		d.ClosedAt = &entered
	}
	g.closeDate(&d, &events, actor, outcome)
	if outcome == "" && g.rng.Float64() < 0.1 {
		// The buyer negotiated the price down after the stage began.
		old := *d.Value
		cut := int64(float64(old)*g.between(0.45, 0.85)/10000) * 10000
		d.Value = &cut
		at := d.StageEnteredAt.Add(time.Duration(float64(g.now.Sub(d.StageEnteredAt)) * g.between(0.2, 0.8))).Truncate(time.Second)
		events = append(events, domain.DealEvent{Kind: domain.EventValueChanged, OldValue: ptr(strconv.FormatInt(old, 10)),
			NewValue: ptr(strconv.FormatInt(cut, 10)), Actor: actor, At: at})
	}
	// The created event holds the deal as first entered, so its history
	// reads from the first stage and the original value and close date.
	initial := d
	initial.Stage, initial.Status, initial.StageEnteredAt, initial.ClosedAt = path[0], domain.DealOpen, d.CreatedAt, nil
	initial.Probability = g.defaultProbability(path[0])
	for _, e := range events {
		switch e.Kind {
		case domain.EventValueChanged:
			if v, err := strconv.ParseInt(*e.OldValue, 10, 64); err == nil && initial.Value == d.Value {
				initial.Value = &v
			}
		case domain.EventCloseDateChanged:
			if cd, err := domain.ParseDate(*e.OldValue); err == nil && initial.CloseDate == d.CloseDate {
				initial.CloseDate = &cd
			}
		}
	}
	events = append([]domain.DealEvent{{Kind: domain.EventCreated, NewValue: ptr(store.CreatedEventValue(initial)), Actor: actor, At: d.CreatedAt}}, events...)
	d.UpdatedAt = d.StageEnteredAt
	for _, e := range events {
		if e.At.After(d.UpdatedAt) {
			d.UpdatedAt = e.At
		}
	}
	return store.ImportedDeal{Deal: d, Events: events, Activities: g.activities(d, actor, outcome)}
}

// closeDate sets an expected close date; some open deals are overdue and
// some have slipped (moved later) once or more.
func (g *generator) closeDate(d *domain.Deal, events *[]domain.DealEvent, actor domain.Actor, outcome string) {
	loc, _ := time.LoadLocation("America/New_York")
	if outcome != "" {
		cd := domain.DateOf(d.ClosedAt.In(loc))
		d.CloseDate = &cd
		return
	}
	if g.rng.Float64() < 0.06 {
		return // no close date yet
	}
	target := g.now.Add(time.Duration(g.between(-25, 90) * float64(day)))
	cd := domain.DateOf(target.In(loc))
	if slips := g.rng.IntN(10); slips >= 7 {
		n := slips - 6 // 1 to 3 slips
		orig := cd.AddDays(-14 * n)
		prev := orig
		for i := 1; i <= n; i++ {
			next := orig.AddDays(14 * i)
			at := d.CreatedAt.Add(time.Duration(float64(g.now.Sub(d.CreatedAt)) * float64(i) / float64(n+1))).Truncate(time.Second)
			*events = append(*events, domain.DealEvent{Kind: domain.EventCloseDateChanged, OldValue: ptr(prev.String()), NewValue: ptr(next.String()), Actor: actor, At: at})
			prev = next
		}
	}
	d.CloseDate = &cd
}

// activities writes a touch history: most deals engaged recently, some
// neglected for weeks, about half with a next step planned.
func (g *generator) activities(d domain.Deal, actor domain.Actor, outcome string) []domain.Activity {
	end := g.now
	if d.ClosedAt != nil {
		end = *d.ClosedAt
	}
	lastTouch := end
	if outcome == "" {
		switch r := g.rng.Float64(); {
		case r < 0.65:
			lastTouch = end.Add(-time.Duration(g.between(0, 6) * float64(day)))
		case r < 0.82:
			lastTouch = end.Add(-time.Duration(g.between(7, 20) * float64(day)))
		default: // neglected
			lastTouch = end.Add(-time.Duration(g.between(21, 75) * float64(day)))
		}
	}
	if lastTouch.Before(d.CreatedAt) {
		lastTouch = d.CreatedAt.Add(time.Hour)
	}
	var out []domain.Activity
	n := int(math.Round(float64(1+g.rng.IntN(6)) * g.activityScale))
	for i := 0; i < n; i++ {
		at := d.CreatedAt.Add(time.Duration(float64(lastTouch.Sub(d.CreatedAt)) * float64(i+1) / float64(n))).Truncate(time.Second)
		typ := []domain.ActivityType{domain.ActivityEmail, domain.ActivityCall, domain.ActivityMeeting, domain.ActivityEmail, domain.ActivityNote}[g.rng.IntN(5)]
		out = append(out, domain.Activity{Type: typ, Subject: subjects[typ][g.rng.IntN(len(subjects[typ]))],
			CompletedAt: &at, CreatedBy: actor, CreatedAt: at})
	}
	if outcome == "" && g.rng.Float64() < 0.55 {
		next := g.now.Add(time.Duration(g.between(1, 14) * float64(day))).Truncate(time.Hour)
		typ := []domain.ActivityType{domain.ActivityMeeting, domain.ActivityCall, domain.ActivityTask}[g.rng.IntN(3)]
		out = append(out, domain.Activity{Type: typ, Subject: nextSteps[g.rng.IntN(len(nextSteps))], ScheduledAt: &next,
			CreatedBy: actor, CreatedAt: lastTouch})
	}
	return out
}

func (g *generator) defaultProbability(stage string) *int {
	st, _ := domain.StageByKey(g.stages, stage)
	return &st.DefaultProbability
}

func stagePath(last string) []string {
	all := []string{"lead", "qualified", "proposal", "negotiation"}
	for i, s := range all {
		if s == last {
			return append([]string(nil), all[:i+1]...)
		}
	}
	return all[:1]
}

func domainOf(company string) string {
	f := strings.Fields(strings.ToLower(company))
	return strings.Trim(f[0], ",.&") + ".example"
}

func ptr[T any](v T) *T { return &v }
