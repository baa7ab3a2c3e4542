package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// benchSnapshot builds a workspace of n open deals shaped like a real
// pipeline (every stage, log-normal values, 1–6 change events per deal,
// some without value, probability or close date) and n/10 won histories.
func benchSnapshot(n int) domain.WorkspaceSnapshot {
	rng := rand.New(rand.NewPCG(4, 2))
	stages := []string{"lead", "qualified", "proposal", "negotiation"}
	days := func(lo, hi float64) time.Duration { return time.Duration((lo + rng.Float64()*(hi-lo)) * float64(day)) }
	deals := make([]domain.DealSnapshot, 0, n)
	for i := range n {
		id := fmt.Sprintf("deal-%06d", i)
		opts := []dealOpt{age(days(1, 200))}
		opts = append(opts, func(b *dealBuilder) {
			b.ds.Deal.StageEnteredAt = b.ds.Deal.CreatedAt.Add(time.Duration(rng.Float64() * float64(testNow.Sub(b.ds.Deal.CreatedAt))))
		})
		if rng.IntN(20) > 0 {
			opts = append(opts, valueMinor(int64(math.Exp(rng.NormFloat64()*0.9+math.Log(24000)))*100))
		} else {
			opts = append(opts, noValue())
		}
		if rng.IntN(3) > 0 {
			opts = append(opts, prob(rng.IntN(101)))
		}
		if rng.IntN(5) > 0 {
			opts = append(opts, closeIn(rng.IntN(120)-30))
		}
		if rng.IntN(4) > 0 {
			opts = append(opts, idle(days(0, 40)))
		} else {
			opts = append(opts, neverEngaged())
		}
		if rng.IntN(2) > 0 {
			opts = append(opts, nextAt(testNow.Add(days(-10, 20))))
		}
		var ev []domain.DealEvent
		for k := range rng.IntN(6) {
			at := testNow.Add(-days(0, 60))
			switch k % 3 {
			case 0:
				ev = append(ev, slip(at, "2026-02-01", "2026-03-01"))
			case 1:
				ev = append(ev, change(domain.EventValueChanged, at, minorStr(30_000), minorStr(20_000)))
			default:
				ev = append(ev, change(domain.EventStageChanged, at, str("lead"), str("qualified")))
			}
		}
		opts = append(opts, events(ev...), initialValue(30_000))
		deals = append(deals, deal(id, stages[rng.IntN(len(stages))], opts...))
	}
	snap := workspace("America/New_York", deals...)
	snap.WonHistories = wonHistories(n/10, func(int) time.Duration { return days(5, 60) })
	return snap
}

// BenchmarkRun analyses 10,000 open deals per op:
//
//	go test ./internal/analysis -run '^$' -bench BenchmarkRun -benchmem
func BenchmarkRun(b *testing.B) {
	snap := benchSnapshot(10_000)
	b.ReportAllocs()
	var findings int
	for b.Loop() {
		findings = len(Run(snap, testNow))
	}
	b.ReportMetric(float64(findings), "findings/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10_000, "ns/deal")
}
