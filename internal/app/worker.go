package app

import (
	"time"

	"github.com/spf13/cobra"
)

// newWorkerCmd runs the monitor alone: the periodic cycle and workspace
// runs, no HTTP. Run as many as you like on PostgreSQL; each workspace is
// worked once per cycle.
func newWorkerCmd(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run the monitor only (the periodic cycle and workspace runs), without the web server",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, log, err := loadConfig(env)
			if err != nil {
				return err
			}
			s, err := openStore(ctx, cfg, env, log, 60*time.Second)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := checkSchemaForMonitor(ctx, s, log); err != nil {
				return err
			}
			_, stop, err := startQueue(ctx, cfg, env, s, log, true)
			if err != nil {
				return err
			}
			if env.Ready != nil {
				env.Ready("")
			}
			<-ctx.Done()
			log.Info("shutting down: letting running workspace runs finish", "grace", monitorStopGrace)
			stop()
			return nil
		},
	}
}
