package web

import (
	"fmt"
	"math"
	"strings"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
)

// Charts are server-rendered SVG: the view models below hold computed
// coordinates, and templates/partials.html draws them. Each chart has a
// title and description for screen readers, and every figure it shows is
// also in a table on the same page.

// hbarChart is a horizontal bar chart (pipeline by stage): each row a
// label and its figures above a bar. It has no viewBox: bar widths are
// percentages and text keeps its size, so it stays readable at a phone's
// width.
type hbarChart struct {
	ID, Title, Desc string
	Height          int
	Rows            []hbarRow
	Empty           bool
}

type hbarRow struct {
	TextY, BarY, BarPct float64
	Label, Value        string
	Class               string
}

const hbarRowH = 46.0

// stageChart draws the open pipeline's value per stage, with deal counts.
func stageChart(p store.Pipeline) hbarChart {
	c := hbarChart{ID: "pipeline-chart", Title: "Open pipeline by stage"}
	var open []store.PipelineStage
	var top int64
	for _, st := range p.Stages {
		if st.Kind == domain.StageOpen {
			open = append(open, st)
			top = max(top, st.Value)
		}
	}
	var desc []string
	for i, st := range open {
		w := 0.0
		if top > 0 {
			w = r1(float64(st.Value) / float64(top) * 100)
		}
		if st.Value > 0 && w < 0.5 {
			w = 0.5 // a sliver, so a small stage is visibly not empty
		}
		y := float64(i) * hbarRowH
		value := fmt.Sprintf("%s · %s", domain.FormatMoney(st.Value, p.Currency), plural(st.Count, "deal"))
		c.Rows = append(c.Rows, hbarRow{TextY: y + 15, BarY: y + 22, BarPct: w, Label: st.Name, Value: value,
			Class: fmt.Sprintf("bar-%d", i%6)})
		desc = append(desc, st.Name+": "+value)
	}
	c.Height = int(float64(len(open)) * hbarRowH)
	c.Empty = top == 0
	c.Desc = strings.Join(desc, "; ")
	return c
}

// r1 rounds to one decimal, keeping the SVG short.
func r1(v float64) float64 { return math.Round(v*10) / 10 }

// vbarChart is a column chart over days, each column a stack of series.
type vbarChart struct {
	ID, Title, Desc string
	Width, Height   int
	PlotTop, Base   float64
	PlotLeft, Right float64
	AxisX           float64 // where the axis labels end
	Bars            []vbar
	Ticks           []tick
	MaxLabel        string
	Legend          []legend
	Empty           bool
}

type vbar struct {
	X, W float64
	Segs []seg
	Tip  string
}

type seg struct {
	Y, H  float64
	Class string
}

type tick struct {
	X      float64
	Label  string
	Anchor string // middle, or end for the last day (it would overflow)
}

type legend struct{ Label, Class string }

// series is one stacked quantity of a day chart.
type series struct {
	Label string
	Class string
	Value func(store.DayFigures) float64
}

const (
	vbarW, vbarH        = 600.0, 190.0
	vbarLeft, vbarTop   = 58.0, 12.0
	vbarBottom, vbarGap = 24.0, 0.25
)

// dayChart draws days as stacked columns; format renders a value (the
// axis maximum and the tooltips).
func dayChart(id, title string, days []store.DayFigures, format func(float64) string, ss ...series) vbarChart {
	c := vbarChart{ID: id, Title: title, Width: int(vbarW), Height: int(vbarH), PlotTop: vbarTop, Base: vbarH - vbarBottom,
		PlotLeft: vbarLeft, Right: vbarW - 4, AxisX: vbarLeft - 4}
	for _, s := range ss {
		c.Legend = append(c.Legend, legend{Label: s.Label, Class: s.Class})
	}
	top := 0.0
	for _, d := range days {
		sum := 0.0
		for _, s := range ss {
			sum += s.Value(d)
		}
		top = math.Max(top, sum)
	}
	c.Empty = top == 0
	if top == 0 {
		top = 1
	}
	c.MaxLabel = format(top)
	plotW, plotH := vbarW-vbarLeft-4, c.Base-vbarTop
	slot := plotW / float64(max(len(days), 1))
	every := max(1, (len(days)+6)/7) // at most about 7 date labels
	var desc []string
	for i, d := range days {
		x := vbarLeft + float64(i)*slot
		b := vbar{X: r1(x + slot*vbarGap/2), W: r1(slot * (1 - vbarGap))}
		y := c.Base
		var parts []string
		for _, s := range ss {
			v := s.Value(d)
			h := v / top * plotH
			if v > 0 && h < 1 {
				h = 1
			}
			y -= h
			b.Segs = append(b.Segs, seg{Y: r1(y), H: r1(h), Class: s.Class})
			parts = append(parts, s.Label+" "+format(v))
		}
		b.Tip = fmtDate(d.Day) + ": " + strings.Join(parts, ", ")
		c.Bars = append(c.Bars, b)
		// Dates every few days, and the last day unless its label would
		// crowd the previous one.
		switch {
		case i == len(days)-1 && (i%every == 0 || i%every >= (every+1)/2):
			c.Ticks = append(c.Ticks, tick{X: r1(x + slot), Label: d.Day.Time().Format("2 Jan"), Anchor: "end"})
		case i%every == 0 && (i == 0 || len(days)-1-i >= (every+1)/2):
			c.Ticks = append(c.Ticks, tick{X: r1(x + slot/2), Label: d.Day.Time().Format("2 Jan"), Anchor: "middle"})
		}
		if !c.Empty {
			desc = append(desc, b.Tip)
		}
	}
	c.Desc = title + " per day. " + strings.Join(desc, "; ")
	if c.Empty {
		c.Desc = title + ": nothing in this period."
	}
	return c
}

func count(v float64) string { return fmt.Sprintf("%.0f", v) }

func usd(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v < 1:
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}

func seconds(v float64) string {
	switch {
	case v < 1:
		return fmt.Sprintf("%.0f ms", v*1000)
	case v < 10:
		return fmt.Sprintf("%.1f s", v)
	}
	return fmt.Sprintf("%.0f s", v)
}

func percent(v float64) string { return fmt.Sprintf("%.0f%%", v) }
