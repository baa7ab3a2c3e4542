package monitor

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/store"
)

// work is one workspace run (design §4): load, analyse, reconcile and
// persist in short transactions, then narrate outside any transaction. It
// returns the run's figures; a panic anywhere in it becomes a *PanicError.
func (m *Monitor) work(ctx context.Context, workspaceID string, progress func(deals int)) (fig domain.MonitorRun, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
			m.log.Error("panic in monitor run", "workspace_id", workspaceID, "panic", fmt.Sprint(v), "stack", string(err.(*PanicError).Stack))
		}
	}()
	now := m.now().UTC()
	snap, err := m.store.LoadSnapshot(ctx, workspaceID)
	if domain.IsKind(err, domain.KindNotFound) {
		return fig, errWorkspaceGone
	}
	if err != nil {
		return fig, fmt.Errorf("monitor: load: %w", err)
	}
	fig.DealsAnalysed = len(snap.Deals)
	m.at("loaded", workspaceID)
	findings := m.analyze(snap, now)
	open, err := m.store.OpenInsightStates(ctx, workspaceID)
	if err != nil {
		return fig, fmt.Errorf("monitor: reconcile: %w", err)
	}
	p := reconcile(findings, open, now)
	w := newWording(snap, now, m.template)
	m.at("reconciled", workspaceID)
	reported := 0
	report := func(deals []string) {
		if progress == nil {
			return
		}
		n := 0
		for _, d := range deals {
			if _, ok := w.facts[d]; ok {
				n++
			}
		}
		reported += n
		progress(n)
	}
	after := make(map[string]stored, len(open))
	for _, st := range open {
		after[st.Fingerprint] = stored{status: st.Status, key: st.NarrationKey}
	}
	if err := m.persist(ctx, workspaceID, p, w, &fig, after, report); err != nil {
		return fig, err
	}
	if progress != nil {
		progress(len(snap.Deals) - reported) // deals that needed no change
	}
	if err := m.narrate(ctx, workspaceID, findings, after, w, &fig); err != nil {
		return fig, err
	}
	return fig, nil
}

func (m *Monitor) at(stage, workspaceID string) {
	if m.hook != nil {
		m.hook(stage, workspaceID)
	}
}

// stored is an open insight's status and narration key as the run left it.
type stored struct {
	status domain.InsightStatus
	key    string
}

// persist writes the plan, at most batchDeals deals per transaction, and
// records in after the status and key of every row it changed (a create
// that was skipped leaves no entry: the run does not know that row).
func (m *Monitor) persist(ctx context.Context, workspaceID string, p plan, w *wording, fig *domain.MonitorRun,
	after map[string]stored, done func(deals []string)) error {
	for _, deals := range p.batches(m.batchDeals) {
		var b store.ReconcileBatch
		var created, updated []*change
		for _, deal := range deals {
			for i := range p.changes[deal] {
				c := &p.changes[deal][i]
				switch {
				case c.create():
					b.Creates = append(b.Creates, w.content(c.finding, ""))
					created = append(created, c)
				case c.resolve():
					b.Resolves = append(b.Resolves, store.InsightResolve{ID: c.state.ID, ExpectStatus: c.state.Status})
				default:
					u := store.InsightUpdate{ID: c.state.ID, ExpectStatus: c.state.Status, Status: c.status,
						SnoozedUntil: c.state.SnoozedUntil, MaxPriorityNotified: c.maxRank}
					if c.content {
						// The narration key is (fingerprint, priority, narrator): an
						// evidence change alone keeps it, so it is not narrated again.
						key := ""
						if c.finding.Priority == c.state.Priority {
							key = c.state.NarrationKey
						}
						content := w.content(c.finding, key)
						u.Content = &content
					}
					b.Updates = append(b.Updates, u)
					updated = append(updated, c)
				}
			}
		}
		res, err := m.store.ApplyReconcile(ctx, workspaceID, b)
		if err != nil {
			return fmt.Errorf("monitor: persist: %w", err)
		}
		fig.InsightsCreated += res.Created
		fig.InsightsUpdated += res.Updated
		fig.InsightsResolved += res.Resolved
		for i, c := range created {
			fp := c.finding.Fingerprint()
			delete(after, fp)
			if res.CreateApplied[i] {
				after[fp] = stored{status: domain.StatusNew, key: b.Creates[i].NarrationKey}
				if c.finding.Priority == domain.PriorityCritical {
					fig.CriticalCount++
				}
			}
		}
		for i, c := range updated {
			fp := c.finding.Fingerprint()
			if !res.UpdateApplied[i] {
				delete(after, fp) // a user changed it meanwhile: leave it be this run
				continue
			}
			a := stored{status: c.status, key: c.state.NarrationKey}
			if u := b.Updates[i]; u.Content != nil {
				a.key = u.Content.NarrationKey
			}
			after[fp] = a
			if c.escalated && c.finding.Priority == domain.PriorityCritical {
				fig.CriticalCount++
			}
		}
		if skipped := res.Skipped(b); skipped > 0 {
			m.log.Debug("monitor: changes skipped: the insight changed during the run", "workspace_id", workspaceID, "skipped", skipped)
		}
		done(deals)
	}
	return nil
}

// wording turns findings into stored content with the template narrator,
// from the deal's own facts.
type wording struct {
	facts    map[string]narrate.Facts
	template narrate.Template
}

func newWording(snap domain.WorkspaceSnapshot, now time.Time, t narrate.Template) *wording {
	loc := snap.Workspace.Location()
	today := domain.DateOf(now.In(loc))
	names := map[string]string{}
	for _, st := range snap.Stages {
		names[st.Key] = st.Name
	}
	w := &wording{facts: make(map[string]narrate.Facts, len(snap.Deals)), template: t}
	for i := range snap.Deals {
		d := &snap.Deals[i].Deal
		f := narrate.Facts{DealID: d.ID, Title: d.Title, Company: d.Company, StageName: names[d.Stage],
			Currency: d.Currency, Value: d.Value, CloseDate: d.CloseDate, Today: today, TimeZone: loc}
		if f.StageName == "" {
			f.StageName = d.Stage
		}
		if d.Probability != nil {
			f.Probability = *d.Probability
		} else if st, ok := domain.StageByKey(snap.Stages, d.Stage); ok {
			f.Probability = st.DefaultProbability
		}
		w.facts[d.ID] = f
	}
	return w
}

// content is the template's wording of a finding, stored under key (the
// template's own key when key is empty).
func (w *wording) content(f *domain.Finding, key string) store.InsightContent {
	t := w.template.Word(w.facts[f.DealID], *f)
	if key == "" {
		key = narrate.Key(f.Fingerprint(), f.Priority, narrate.TemplateName)
	}
	return store.InsightContent{Finding: *f, Title: t.Title, Description: t.Description,
		Actions: withTitles(f.Actions, t.ActionTitles), Narrator: narrate.TemplateName, NarrationKey: key}
}

// withTitles returns the actions with worded titles, or as they are when
// the wording does not have one title per action.
func withTitles(actions []domain.Action, titles []string) []domain.Action {
	out := make([]domain.Action, len(actions))
	copy(out, actions)
	if len(titles) != len(actions) {
		return out
	}
	for i, t := range titles {
		if t != "" {
			out[i].Title = t
		}
	}
	return out
}
