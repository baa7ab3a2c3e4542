package monitor

import (
	"context"
	"fmt"
	"time"

	"github.com/vectoros/vectoros/internal/analysis"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// chunk is one chunk of a workspace's open deals, loaded and analysed, with
// the open insights of its deals, reconciled and worded, ready to persist.
type chunk struct {
	deals    []domain.DealSnapshot
	findings []domain.Finding
	open     []store.InsightState
	plan     plan
	wording  *wording
	err      error // the last chunk sent when loading failed
}

// loadChunks loads, analyses, reads the open insights of and reconciles
// the run's open deals, chunkDeals at a time in id order, in a goroutine of
// its own: the next chunk loads (reads, and CPU for the rules and wording)
// while the caller persists the previous one (writes). The channel is
// unbuffered, so the loader is at most one chunk ahead and a run holds two
// chunks at most (with 5,000-deal chunks and a buffer of one, a first cycle
// over 100,000 deals peaked at 396 MB; with 1,000 and none, 175 MB). A
// workspace without open deals still yields one empty chunk, so its
// analyser runs. The channel closes after the last chunk, after a chunk
// with an error, or when ctx ends.
func (m *Monitor) loadChunks(ctx context.Context, r *runState) <-chan chunk {
	out := make(chan chunk)
	analyze := m.analyzer(r.in, r.now)
	ids := r.in.OpenDealIDs
	go func() {
		defer close(out)
		send := func(c chunk) bool {
			select {
			case out <- c:
				return c.err == nil
			case <-ctx.Done():
				return false
			}
		}
		defer func() {
			if v := recover(); v != nil {
				send(chunk{err: m.panicked(r.ws, v)})
			}
		}()
		loaded := false
		for start := 0; start < len(ids) || start == 0; start += m.chunkDeals {
			part := ids[start:min(start+m.chunkDeals, len(ids))]
			deals, err := m.store.LoadDealChunk(ctx, r.ws, part)
			if err != nil {
				send(chunk{err: fmt.Errorf("monitor: load: %w", err)})
				return
			}
			if !loaded {
				loaded = true
				m.at("loaded", r.ws)
			}
			c := chunk{deals: deals, findings: analyze(deals)}
			if c.open, err = m.store.OpenInsightStatesOfDeals(ctx, r.ws, part); err != nil {
				c.err = fmt.Errorf("monitor: reconcile: %w", err)
			} else {
				r.prepare(&c)
			}
			if !send(c) {
				return
			}
		}
	}()
	return out
}

// analyzer is the rule engine for one run: Options.Analyze on each chunk's
// snapshot, or the analysis rules with the whole workspace's high-value
// threshold and stage norms, computed once.
func (m *Monitor) analyzer(in store.RunInputs, now time.Time) func([]domain.DealSnapshot) []domain.Finding {
	if m.analyze != nil {
		return func(deals []domain.DealSnapshot) []domain.Finding { return m.analyze(in.Snapshot(deals), now) }
	}
	prep := analysis.Prepare(in.Workspace, in.Stages, in.WonHistories, in.OpenValues)
	return func(deals []domain.DealSnapshot) []domain.Finding { return prep.Run(deals, now) }
}
