package app

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newMigrateCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations (VectorOS's, then the job queue's)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, log, s, err := openMigrated(cmd.Context(), env)
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := s.CheckSchema(cmd.Context(), log.Warn)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "migrated %s database: schema version %d, job queue version %d\n",
				s.Dialect(), st.Current, st.RiverCurrent)
			return nil
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Show applied and required schema versions",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := loadConfig(env)
			if err != nil {
				return err
			}
			s, err := openStore(cmd.Context(), cfg, env, log, 5*time.Second)
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := s.Status(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "database:   %s\n", s.Dialect())
			fmt.Fprintf(out, "vectoros:   applied %d, required %d\n", st.Current, st.Required)
			fmt.Fprintf(out, "job queue:  applied %d, required %d\n", st.RiverCurrent, st.RiverRequired)
			for _, p := range st.Pending {
				fmt.Fprintf(out, "pending:    %s\n", p)
			}
			switch {
			case !st.OK():
				fmt.Fprintln(out, "state:      OUTDATED: run `vectoros migrate`")
			case st.Newer():
				fmt.Fprintln(out, "state:      newer than this binary (allowed unless a newer migration is breaking)")
			default:
				fmt.Fprintln(out, "state:      current")
			}
			return nil
		},
	})
	return cmd
}
