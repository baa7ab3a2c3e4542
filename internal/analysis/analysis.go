// Package analysis holds the monitor's rules: pure functions from a
// workspace snapshot and the current time to findings. No IO, no clock.
//
// Design §4 ("Inputs", "Rules") is the specification. Every measure is in
// whole units: elapsed measures are floor(hours/24) days, date measures
// compare calendar dates in the workspace's time zone, money is compared in
// minor units and reported in major units of the workspace currency.
package analysis

import (
	"slices"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// Rule names: the insight's rule column and half of its fingerprint.
const (
	RuleStale               = "stale"
	RuleStuckInStage        = "stuck_in_stage"
	RuleProbabilityMismatch = "probability_mismatch"
	RuleHighValueAtRisk     = "high_value_at_risk"
	RuleCloseDateRisk       = "close_date_risk"
	RuleOverdue             = "overdue"
	RuleCloseDateSlipped    = "close_date_slipped"
	RuleValueDropped        = "value_dropped"
	RuleNoNextStep          = "no_next_step"
	RuleReadyToClose        = "ready_to_close"
)

// RuleNames lists every rule in the order a deal's findings are returned.
func RuleNames() []string {
	rs := rules()
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.name
	}
	return out
}

// Run analyses every open deal of the snapshot at instant now, judging
// calendar days in the workspace's time zone, and returns the findings
// ordered by deal id, then by rule in RuleNames order.
func Run(snap domain.WorkspaceSnapshot, now time.Time) []domain.Finding {
	return Prepare(snap.Workspace, snap.Stages, snap.WonHistories, OpenValues(snap.Deals)).Run(snap.Deals, now)
}

// Prepared holds the inputs of design §4 that depend on the whole
// workspace: its stages, the learned stage norms and the high-value
// threshold. A large workspace is analysed in chunks of deals against one
// Prepared, so no chunk needs the others in memory.
type Prepared struct {
	currency string
	loc      *time.Location
	stages   map[string]domain.Stage
	norms    map[string]stageNorm
	// highValueMin is max(10,000 major units, the 80th percentile of open
	// deal values), in minor units.
	highValueMin int64
}

// Prepare computes a workspace's run-wide inputs from its stages, its won
// deals' stage histories (created and stage_changed events by deal id)
// and the values, in minor units, of all its open deals that have one.
// openValues is sorted in place.
func Prepare(ws domain.Workspace, stages []domain.Stage, won map[string][]domain.DealEvent, openValues []int64) *Prepared {
	p := &Prepared{
		currency: ws.Currency,
		loc:      ws.Location(),
		stages:   make(map[string]domain.Stage, len(stages)),
	}
	for _, s := range stages {
		p.stages[s.Key] = s
	}
	p.norms = learnNorms(stages, won)
	p.highValueMin = highValueThreshold(openValues, ws.Currency)
	return p
}

// OpenValues returns the values of the open deals that have one, the
// population of the high-value threshold.
func OpenValues(deals []domain.DealSnapshot) []int64 {
	var values []int64
	for i := range deals {
		d := &deals[i].Deal
		if d.Status == domain.DealOpen && d.Value != nil {
			values = append(values, *d.Value)
		}
	}
	return values
}

// Run analyses the open deals among deals (all of the workspace's, or one
// chunk of them) at instant now and returns their findings ordered by deal
// id, then by rule in RuleNames order.
func (p *Prepared) Run(deals []domain.DealSnapshot, now time.Time) []domain.Finding {
	e := &env{Prepared: p, now: now, today: domain.DateOf(now.In(p.loc))}
	rs := rules()
	open := make([]*domain.DealSnapshot, 0, len(deals))
	for i := range deals {
		if deals[i].Deal.Status == domain.DealOpen { // won and lost deals are never analysed
			open = append(open, &deals[i])
		}
	}
	slices.SortStableFunc(open, func(a, b *domain.DealSnapshot) int { return strings.Compare(a.Deal.ID, b.Deal.ID) })
	// About three findings per deal in a real pipeline; growing the slice
	// from nil cost more than the rules themselves.
	out := make([]domain.Finding, 0, 3*len(open))
	for _, ds := range open {
		f := e.facts(ds)
		for _, r := range rs {
			res := r.eval(e, &f)
			if res == nil {
				continue
			}
			out = append(out, e.finding(r, &f, res))
		}
	}
	return out
}

// env is what a run knows: the workspace's inputs and the instant judged.
type env struct {
	*Prepared
	now   time.Time
	today domain.Date
}

// money converts minor units of the workspace currency to major units for
// evidence; thresholds are compared in minor units, never through floats.
func (e *env) money(minor int64) float64 { return domain.MajorUnits(minor, e.currency) }

// facts are the inputs of design §4 for one deal, measured once.
type facts struct {
	ds    *domain.DealSnapshot
	deal  *domain.Deal
	stage domain.Stage
	// hasStage is false when the deal's stage is not among the workspace's
	// stages; rules that need stage settings are skipped then.
	hasStage bool

	idleDays int
	// engaged is whether there ever was a completed email, call or meeting;
	// engagementDays counts whole days since the last one.
	engaged        bool
	engagementDays int
	daysInStage    int

	prob        int
	hasProb     bool
	probDefault bool // prob is the stage default

	closeDate   domain.Date
	hasClose    bool
	daysToClose int

	nextStep bool

	value     int64
	hasValue  bool
	highValue bool

	// The created event's values, parsed on first use.
	createdRead bool
	created     created
}

func (e *env) facts(ds *domain.DealSnapshot) facts {
	d := &ds.Deal
	f := facts{ds: ds, deal: d}
	f.stage, f.hasStage = e.stages[d.Stage]

	idleFrom := d.CreatedAt
	if ds.LastEngagementAt != nil {
		idleFrom = *ds.LastEngagementAt
		f.engaged = true
		f.engagementDays = wholeDays(e.now.Sub(idleFrom))
	}
	f.idleDays = wholeDays(e.now.Sub(idleFrom))
	f.daysInStage = wholeDays(e.now.Sub(d.StageEnteredAt))

	switch {
	case d.Probability != nil:
		f.prob, f.hasProb = *d.Probability, true
	case f.hasStage:
		f.prob, f.hasProb, f.probDefault = f.stage.DefaultProbability, true, true
	}
	if d.CloseDate != nil {
		f.closeDate, f.hasClose = *d.CloseDate, true
		f.daysToClose = d.CloseDate.DaysSince(e.today)
	}
	if ds.LatestOpenScheduledAt != nil {
		f.nextStep = !domain.DateOf(ds.LatestOpenScheduledAt.In(e.loc)).Before(e.today)
	}
	if d.Value != nil {
		f.value, f.hasValue = *d.Value, true
		f.highValue = f.value >= e.highValueMin
	}
	return f
}

// wholeDays is an elapsed measure: floor(hours/24), never negative (a
// timestamp in the future counts as now).
func wholeDays(d time.Duration) int {
	if d < 0 {
		return 0
	}
	return int(d / (24 * time.Hour))
}
