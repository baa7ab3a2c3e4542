package app

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vectoros/vectoros/internal/store"
)

func newRestoreCmd(env Env) *cobra.Command {
	var from string
	var force bool
	cmd := &cobra.Command{
		Use:   "restore --from FILE [--force]",
		Short: "Replace the SQLite database with a backup, after checking the backup",
		Long: "restore copies FILE beside the database, runs PRAGMA integrity_check on the copy and checks its schema\n" +
			"against this binary, then swaps it in. The replaced database is renamed aside, never deleted. It refuses\n" +
			"while another process (a running vectoros) has the database open; stop it first, or pass --force and\n" +
			"restart every process that uses the database right after.\n" +
			"PostgreSQL is restored with pg_restore or the provider's point-in-time restore: see docs/operations.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, _, err := loadConfig(env)
			if err != nil {
				return err
			}
			if cfg.IsPostgres() {
				return errPostgresBackup
			}
			if from == "" {
				return errors.New("restore: --from FILE is required")
			}
			res, err := store.Restore(cmd.Context(), store.RestoreOptions{From: from, Target: sqlitePath(cfg), Force: force, Now: env.Now})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Restored %s into %s\n", from, res.Target)
			fmt.Fprintf(w, "  check     integrity_check ok; schema version %d (this binary needs %d), job queue version %d\n",
				res.Schema.Current, res.Schema.Required, res.Schema.RiverCurrent)
			if res.Previous != "" {
				fmt.Fprintf(w, "  previous  kept at %s (delete it once you are satisfied)\n", res.Previous)
			}
			printTableCounts(w, res.Tables)
			if !res.Schema.OK() {
				fmt.Fprintln(w, "The backup's schema is older than this binary's: run `vectoros migrate` (serve also migrates on start).")
			}
			if res.InUseBy != 0 {
				fmt.Fprintf(w, "Process %d still has the replaced database open: restart it now, or its writes go to the file set aside.\n", res.InUseBy)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the backup file to restore")
	cmd.Flags().BoolVar(&force, "force", false, "replace the database even while another process has it open")
	return cmd
}
