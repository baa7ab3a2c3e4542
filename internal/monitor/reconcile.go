package monitor

import (
	"slices"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// Reconcile (design §4) decides, without IO, what a run changes: findings
// against the open insights read at the start of the run.
//
//   - A finding without an open insight of its fingerprint creates one.
//   - A finding with one updates it only when priority or evidence changed;
//     a user's status is kept, except that a priority above
//     max_priority_notified sets it back to new (also from dismissed or
//     snoozed) and raises max_priority_notified.
//   - A snoozed insight whose snoozed_until has passed returns to new.
//   - An open insight without a finding (the rule stopped firing, the deal
//     closed or was deleted) is resolved, from any status.
//
// Every change carries the status it was decided on; the store applies it
// only if the row still has that status.

// change is what the run does to one fingerprint.
type change struct {
	finding *domain.Finding      // nil for a resolve
	state   *store.InsightState  // nil for a create
	status  domain.InsightStatus // the status after the change
	maxRank int
	content bool // priority or evidence changed: rewrite the content
	// escalated: the priority rose above what the user was told; the
	// insight is new again and worth narrating.
	escalated bool
	// text is the content written by a create, or by an update whose
	// content changed (plan.word).
	text *store.InsightContent
}

func (c change) create() bool  { return c.state == nil }
func (c change) resolve() bool { return c.finding == nil }

// plan is a run's changes grouped by deal, deals in a stable order.
type plan struct {
	deals   []string
	changes map[string][]change
}

func (p plan) empty() bool { return len(p.deals) == 0 }

func reconcile(findings []domain.Finding, open []store.InsightState, now time.Time) plan {
	p := plan{changes: map[string][]change{}}
	add := func(deal string, c change) {
		if _, ok := p.changes[deal]; !ok {
			p.deals = append(p.deals, deal)
		}
		p.changes[deal] = append(p.changes[deal], c)
	}
	byFP := make(map[string]*store.InsightState, len(open))
	for i := range open {
		byFP[open[i].Fingerprint] = &open[i]
	}
	seen := make(map[string]bool, len(findings))
	for i := range findings {
		f := &findings[i]
		fp := f.Fingerprint()
		if seen[fp] {
			continue // one finding per rule and deal; a second would be a rule bug
		}
		seen[fp] = true
		st, ok := byFP[fp]
		if !ok {
			add(f.DealID, change{finding: f, status: domain.StatusNew, maxRank: f.Priority.Rank(), content: true})
			continue
		}
		c := change{finding: f, state: st, status: st.Status, maxRank: st.MaxPriorityNotified}
		if rank := f.Priority.Rank(); rank > st.MaxPriorityNotified {
			c.status, c.maxRank, c.escalated = domain.StatusNew, rank, true
		} else if snoozeOver(st, now) {
			c.status = domain.StatusNew
		}
		c.content = c.escalated || f.Priority != st.Priority || domain.EvidenceJSON(f.Evidence) != st.EvidenceJSON
		if c.content || c.status != st.Status || c.maxRank != st.MaxPriorityNotified {
			add(f.DealID, c)
		}
	}
	for i := range open {
		st := &open[i]
		if !seen[st.Fingerprint] {
			add(st.DealID, change{state: st, status: domain.StatusResolved})
		}
	}
	slices.Sort(p.deals)
	return p
}

func snoozeOver(st *store.InsightState, now time.Time) bool {
	return st.Status == domain.StatusSnoozed && st.SnoozedUntil != nil && !st.SnoozedUntil.After(now)
}

// batches splits the plan's deals into groups of at most n.
func (p plan) batches(n int) [][]string {
	var out [][]string
	for i := 0; i < len(p.deals); i += n {
		out = append(out, p.deals[i:min(i+n, len(p.deals))])
	}
	return out
}
