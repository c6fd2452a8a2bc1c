package curves

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The chart's size and the plot's place in it, in SVG user units.
const (
	chartW, chartH                      = 760, 340
	plotL, plotR, plotT, plotB          = 72, 16, 36, 44
	plotW, plotH                        = chartW - plotL - plotR, chartH - plotT - plotB
	maxXTicks, maxYTicks                = 8, 6
	labelGap                            = 110 // room for one label
	capRoom                             = 2   // the cap is drawn when it is at most this many times the largest credit
	dashEscalated, dashCap, dashAtRisk  = "6 3", "2 2", "8 3 2 3"
	colourCap, colourAtRisk, colourBand = "#7f8c8d", "#b03a2e", "#eaf2f8"
)

// palette colours the distinct curves of a chart in turn; past its end
// they repeat with a dash.
var palette = []string{"#1b4f72", "#d35400", "#1e8449", "#7d3c98", "#b7950b", "#117a65", "#922b21",
	"#2e86c1", "#6e2c00", "#5d6d7e"}

// chart is one KPI's chart, ready for the template: coordinates are
// written to one decimal place.
type chart struct {
	W, H, PlotL, PlotT, PlotW, PlotH, PlotB, PlotMidY int
	XTicks, YTicks                                    []tick
	Band                                              *band
	VLines                                            []vline
	HLines                                            []hline
	Lines                                             []line
	Note                                              string
}

type tick struct{ Pos, Label string }
type band struct{ X, W string }
type vline struct{ X, Label, LabelY string }
type hline struct{ Y, Label, LabelX, Colour, Dash string }
type line struct{ Path, Colour, Dash, Width string }

// scale maps measures and credits to the plot.
type scale struct {
	lo, hi, ymax, charge decimal.Decimal
}

// xd places a measure.
func (sc scale) xd(m decimal.Decimal) decimal.Decimal {
	f := m.Sub(sc.lo).Mul(decimal.NewFromInt(plotW)).DivRound(sc.hi.Sub(sc.lo), 1)
	return f.Add(decimal.NewFromInt(plotL))
}

func (sc scale) x(m decimal.Decimal) string { return sc.xd(m).StringFixed(1) }

// y places a percent of the charge.
func (sc scale) y(pct decimal.Decimal) string {
	f := pct.Mul(decimal.NewFromInt(plotH)).DivRound(sc.ymax, 1)
	return decimal.NewFromInt(plotT + plotH).Sub(f).StringFixed(1)
}

// pct is an amount as a percent of the charge, to 8 places.
func (sc scale) pct(d decimal.Decimal) decimal.Decimal {
	return d.Mul(hundred).DivRound(sc.charge, 8)
}

// drawn are the curves a chart draws: those not the same as an earlier.
func (k *KPICurves) drawn() []*Curve {
	var out []*Curve
	for _, c := range k.Curves {
		if c.SameAs == "" {
			out = append(out, c)
		}
	}
	return out
}

// chart lays out the KPI's chart at the set's charge.
func (s *Set) chart(k *KPICurves) chart {
	drawn := k.drawn()
	sc := scale{lo: k.Lo, hi: k.Hi, charge: s.Charge}
	top := zero
	for _, c := range drawn {
		top = decimal.Max(top, sc.pct(c.MaxOnGrid()))
		if c.AtRisk != nil {
			top = decimal.Max(top, *c.AtRisk)
		}
	}
	caps, note := s.capsDrawn(drawn, sc, top)
	for _, p := range caps {
		top = decimal.Max(top, p)
	}
	sc.ymax = niceCeil(top.Mul(decimal.RequireFromString("1.05")))
	ch := chart{W: chartW, H: chartH, PlotL: plotL, PlotT: plotT, PlotW: plotW, PlotH: plotH,
		PlotB: plotT + plotH, PlotMidY: plotT + plotH/2, Note: note}
	ch.XTicks = ticks(k.Lo, k.Hi, maxXTicks, sc.x, func(d decimal.Decimal) string { return formatMeasure(d, k.Share) })
	ch.YTicks = ticks(zero, sc.ymax, maxYTicks, sc.y, func(d decimal.Decimal) string { return d.String() + "%" })
	if len(k.Observed) > 0 {
		lo := decimal.Max(k.Observed[0], k.Lo)
		hi := decimal.Min(k.Observed[len(k.Observed)-1], k.Hi)
		if !hi.LessThan(lo) {
			x0 := sc.xd(lo)
			ch.Band = &band{X: x0.StringFixed(1), W: sc.xd(hi).Sub(x0).StringFixed(1)}
		}
	}
	ch.VLines = vlines(drawn[0].KPI, sc, k.Share)
	ch.HLines = hlines(drawn, sc, caps)
	for i, c := range drawn {
		colour, dash := style(i)
		width, thin := "2", "1.2"
		if i == 0 { // under the others, and wider, so that a curve they share shows
			width, thin = "4", "2"
		}
		ch.Lines = append(ch.Lines, line{Path: path(c.Points, sc, false), Colour: colour, Dash: dash, Width: width})
		if c.Escalates() {
			ch.Lines = append(ch.Lines, line{Path: path(c.Points, sc, true), Colour: colour, Dash: dashEscalated, Width: thin})
		}
	}
	return ch
}

// MaxOnGrid is the largest credit the curve's points show, escalated or not.
func (c *Curve) MaxOnGrid() decimal.Decimal {
	m := zero
	for _, p := range c.Points {
		m = decimal.Max(m, p.Credit, p.Escalated)
	}
	return m
}

