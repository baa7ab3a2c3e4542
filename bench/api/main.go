// Command api is the API's load harness: it starts the real HTTP stack
// (middleware, sessions, auth, rate-limit off) on a temporary SQLite
// database (or -database), seeds a workspace, and measures listing deals,
// reading one deal and creating deals through an API key, first at a fixed
// request rate, then flat out at a fixed concurrency.
//
//	go run ./bench/api                       # 500 req/s for 10 s, then max at concurrency 8
//	go run ./bench/api -rate 1000 -duration 20s -concurrency 16
//	go run ./bench/api -database 'postgres://postgres@127.0.0.1:5432/bench?sslmode=disable'
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/api"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
)

func main() {
	var (
		database    = flag.String("database", "", "DATABASE_URL to use (default: a temporary SQLite file)")
		rate        = flag.Int("rate", 500, "requests per second of the fixed-rate phase (0 skips it)")
		duration    = flag.Duration("duration", 10*time.Second, "length of each scenario in each phase")
		concurrency = flag.Int("concurrency", 8, "requests in flight at most")
		deals       = flag.Int("deals", 1000, "deals to seed")
		cpuprofile  = flag.String("cpuprofile", "", "write a CPU profile of the whole run (client and server) here")
		only        = flag.String("only", "", "run only scenarios whose name contains this (list, read, create)")
	)
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*database, *rate, *duration, *concurrency, *deals, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// scenario is one kind of request; next builds the i-th request.
type scenario struct {
	name string
	next func(i int) (method, path string, body []byte)
	want int
}

func run(dbURL string, rate int, duration time.Duration, concurrency, seed int, only string) error {
	ctx := context.Background()
	if dbURL == "" {
		dir, err := os.MkdirTemp("", "vectoros-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbURL = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	// Access logs are written (as JSON, to nowhere) so their cost is counted.
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	s, err := store.Open(ctx, store.Options{URL: dbURL, Now: time.Now, Logger: log})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	srv := server.New(server.Deps{Store: s, Logger: log, Now: time.Now, Hasher: password.NewHasher(password.Default, 2)})
	defer srv.Close()
	api.Register(srv, api.Deps{Store: s})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String() + "/api/v1"

	ws, secret, ids, err := seedData(ctx, s, seed)
	if err != nil {
		return err
	}
	scenarios := []scenario{
		{"list deals (50 per page)", func(int) (string, string, []byte) {
			return "GET", "/workspaces/" + ws + "/deals?limit=50", nil
		}, 200},
		{"read one deal", func(int) (string, string, []byte) {
			return "GET", "/workspaces/" + ws + "/deals/" + ids[rand.IntN(len(ids))], nil
		}, 200},
		{"create a deal", func(i int) (string, string, []byte) {
			return "POST", "/workspaces/" + ws + "/deals",
				fmt.Appendf(nil, `{"title":"Bench deal %d","value":%d.50,"stage":"qualified","company":"Bench Co"}`, i, 1000+i%5000)
		}, 201},
	}
	scenarios = slices.DeleteFunc(scenarios, func(sc scenario) bool { return !strings.Contains(sc.name, only) })
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}}
	fmt.Printf("VectorOS API bench: %s, %d seeded deals, Go %s, %d CPUs (client and server share them)\n",
		s.Dialect(), seed, runtime.Version(), runtime.NumCPU())
	if rate > 0 {
		fmt.Printf("\nfixed rate: %d requests/s for %s each, at most %d in flight (latency counted from the scheduled send time)\n",
			rate, duration, concurrency)
		report(hc, base, secret, scenarios, duration, concurrency, rate)
	}
	fmt.Printf("\nflat out: %d in flight for %s each\n", concurrency, duration)
	report(hc, base, secret, scenarios, duration, concurrency, 0)
	return nil
}

func seedData(ctx context.Context, s *store.Store, n int) (ws, secret string, ids []string, err error) {
	u, err := s.CreateUser(ctx, "bench@example.com", "Bench", "!no-password")
	if err != nil {
		return "", "", nil, err
	}
	w, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: "Bench"}, u.ID)
	if err != nil {
		return "", "", nil, err
	}
	_, secret, err = s.CreateAPIKey(ctx, w.ID, store.NewAPIKey{Name: "bench", Role: domain.RoleMember},
		domain.Actor{Kind: domain.ActorUser, ID: u.ID}, domain.RoleOwner)
	if err != nil {
		return "", "", nil, err
	}
	stages := []string{"lead", "qualified", "proposal", "negotiation"}
	actor := domain.Actor{Kind: domain.ActorSystem, ID: "bench"}
	for i := range n {
		v := int64(100_000 + i*137)
		d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: fmt.Sprintf("Seeded deal %d", i), Value: &v,
			Stage: stages[i%len(stages)], Company: fmt.Sprintf("Company %d", i%97), ContactName: "Pat Buyer"}, actor)
		if err != nil {
			return "", "", nil, err
		}
		ids = append(ids, d.ID)
	}
	return w.ID, secret, ids, nil
}

type result struct {
	latencies []time.Duration
	errors    int64
	elapsed   time.Duration
}

func report(hc *http.Client, base, secret string, scenarios []scenario, d time.Duration, conc, rate int) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\trequests\terrors\treq/s\tp50\tp95\tp99\tmax\t")
	for _, sc := range scenarios {
		r := load(hc, base, secret, sc, d, conc, rate)
		l := r.latencies
		slices.Sort(l)
		pct := func(p float64) string {
			if len(l) == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2fms", float64(l[min(len(l)-1, int(p*float64(len(l))))].Microseconds())/1000)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t\n", sc.name, len(l), r.errors,
			float64(len(l))/r.elapsed.Seconds(), pct(.50), pct(.95), pct(.99), pct(1))
	}
	tw.Flush()
}

// load runs one scenario for d: at rate requests/s (open loop, with at most
// conc in flight), or with rate 0 as fast as conc workers go.
func load(hc *http.Client, base, secret string, sc scenario, d time.Duration, conc, rate int) result {
	var mu sync.Mutex
	var res result
	var seq atomic.Int64
	do := func(scheduled time.Time) {
		i := int(seq.Add(1))
		method, path, body := sc.next(i)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		ok := err == nil && resp.StatusCode == sc.want
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		lat := time.Since(scheduled)
		mu.Lock()
		if ok {
			res.latencies = append(res.latencies, lat)
		} else {
			res.errors++
		}
		mu.Unlock()
	}
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	if rate == 0 {
		for range conc {
			wg.Go(func() {
				for time.Now().Before(end) {
					do(time.Now())
				}
			})
		}
	} else {
		slots := make(chan struct{}, conc)
		interval := time.Second / time.Duration(rate)
		for n := 0; ; n++ {
			at := start.Add(time.Duration(n) * interval)
			if !at.Before(end) {
				break
			}
			time.Sleep(time.Until(at))
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				do(at)
			})
		}
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}
