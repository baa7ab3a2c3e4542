package monitor

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/narrate"
	"github.com/vectoros/vectoros/internal/store"
)

// work is one workspace run (design §4): the workspace-wide inputs first,
// then, chunk by chunk of open deals, load, analyse, reconcile and persist
// in short transactions and narrate outside any transaction; last, the open
// insights of deals that are no longer open are resolved. A few chunks'
// snapshots, findings and insights are in memory at a time, never the
// whole workspace's; the next chunk loads while one is persisted
// (chunks.go). It returns the run's figures; a panic anywhere in it
// becomes a *PanicError.
func (m *Monitor) work(ctx context.Context, workspaceID string, progress func(deals int)) (fig domain.MonitorRun, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = m.panicked(workspaceID, v)
		}
	}()
	now := m.now().UTC()
	in, err := m.store.LoadRunInputs(ctx, workspaceID)
	if domain.IsKind(err, domain.KindNotFound) {
		return fig, errWorkspaceGone
	}
	if err != nil {
		return fig, fmt.Errorf("monitor: load: %w", err)
	}
	r := &runState{m: m, ws: workspaceID, in: in, now: now, fig: &fig, progress: progress}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the loader when a chunk fails
	for c := range m.loadChunks(ctx, r) {
		if c.err != nil {
			return fig, c.err
		}
		fig.DealsAnalysed += len(c.deals)
		if err := r.apply(ctx, c); err != nil {
			return fig, err
		}
	}
	if err := ctx.Err(); err != nil {
		return fig, fmt.Errorf("monitor: load: %w", err)
	}
	// Deals closed or deleted since their insights were raised were in no
	// chunk: their open insights resolve.
	withInsights, err := m.store.OpenInsightDealIDs(ctx, workspaceID)
	if err != nil {
		return fig, fmt.Errorf("monitor: reconcile: %w", err)
	}
	var gone []string
	for _, id := range withInsights {
		if _, open := slices.BinarySearch(in.OpenDealIDs, id); !open {
			gone = append(gone, id)
		}
	}
	for start := 0; start < len(gone); start += m.chunkDeals {
		open, err := m.store.OpenInsightStatesOfDeals(ctx, workspaceID, gone[start:min(start+m.chunkDeals, len(gone))])
		if err != nil {
			return fig, fmt.Errorf("monitor: reconcile: %w", err)
		}
		c := chunk{open: open}
		r.prepare(&c)
		if err := r.apply(ctx, c); err != nil {
			return fig, err
		}
	}
	return fig, nil
}

// panicked turns a recovered panic into a *PanicError, logged with its stack.
func (m *Monitor) panicked(workspaceID string, v any) error {
	p := &PanicError{Value: v, Stack: debug.Stack()}
	m.log.Error("panic in monitor run", "workspace_id", workspaceID, "panic", fmt.Sprint(v), "stack", string(p.Stack))
	return p
}

// runState is one workspace run as it goes from chunk to chunk.
type runState struct {
	m          *Monitor
	ws         string
	in         store.RunInputs
	now        time.Time
	fig        *domain.MonitorRun
	progress   func(deals int)
	reconciled bool // the "reconciled" hook was called
}

// prepare reconciles one chunk's findings with its deals' open insights
// and words what the plan writes. It does no IO, so the loader runs it
// while the previous chunk is persisted.
func (r *runState) prepare(c *chunk) {
	c.plan = reconcile(c.findings, c.open, r.now)
	c.wording = newWording(r.in.Snapshot(c.deals), r.now, r.m.template)
	c.plan.word(c.wording)
}

// apply persists a prepared chunk's plan and narrates what needs it.
func (r *runState) apply(ctx context.Context, c chunk) error {
	m := r.m
	if !r.reconciled {
		r.reconciled = true
		m.at("reconciled", r.ws)
	}
	w := c.wording
	reported := 0
	report := func(batch []string) {
		if r.progress == nil {
			return
		}
		n := 0
		for _, d := range batch {
			if _, ok := w.facts[d]; ok {
				n++
			}
		}
		reported += n
		r.progress(n)
	}
	after := make(map[string]stored, len(c.open))
	for _, st := range c.open {
		after[st.Fingerprint] = stored{status: st.Status, key: st.NarrationKey}
	}
	if err := m.persist(ctx, r.ws, c.plan, r.fig, after, report); err != nil {
		return err
	}
	if r.progress != nil && c.deals != nil {
		r.progress(len(c.deals) - reported) // deals that needed no change
	}
	if r.fig.BudgetExhausted {
		return nil // no more calls this run; the template text stays and a later run tries again
	}
	return m.narrate(ctx, r.ws, c.findings, after, w, r.fig)
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
func (m *Monitor) persist(ctx context.Context, workspaceID string, p plan, fig *domain.MonitorRun,
	after map[string]stored, done func(deals []string)) error {
	for _, deals := range p.batches(m.batchDeals) {
		var b store.ReconcileBatch
		var created, updated []*change
		for _, deal := range deals {
			for i := range p.changes[deal] {
				c := &p.changes[deal][i]
				switch {
				case c.create():
					b.Creates = append(b.Creates, *c.text)
					created = append(created, c)
				case c.resolve():
					b.Resolves = append(b.Resolves, store.InsightResolve{ID: c.state.ID, ExpectStatus: c.state.Status})
				default:
					u := store.InsightUpdate{ID: c.state.ID, ExpectStatus: c.state.Status, Status: c.status,
						SnoozedUntil: c.state.SnoozedUntil, MaxPriorityNotified: c.maxRank}
					if c.content {
						u.Content = c.text
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

// word sets the stored content of every change that writes one: creates
// and updates whose priority or evidence changed.
func (p plan) word(w *wording) {
	for _, deal := range p.deals {
		for i := range p.changes[deal] {
			c := &p.changes[deal][i]
			switch {
			case c.create():
				t := w.content(c.finding, "")
				c.text = &t
			case !c.resolve() && c.content:
				// The narration key is (fingerprint, priority, narrator): an
				// evidence change alone keeps it, so it is not narrated again.
				key := ""
				if c.finding.Priority == c.state.Priority {
					key = c.state.NarrationKey
				}
				t := w.content(c.finding, key)
				c.text = &t
			}
		}
	}
}

// content is the template's wording of a finding, stored under key (the
// template's own key when key is empty).
func (w *wording) content(f *domain.Finding, key string) store.InsightContent {
	t := w.template.Word(w.facts[f.DealID], *f)
	if key == "" {
		key = narrate.Key(f.Fingerprint(), f.Priority, narrate.TemplateName)
	}
	actions := withTitles(f.Actions, t.ActionTitles)
	return store.InsightContent{Finding: *f, Title: t.Title, Description: t.Description,
		Actions: actions, Narrator: narrate.TemplateName, NarrationKey: key,
		EvidenceJSON: domain.EvidenceJSON(f.Evidence), ActionsJSON: domain.ActionsJSON(actions)}
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