// capsDrawn returns the distinct monthly caps (percents of the charge)
// near enough the curves to draw, and a note naming those above.
func (s *Set) capsDrawn(drawn []*Curve, sc scale, top decimal.Decimal) ([]decimal.Decimal, string) {
	var in, out []decimal.Decimal
	seen := map[string]bool{}
	for _, c := range drawn {
		if c.Cap == nil || seen[c.Cap.String()] {
			continue
		}
		seen[c.Cap.String()] = true
		p := sc.pct(*c.Cap)
		if top.IsPositive() && !p.GreaterThan(top.Mul(decimal.NewFromInt(capRoom))) {
			in = append(in, p)
		} else {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return in, ""
	}
	var names []string
	for _, p := range out {
		names = append(names, p.String()+"%")
	}
	return in, "The monthly cap (" + strings.Join(names, ", ") + " of the charge) is far above the curves and not drawn."
}

// hlines draws the caps and at-risk shares, their labels at the plot's
// right end and each further one further left, so that close lines' labels
// do not overlap.
func hlines(drawn []*Curve, sc scale, caps []decimal.Decimal) []hline {
	var out []hline
	add := func(pct decimal.Decimal, label, colour, dash string) {
		x := plotL + plotW - 4 - labelGap*len(out)
		out = append(out, hline{Y: sc.y(pct), Label: label, LabelX: fmt.Sprint(x), Colour: colour, Dash: dash})
	}
	for _, p := range caps {
		add(p, "monthly cap "+p.String()+"%", colourCap, dashCap)
	}
	seen := map[string]bool{}
	for _, c := range drawn {
		if c.AtRisk == nil || seen[c.AtRisk.String()] {
			continue
		}
		seen[c.AtRisk.String()] = true
		add(*c.AtRisk, "at risk "+c.AtRisk.Round(4).String()+"%", colourAtRisk, dashAtRisk)
	}
	return out
}

// vlines mark the first curve's target and bounds, labelled above the
// plot; a label too near the one before it goes a row higher.
func vlines(k *rules.KPI, sc scale, share bool) []vline {
	type mark struct {
		at    decimal.Decimal
		label string
	}
	marks := []mark{{k.Target, "target " + formatMeasure(k.Target, share)}}
	for _, l := range rules.Levels[1:] {
		if b := k.Bound(l); b != nil && !b.LessThan(sc.lo) && !b.GreaterThan(sc.hi) {
			marks = append(marks, mark{*b, l.String()})
		}
	}
	slices.SortStableFunc(marks, func(a, b mark) int { return a.at.Cmp(b.at) })
	var out []vline
	last, lastRow := decimal.NewFromInt(-labelGap), 1
	for _, m := range marks {
		x, row := sc.xd(m.at), 0
		if x.Sub(last).LessThan(decimal.NewFromInt(labelGap)) && lastRow == 0 {
			row = 1
		}
		if row == 0 {
			last = x
		}
		lastRow = row
		out = append(out, vline{X: x.StringFixed(1), Label: m.label, LabelY: fmt.Sprint(plotT - 4 - 12*row)})
	}
	return out
}

func style(i int) (colour, dash string) {
	colour = palette[i%len(palette)]
	if i >= len(palette) {
		dash = "3 2"
	}
	return colour, dash
}

// path draws the credits (or escalated credits) through the points.
func path(points []Point, sc scale, escalated bool) string {
	var b strings.Builder
	for i, p := range points {
		v := p.Credit
		if escalated {
			v = p.Escalated
		}
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&b, "%s%s %s ", cmd, sc.x(p.Measure), sc.y(sc.pct(v)))
	}
	return strings.TrimSpace(b.String())
}

// niceSteps are the mantissas of tick steps and chart tops.
var niceSteps = []decimal.Decimal{one, decimal.RequireFromString("1.2"), decimal.RequireFromString("1.5"),
	decimal.NewFromInt(2), decimal.RequireFromString("2.5"), decimal.NewFromInt(3), decimal.NewFromInt(4),
	decimal.NewFromInt(5), decimal.NewFromInt(6), decimal.NewFromInt(8)}

// niceCeil is the least number of the form m x 10^e (m in niceSteps) at
// or above d; 1 for d at or below 0.
func niceCeil(d decimal.Decimal) decimal.Decimal {
	if !d.IsPositive() {
		return one
	}
	for e := int32(-12); ; e++ {
		for _, m := range niceSteps {
			if c := m.Shift(e); !c.LessThan(d) {
				return c
			}
		}
	}
}

// ticks places ticks at the multiples of the least step of the form
// {1, 2, 5} x 10^e that gives at most n intervals between lo and hi.
func ticks(lo, hi decimal.Decimal, n int, pos func(decimal.Decimal) string, label func(decimal.Decimal) string) []tick {
	span := hi.Sub(lo) // positive: a grid spans ten units or more, a chart's top is positive
	var step decimal.Decimal
	for e := int32(-12); step.IsZero(); e++ {
		for _, m := range []int64{1, 2, 5} {
			if c := decimal.New(m, e); !span.GreaterThan(c.Mul(decimal.NewFromInt(int64(n)))) {
				step = c
				break
			}
		}
	}
	var out []tick
	for t := ceilTo(lo, step); !t.GreaterThan(hi); t = t.Add(step) {
		out = append(out, tick{Pos: pos(t), Label: label(t)})
	}
	return out
}
