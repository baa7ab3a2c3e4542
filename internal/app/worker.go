package app

import (
	"time"

	"github.com/spf13/cobra"
)

// newWorkerCmd runs the monitor alone: the periodic cycle and workspace
// runs, no HTTP (unless --metrics-addr serves /metrics for Prometheus). Run
// as many as you like on PostgreSQL; each workspace is worked once per cycle.
func newWorkerCmd(env Env) *cobra.Command {
	var metricsAddr string
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run the monitor only (the periodic cycle and workspace runs), without the web server",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			p, err := openMonitorProcess(ctx, env, 60*time.Second)
			if err != nil {
				return err
			}
			defer p.close()
			cfg, log, obs, s := p.cfg, p.log, p.obs, p.store
			obs.measure(s, env.Now)
			_, stop, err := startQueue(ctx, cfg, env, s, log, true, obs)
			if err != nil {
				return err
			}
			ready := ""
			if metricsAddr != "" {
				if ready, err = obs.serveMetrics(ctx, metricsAddr); err != nil {
					stop()
					return err
				}
			}
			if env.Ready != nil {
				env.Ready(ready) // the metrics address, or "" without one
			}
			<-ctx.Done()
			log.Info("shutting down: letting running workspace runs finish", "grace", monitorStopGrace)
			stop()
			return nil
		},
	}
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "",
		"serve GET /metrics (behind METRICS_TOKEN) and GET /health on this address, e.g. :9464 (the LLM call counters live in the process that makes the calls)")
	return cmd
}
