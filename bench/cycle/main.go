// Command cycle measures a monitoring cycle at scale on SQLite: it builds a
// workspace of N open deals (default 100,000) with about ten activities
// each and their change history, then reports the time of a bare scan of
// the same rows, a first cycle (every insight created), a second cycle
// (which must write nothing) and the peak resident memory of each.
//
//	go run ./bench/cycle              # 100,000 open deals, ~1,000,000 activities
//	go run ./bench/cycle -deals 10000
//	go run ./bench/cycle -db /tmp/cyc100k.db -cpuprofile /tmp/cycle.cpu -memprofile /tmp/cycle.mem
//
// The profiles cover the two cycles, not the seeding or the bare scan.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/vectoros/vectoros/internal/demo"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
)

func main() {
	deals := flag.Int("deals", 100_000, "open deals in the workspace")
	scale := flag.Float64("activity-scale", 2.5, "activities multiplier (2.5 gives about ten per deal)")
	dbPath := flag.String("db", "", "reuse or create this SQLite file (default: a temp file)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the cycles to this file")
	memProfile := flag.String("memprofile", "", "write an allocation profile of the cycles to this file")
	chunk := flag.Int("chunk", 0, "open deals a run loads at a time (0: monitor.DefaultChunkDeals)")
	batch := flag.Int("batch", 0, "deals whose changes share a transaction (0: monitor.DefaultBatchDeals)")
	flag.Parse()
	if *memProfile != "" {
		runtime.MemProfileRate = 64 << 10 // coarser than the default: the timings stay comparable
	}
	tune := monitor.Options{ChunkDeals: *chunk, BatchDeals: *batch}
	if err := run(*deals, *scale, *dbPath, *cpuProfile, *memProfile, tune); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(deals int, scale float64, dbPath, cpuProfile, memProfile string, tune monitor.Options) error {
	ctx := context.Background()
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "vectoros-bench-cycle")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "bench.db")
	}
	s, err := store.Open(ctx, store.Options{URL: "sqlite:" + dbPath, Now: time.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	ids, err := s.ListWorkspaceIDs(ctx)
	if err != nil {
		return err
	}
	var ws string
	if len(ids) == 0 {
		start := time.Now()
		res, err := demo.Seed(ctx, s, password.NewHasher(password.Fast, 1), demo.Options{Seed: 11, OpenDeals: deals,
			WonDeals: deals / 10, LostDeals: deals / 10, Now: time.Now(), BatchSize: 1000, ActivityScale: scale})
		if err != nil {
			return err
		}
		ws = res.WorkspaceID
		fmt.Printf("seeded %d open + %d closed deals, %d activities in %s\n", res.OpenDeals, res.ClosedDeals, res.Activities, time.Since(start).Round(time.Millisecond))
	} else {
		ws = ids[0]
		// A reused file keeps the previous run's insights: start afresh.
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM insights WHERE workspace_id = $1`, ws); err != nil {
			return err
		}
	}
	var acts, events int
	_ = s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM activities WHERE workspace_id = $1`, ws).Scan(&acts)
	_ = s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM deal_events WHERE workspace_id = $1`, ws).Scan(&events)
	fmt.Printf("workspace: %d activities, %d change-log events\n\n", acts, events)

	debug.FreeOSMemory()
	resetPeak()
	start, cpu := time.Now(), cpuTime()
	rows, err := bareScan(ctx, s, ws)
	if err != nil {
		return err
	}
	bare := time.Since(start)
	fmt.Printf("%-38s %9s  %5s MB peak RSS  %6s CPU  (%d rows)\n", "bare scan (deals, activities, events)",
		bare.Round(time.Millisecond), peakMB(), (cpuTime() - cpu).Round(10*time.Millisecond), rows)

	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if memProfile != "" {
		defer func() {
			if f, err := os.Create(memProfile); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	judged := time.Now()
	tune.Store, tune.Now = s, func() time.Time { return judged }
	m := monitor.New(tune)
	for _, name := range []string{"first cycle", "second cycle"} {
		debug.FreeOSMemory()
		resetPeak()
		start, cpu := time.Now(), cpuTime()
		rep, err := m.RunCycle(ctx, []string{ws}, nil)
		if err != nil {
			return err
		}
		took := time.Since(start)
		r := rep.Runs[0]
		if rep.Failed() != 0 {
			return fmt.Errorf("%s failed: %s", name, r.Error)
		}
		fmt.Printf("%-38s %9s  %5s MB peak RSS  %6s CPU  (%.1f× bare; %d deals; %d created, %d updated, %d resolved)\n",
			name, took.Round(time.Millisecond), peakMB(), (cpuTime() - cpu).Round(10*time.Millisecond),
			float64(took)/float64(bare), r.DealsAnalysed,
			r.InsightsCreated, r.InsightsUpdated, r.InsightsResolved)
	}
	return nil
}

// bareScan reads every column of the rows a cycle reads, and nothing else.
func bareScan(ctx context.Context, s *store.Store, ws string) (int, error) {
	n := 0
	for _, q := range []string{
		`SELECT * FROM deals WHERE workspace_id = $1 AND status = 'open'`,
		`SELECT * FROM activities WHERE workspace_id = $1`,
		`SELECT * FROM deal_events WHERE workspace_id = $1`,
	} {
		rows, err := s.DB().QueryContext(ctx, q, ws)
		if err != nil {
			return n, err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return n, err
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// cpuTime is the process's user and system CPU time so far: on a machine
// shared with other work it says what the wall times cannot.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeak resets the kernel's peak-RSS mark (VmHWM) for this process.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakMB() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return fmt.Sprintf("%d", kb/1024)
		}
	}
	return "?"
}
