// Package demo creates a demo workspace with a realistic pipeline: a sales
// team, hundreds of open deals across the stages, won and lost history,
// months of activities and changes, and some deals deliberately neglected,
// so the monitor has real work from the first start.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// Sign-in of the demo account, printed by `vectoros demo`.
const (
	Email         = "demo@vectoros.dev"
	Password      = "demo-pipeline"
	WorkspaceName = "Northwind Demo"
)

// Hasher hashes passwords (internal/password satisfies it).
type Hasher interface {
	Hash(ctx context.Context, pw string) (string, error)
}

// Result says what Seed did.
type Result struct {
	Created     bool // false when the demo already existed
	WorkspaceID string
	OpenDeals   int
	ClosedDeals int
	Activities  int
}

// Options tune the generated pipeline.
type Options struct {
	Seed      uint64
	OpenDeals int // default 340
	WonDeals  int // default 140
	LostDeals int // default 110
	Now       time.Time
	BatchSize int // deals per transaction, default 50
	// ActivityScale multiplies the completed activities per deal (default
	// 1: about four per deal); benchmarks raise it to reach a million.
	ActivityScale float64
}

// Seed creates the demo user, team and workspace unless they exist.
func Seed(ctx context.Context, s *store.Store, h Hasher, o Options) (Result, error) {
	if o.OpenDeals == 0 {
		o.OpenDeals, o.WonDeals, o.LostDeals = 340, 140, 110
	}
	if o.BatchSize == 0 {
		o.BatchSize = 50
	}
	if existing, ok, err := find(ctx, s); err != nil || ok {
		return existing, err
	}
	hash, err := h.Hash(ctx, Password)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	owner, err := s.CreateUser(ctx, Email, "Dana Demo", hash)
	if err != nil {
		return Result{}, fmt.Errorf("demo: create user: %w", err)
	}
	ws, err := s.CreateWorkspace(ctx, store.NewWorkspace{Name: WorkspaceName, Currency: "USD", TimeZone: "America/New_York"}, owner.ID)
	if err != nil {
		return Result{}, fmt.Errorf("demo: create workspace: %w", err)
	}
	team := []string{owner.ID}
	for _, rep := range reps {
		// Reps own deals but cannot sign in: their hash matches no password.
		u, err := s.CreateUser(ctx, rep.email, rep.name, "!demo-rep-without-password")
		if err != nil {
			return Result{}, fmt.Errorf("demo: create rep: %w", err)
		}
		if err := s.AddMember(ctx, ws.ID, u.ID, domain.RoleMember); err != nil {
			return Result{}, fmt.Errorf("demo: add rep: %w", err)
		}
		team = append(team, u.ID)
	}
	stages, err := s.ListStages(ctx, ws.ID)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	if o.ActivityScale <= 0 {
		o.ActivityScale = 1
	}
	g := &generator{rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x5eed)), now: o.Now.UTC(), team: team, stages: stages, activityScale: o.ActivityScale}
	deals := g.pipeline(o.OpenDeals, o.WonDeals, o.LostDeals)
	res := Result{Created: true, WorkspaceID: ws.ID}
	for start := 0; start < len(deals); start += o.BatchSize {
		batch := deals[start:min(start+o.BatchSize, len(deals))]
		if err := s.ImportDeals(ctx, ws.ID, batch); err != nil {
			return res, fmt.Errorf("demo: %w", err)
		}
	}
	for _, d := range deals {
		if d.Deal.Status == domain.DealOpen {
			res.OpenDeals++
		} else {
			res.ClosedDeals++
		}
		res.Activities += len(d.Activities)
	}
	return res, nil
}

func find(ctx context.Context, s *store.Store) (Result, bool, error) {
	u, err := s.GetUserByEmail(ctx, Email)
	if err == nil {
		ms, err := s.ListMemberships(ctx, u.ID)
		if err != nil {
			return Result{}, false, fmt.Errorf("demo: %w", err)
		}
		for _, m := range ms {
			if m.Workspace.Name == WorkspaceName {
				return Result{WorkspaceID: m.Workspace.ID}, true, nil
			}
		}
		return Result{}, false, fmt.Errorf("demo: user %s exists without the demo workspace; remove it or use another database", Email)
	}
	if domain.IsKind(err, domain.KindNotFound) {
		return Result{}, false, nil
	}
	return Result{}, false, fmt.Errorf("demo: %w", err)
}

var reps = []struct{ email, name string }{
	{"alex.rivera@northwind.example", "Alex Rivera"},
	{"priya.shah@northwind.example", "Priya Shah"},
	{"marco.bianchi@northwind.example", "Marco Bianchi"},
	{"jun.tanaka@northwind.example", "Jun Tanaka"},
	{"sam.oconnor@northwind.example", "Sam O'Connor"},
}
