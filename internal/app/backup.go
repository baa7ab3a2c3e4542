package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/store"
)

// errPostgresBackup explains where PostgreSQL backups come from instead.
var errPostgresBackup = errors.New("DATABASE_URL is PostgreSQL: back it up with pg_dump (or your provider's " +
	"point-in-time restore, e.g. a Neon branch) and restore with pg_restore; docs/operations.md gives the exact steps")

func newBackupCmd(env Env) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write a consistent copy of the SQLite database while VectorOS keeps running",
		Long: "backup copies the live SQLite database into FILE as of one instant (VACUUM INTO), while servers and\n" +
			"workers keep writing, checks the copy, and records its time and path for `vectoros preflight`.\n" +
			"PostgreSQL is backed up with pg_dump or the provider's point-in-time restore: see docs/operations.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := loadConfig(env)
			if err != nil {
				return err
			}
			if cfg.IsPostgres() {
				return errPostgresBackup
			}
			if out == "" {
				return errors.New("backup: --out FILE is required, e.g. --out backups/vectoros-$(date +%F).db")
			}
			path := sqlitePath(cfg)
			if _, err := os.Stat(path); err != nil {
				return fmt.Errorf("backup: no database at %s (is DATABASE_URL right?): %w", path, err)
			}
			s, err := openStore(cmd.Context(), cfg, env, log, 5*time.Second)
			if err != nil {
				return err
			}
			defer s.Close()
			if _, err := s.CheckSchema(cmd.Context(), nil); err != nil {
				return err
			}
			res, err := s.Backup(cmd.Context(), out, force)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Backed up %s to %s\n", path, res.Path)
			fmt.Fprintf(w, "  as of     %s (every transaction committed before then is in the copy)\n", res.TakenAt.Format(time.RFC3339))
			fmt.Fprintf(w, "  size      %s\n", humanBytes(res.Bytes))
			fmt.Fprintf(w, "  check     quick_check ok\n")
			printTableCounts(w, res.Tables)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write the backup to (must not exist unless --force)")
	cmd.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	return cmd
}

// sqlitePath is the SQLite file DATABASE_URL names.
func sqlitePath(cfg config.Config) string {
	if p := strings.TrimPrefix(cfg.DatabaseURL, "sqlite:"); p != "" {
		return p
	}
	return store.DefaultSQLitePath
}

func printTableCounts(w io.Writer, tables []store.TableCount) {
	fmt.Fprintf(w, "  %10s  %s\n", "rows", "table")
	for _, t := range tables {
		if strings.HasPrefix(t.Table, "goose_") {
			continue
		}
		fmt.Fprintf(w, "  %10d  %s\n", t.Rows, t.Table)
	}
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, units := float64(n)/unit, []string{"KiB", "MiB", "GiB", "TiB"}
	i := 0
	for f >= unit && i < len(units)-1 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s (%d bytes)", f, units[i], n)
}
