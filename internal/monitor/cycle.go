package monitor

import (
	"context"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// CycleReport is what RunCycle did.
type CycleReport struct {
	Cycle domain.MonitorCycle
	Runs  []domain.MonitorRun // in workspace order, with their figures
}

// Failed counts the runs that failed.
func (r CycleReport) Failed() int {
	n := 0
	for _, run := range r.Runs {
		if run.Status == domain.RunFailed {
			n++
		}
	}
	return n
}

// RunCycle runs one cycle in this process, without the job queue (`vectoros
// cycle`): it records a cli cycle with a queued run per workspace, then
// executes them one after the other with the same workspace function the
// queue's workers use. workspaceIDs limits the cycle; nil means every
// workspace. progress, if set, is told how many deals each step finished.
// A failing workspace is recorded and the others still run; if ctx ends,
// the runs not done yet are recorded as failed.
func (m *Monitor) RunCycle(ctx context.Context, workspaceIDs []string, progress func(deals int)) (CycleReport, error) {
	var rep CycleReport
	if workspaceIDs == nil {
		ids, err := m.store.ListWorkspaceIDs(ctx)
		if err != nil {
			return rep, err
		}
		workspaceIDs = ids
	}
	var runs []domain.MonitorRun
	var sum *store.CycleSummary
	err := m.store.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		var err error
		if rep.Cycle, err = mt.CreateCycle(ctx, domain.TriggerCLI); err != nil {
			return err
		}
		for _, ws := range workspaceIDs {
			r, err := mt.CreateRun(ctx, store.NewRunID(), &rep.Cycle.ID, ws, domain.TriggerCLI)
			if err != nil {
				return err
			}
			runs = append(runs, r)
		}
		rep.Cycle.Expected = len(runs)
		if err := mt.SetCycleExpected(ctx, rep.Cycle.ID, len(runs)); err != nil {
			return err
		}
		sum, err = mt.CompleteCycleIfDone(ctx, rep.Cycle.ID)
		return err
	})
	if err != nil {
		return rep, err
	}
	announce(m.log, sum)
	for _, r := range runs {
		if ctx.Err() != nil {
			r.Status, r.Error = domain.RunFailed, "cancelled before it started: "+ctx.Err().Error()
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			s, ferr := m.store.FinishRun(fctx, r)
			cancel()
			if ferr != nil {
				return rep, ferr
			}
			announce(m.log, s)
			rep.Runs = append(rep.Runs, r)
			continue
		}
		done, _, err := m.Execute(ctx, r.ID, true, progress)
		if err != nil && done.Status != domain.RunFailed {
			return rep, err // the bookkeeping itself failed
		}
		rep.Runs = append(rep.Runs, done)
	}
	if c, err := m.store.GetCycle(context.WithoutCancel(ctx), rep.Cycle.ID); err == nil {
		rep.Cycle = c
	}
	return rep, nil
}
