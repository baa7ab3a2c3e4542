package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// Pipeline is the workspace's pipeline at a glance; amounts are in major
// units of currency.
type Pipeline struct {
	Currency string `json:"currency"`
	// Open deals: count, total value, Σ value × probability (the stage's
	// default when a deal has none), and average value of those with one.
	OpenCount       int             `json:"open_count"`
	OpenValue       json.Number     `json:"open_value"`
	WeightedValue   json.Number     `json:"weighted_value"`
	AverageDealSize *json.Number    `json:"average_deal_size"`
	Stages          []PipelineStage `json:"stages"`
	WinRate         WinRate         `json:"win_rate"`
	OpenInsights    InsightCounts   `json:"open_insights"`
}

// PipelineStage is one stage's deals (all statuses).
type PipelineStage struct {
	Key   string           `json:"key"`
	Name  string           `json:"name"`
	Kind  domain.StageKind `json:"kind"`
	Count int              `json:"count"`
	Value json.Number      `json:"value"`
}

// WinRate is won ÷ (won + lost) among deals closed since Since (90 days);
// rate is null when none closed.
type WinRate struct {
	Since time.Time `json:"since"`
	Won   int       `json:"won"`
	Lost  int       `json:"lost"`
	Rate  *float64  `json:"rate"`
}

// InsightCounts counts open (not resolved) insights by priority.
type InsightCounts struct {
	Low      int `json:"low"`
	Medium   int `json:"medium"`
	High     int `json:"high"`
	Critical int `json:"critical"`
}

func (a *API) pipelineRoutes() []route {
	return []route{
		{method: http.MethodGet, path: ws + "/pipeline", tag: "pipeline", access: memberOf, handle: a.getPipeline,
			summary: "Pipeline summary: open value, weighted value, per-stage totals, 90-day win rate, open insights",
			reply:   Pipeline{}, status: http.StatusOK},
	}
}

func pipelineView(p store.Pipeline) Pipeline {
	cur := p.Currency
	out := Pipeline{Currency: cur, OpenCount: p.OpenCount, OpenValue: money(p.OpenValue, cur),
		WeightedValue: money(p.WeightedValue, cur),
		WinRate:       WinRate{Since: utc(p.Since), Won: p.Won, Lost: p.Lost, Rate: p.WinRate},
		OpenInsights: InsightCounts{Low: p.OpenInsights[domain.PriorityLow], Medium: p.OpenInsights[domain.PriorityMedium],
			High: p.OpenInsights[domain.PriorityHigh], Critical: p.OpenInsights[domain.PriorityCritical]},
		Stages: mapAll(p.Stages, func(s store.PipelineStage) PipelineStage {
			return PipelineStage{Key: s.Key, Name: s.Name, Kind: s.Kind, Count: s.Count, Value: money(s.Value, cur)}
		})}
	if p.Valued > 0 {
		out.AverageDealSize = moneyp(&p.AverageDealSize, cur)
	}
	return out
}

func (a *API) getPipeline(w http.ResponseWriter, r *http.Request) {
	p, err := a.store.Pipeline(r.Context(), scopeOf(r.Context()).ws.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, pipelineView(p))
}
