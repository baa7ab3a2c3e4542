package preflight

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/store"
)

func databaseCheck() Check {
	return Check{ID: "database", Title: "Database reachable", Covers: []string{"DATABASE_URL", "DATABASE_DIRECT_URL"},
		Run: func(ctx context.Context, in *Input) Result {
			fix := "check DATABASE_URL and that the database accepts connections from this host; " +
				"a managed database may be suspended or over its quota (Neon: console.neon.tech)"
			if in.StoreErr != nil {
				return Result{Status: Fail, Detail: in.StoreErr.Error(), Fix: fix}
			}
			if in.Store == nil {
				return Result{Status: Fail, Detail: "no database was opened", Fix: fix}
			}
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := in.Store.Ping(pctx); err != nil {
				return Result{Status: Fail, Detail: "not reachable: " + err.Error(), Fix: fix}
			}
			return Result{Status: Pass, Detail: "answers: " + in.Settings.DatabaseLabel}
		}}
}

func schemaCheck() Check {
	return Check{ID: "schema", Title: "Schema current", NeedsDB: true,
		Run: func(ctx context.Context, in *Input) Result {
			st, err := in.Store.CheckSchema(ctx, nil)
			switch {
			case errors.Is(err, store.ErrSchemaOutdated):
				return Result{Status: Fail, Detail: fmt.Sprintf("schema version %d (job queue %d); this binary needs %d (job queue %d)",
					st.Current, st.RiverCurrent, st.Required, st.RiverRequired),
					Fix: "run `vectoros migrate` (serve also migrates on start)"}
			case err != nil:
				return Result{Status: Fail, Detail: err.Error(),
					Fix: "deploy the binary that matches the database, or restore the database taken before the migration (docs/operations.md)"}
			case st.Newer():
				return Result{Status: Warn, Detail: fmt.Sprintf("schema version %d is newer than this binary's %d (allowed: none of the newer migrations is breaking)", st.Current, st.Required),
					Fix: "deploy the newer binary when the rollback is over"}
			}
			return Result{Status: Pass, Detail: fmt.Sprintf("schema version %d, job queue version %d", st.Current, st.RiverCurrent)}
		}}
}

func indexesCheck() Check {
	return Check{ID: "indexes", Title: "Indexes present", NeedsDB: true,
		Run: func(ctx context.Context, in *Input) Result {
			expected, missing, err := in.Store.MissingIndexes(ctx)
			if err != nil {
				return Result{Status: Fail, Detail: err.Error(), Fix: "check the database user may read the catalog"}
			}
			if len(missing) > 0 {
				return Result{Status: Fail, Detail: fmt.Sprintf("%d of the %d indexes the migrations create are missing: %s",
					len(missing), len(expected), strings.Join(missing, ", ")),
					Fix: "recreate them from internal/store/migrations (CREATE INDEX … as written there); queries on those tables scan without them"}
			}
			return Result{Status: Pass, Detail: fmt.Sprintf("all %d indexes the migrations create are present", len(expected))}
		}}
}

func monitorCheck() Check {
	return Check{ID: "monitor", Title: "Monitor heartbeat", NeedsDB: true, Covers: []string{"MONITOR_INTERVAL"},
		Run: func(ctx context.Context, in *Input) Result {
			last, err := in.Store.MonitorHeartbeat(ctx)
			if err != nil {
				return Result{Status: Fail, Detail: err.Error()}
			}
			limit := 2 * in.Settings.MonitorInterval
			if last == nil {
				return Result{Status: Warn, Detail: "no monitoring cycle has completed without failures yet",
					Fix: "start `vectoros serve` (or `vectoros worker`): the first cycle runs at start; `vectoros cycle` runs one now"}
			}
			age := in.Now.Sub(*last)
			if age > limit {
				return Result{Status: Fail, Detail: fmt.Sprintf("the last good cycle completed %s ago (%s), more than 2 × MONITOR_INTERVAL (%s)",
					roundAge(age), last.UTC().Format(time.RFC3339), limit),
					Fix: "check that a process runs the monitor and read its logs for MONITORING CYCLE COMPLETE and run errors (docs/operations.md, monitor runbook)"}
			}
			return Result{Status: Pass, Detail: fmt.Sprintf("the last good cycle completed %s ago (limit %s)", roundAge(age), limit)}
		}}
}

// backupMaxAge allows a daily backup job some slack.
const backupMaxAge = 26 * time.Hour

func backupCheck() Check {
	return Check{ID: "backup", Title: "Recent backup", NeedsDB: true,
		Run: func(ctx context.Context, in *Input) Result {
			if in.Store.Dialect() == store.Postgres {
				return Result{Status: Warn, Detail: "PostgreSQL backups are the provider's or pg_dump's job and cannot be seen from here",
					Fix: "confirm point-in-time restore is on (Neon: the history retention window) or that a daily pg_dump runs, and test a restore (docs/operations.md)"}
			}
			fix := "run `vectoros backup --out /backups/vectoros-$(date +%F).db` daily (cron or a systemd timer) and copy the file off the machine"
			rec, ok, err := in.Store.LastBackup(ctx)
			if err != nil {
				return Result{Status: Fail, Detail: err.Error(), Fix: fix}
			}
			if !ok {
				return Result{Status: Fail, Detail: "no backup of this database has been recorded", Fix: fix}
			}
			age := in.Now.Sub(rec.TakenAt)
			if age > backupMaxAge {
				return Result{Status: Fail, Detail: fmt.Sprintf("the last backup is %s old (%s, %s), more than %s", roundAge(age),
					rec.TakenAt.UTC().Format(time.RFC3339), rec.Path, backupMaxAge), Fix: fix}
			}
			return Result{Status: Pass, Detail: fmt.Sprintf("last backup %s ago: %s (%d bytes)", roundAge(age), rec.Path, rec.Bytes)}
		}}
}

// roundAge prints an age to the minute (or second when shorter): 45s, 10m,
// 2h, 2h10m.
func roundAge(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}
