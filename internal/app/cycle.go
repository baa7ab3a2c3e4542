package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/store"
)

// newCycleCmd runs one monitoring cycle in this process, without the job
// queue: the same workspace run the workers do, one workspace after the
// other, with a progress bar over the open deals and a summary table.
func newCycleCmd(env Env) *cobra.Command {
	var workspaces []string
	cmd := &cobra.Command{
		Use:   "cycle",
		Short: "Run one monitoring cycle now, in this process, and print what it found",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			p, err := openMonitorProcess(ctx, env, 10*time.Second)
			if err != nil {
				return err
			}
			defer p.close()
			cfg, log, obs, s := p.cfg, p.log, p.obs, p.store
			m, err := newMonitor(cfg, env, s, log, obs)
			if err != nil {
				return err
			}
			return runCycle(ctx, env, s, m, workspaces)
		},
	}
	cmd.Flags().StringSliceVar(&workspaces, "workspace", nil, "limit the cycle to these workspace ids (repeat or comma-separate)")
	return cmd
}

func runCycle(ctx context.Context, env Env, s *store.Store, m *monitor.Monitor, only []string) error {
	names := map[string]string{}
	for _, id := range only {
		w, err := s.GetWorkspace(ctx, id)
		if err != nil {
			return fmt.Errorf("--workspace %s: %w", id, err)
		}
		names[id] = w.Name
	}
	counts, err := s.OpenDealCounts(ctx)
	if err != nil {
		return err
	}
	total := 0
	if only != nil {
		for _, id := range only {
			total += counts[id]
		}
	} else {
		for _, n := range counts {
			total += n
		}
	}
	bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription("analysing open deals"),
		progressbar.OptionShowCount(), progressbar.OptionSetElapsedTime(true), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true), progressbar.OptionOnCompletion(func() { fmt.Fprintln(env.Stderr) }))
	rep, err := m.RunCycle(ctx, only, func(n int) { _ = bar.Add(n) })
	_ = bar.Finish()
	if err != nil {
		return err
	}
	for _, r := range rep.Runs {
		if _, ok := names[r.WorkspaceID]; !ok {
			if w, err := s.GetWorkspace(context.WithoutCancel(ctx), r.WorkspaceID); err == nil {
				names[r.WorkspaceID] = w.Name
			}
		}
	}
	printCycle(env.Stdout, rep, names)
	if n := rep.Failed(); n > 0 {
		return fmt.Errorf("%d of %d workspace runs failed (see the table above and the log)", n, len(rep.Runs))
	}
	return nil
}

// printCycle writes the cycle's summary table, a row per workspace and a total.
func printCycle(w io.Writer, rep monitor.CycleReport, names map[string]string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKSPACE\tSTATUS\tDEALS\tCREATED\tUPDATED\tRESOLVED\tCRITICAL\tLLM CALLS\tLLM COST\tTIME\t")
	var sum domain.MonitorRun
	var took time.Duration
	for _, r := range rep.Runs {
		name := names[r.WorkspaceID]
		if name == "" {
			name = r.WorkspaceID
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t$%.4f\t%s\t\n", clip(name, 32), r.Status, r.DealsAnalysed,
			r.InsightsCreated, r.InsightsUpdated, r.InsightsResolved, r.CriticalCount, r.LLMCalls, r.CostUSD, r.Duration().Round(time.Millisecond))
		sum.DealsAnalysed += r.DealsAnalysed
		sum.InsightsCreated += r.InsightsCreated
		sum.InsightsUpdated += r.InsightsUpdated
		sum.InsightsResolved += r.InsightsResolved
		sum.CriticalCount += r.CriticalCount
		sum.LLMCalls += r.LLMCalls
		sum.CostUSD += r.CostUSD
		took += r.Duration()
	}
	fmt.Fprintf(tw, "TOTAL (%d)\t%d failed\t%d\t%d\t%d\t%d\t%d\t%d\t$%.4f\t%s\t\n", len(rep.Runs), rep.Failed(), sum.DealsAnalysed,
		sum.InsightsCreated, sum.InsightsUpdated, sum.InsightsResolved, sum.CriticalCount, sum.LLMCalls, sum.CostUSD, took.Round(time.Millisecond))
	_ = tw.Flush()
	for _, r := range rep.Runs {
		if r.Error != "" {
			fmt.Fprintf(w, "%s: %s: %s\n", names[r.WorkspaceID], r.Status, r.Error)
		}
		if r.BudgetExhausted {
			fmt.Fprintf(w, "%s: the daily LLM budget ran out; the rest keep the template text\n", names[r.WorkspaceID])
		}
	}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
