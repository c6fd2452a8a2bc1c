package report

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// The charts are laid out here in SVG user units and drawn by the HTML
// template. Amounts stay decimal; they become float64 only in scale, to
// place them.

// palette is Okabe and Ito's colour-blind-safe palette, darkest first.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

// px is a coordinate, written with one decimal.
type px float64

// String writes the coordinate with one decimal place.
func (p px) String() string { return strconv.FormatFloat(float64(p), 'f', 1, 64) }

// box is a plotting area: left, top, right, bottom.
type box struct{ X0, Y0, X1, Y1 px }

// tick is a labelled position on an axis.
type tick struct {
	Pos   px
	Label string
}

// label is text at a point.
type label struct {
	X, Y px
	Text string
}

// legendItem is a colour key; Dash marks a dashed line.
type legendItem struct {
	X, Y       px
	Fill, Name string
	Line, Dash bool
}

// End is where a legend line ends.
func (l legendItem) End() px { return l.X + 22 }

// axis maps the amounts Lo..Top onto a plot's height.
type axis struct {
	Lo, Top, Step decimal.Decimal
}

// niceAxis picks a step of 1, 2 or 5 times a power of ten (not below the
// currency's minor unit) that covers lo..hi in at most five steps, and
// rounds lo down and hi up to whole steps.
func niceAxis(lo, hi decimal.Decimal, places int32) axis {
	five := decimal.NewFromInt(5)
	for exp := -max(places, 0); ; exp++ {
		for _, m := range []int64{1, 2, 5} {
			step := decimal.New(m, exp)
			a := axis{Lo: lo.Div(step).Floor().Mul(step), Top: hi.Div(step).Ceil().Mul(step), Step: step}
			if a.Top.Equal(a.Lo) {
				a.Top = a.Lo.Add(step)
			}
			if a.Top.Sub(a.Lo).LessThanOrEqual(step.Mul(five)) {
				return a
			}
		}
	}
}

// y places an amount between the plot's bottom (Lo) and top (Top).
func (a axis) y(v decimal.Decimal, b box) px {
	return b.Y1 - scale(v.Sub(a.Lo), a.Top.Sub(a.Lo))*(b.Y1-b.Y0)
}

// ticks labels every step from Lo to Top with money.
func (a axis) ticks(b box, m amounts) []tick {
	labels := amounts{m.currency, max(0, -a.Step.Exponent())}
	var out []tick
	for v := a.Lo; v.LessThanOrEqual(a.Top); v = v.Add(a.Step) {
		out = append(out, tick{Pos: a.y(v, b), Label: labels.f(v)})
	}
	return out
}

// scale is v/whole as a fraction for placing, 0 when whole is zero.
func scale(v, whole decimal.Decimal) px {
	if whole.IsZero() {
		return 0
	}
	return px(v.Div(whole).InexactFloat64())
}

// legend lays out items in rows across width w from (x, y), wrapping as
// needed, and returns the y below the last row.
func legend(items []legendItem, x, y, w px) px {
	cx := x
	for i := range items {
		iw := px(34 + 7*len([]rune(items[i].Name)))
		if cx > x && cx+iw > x+w {
			cx, y = x, y+22
		}
		items[i].X, items[i].Y = cx, y
		cx += iw
	}
	return y + 22
}

// barChart is a stacked bar chart of credits per month, one colour per
// provider.
type barChart struct {
	ID, Title, Desc string
	W, H            int
	Plot            box
	YTicks          []tick
	Bars            []bar
	Totals          []label // above each bar, when there is room
	XLabels         []monthLabel
	Legend          []legendItem
}

// bar is one provider's part of one month's bar.
type bar struct {
	X, Y, W, H px
	Fill, Tip  string
}

// monthLabel labels a bar with its month and, where the year starts, the year.
type monthLabel struct {
	X           px
	Month, Year string
}

// monthlyChart lays out s.Monthly; nil when there is nothing to draw.
func monthlyChart(s *Summary, m amounts) *barChart {
	if len(s.Monthly) == 0 || len(s.Monthly[0].Points) == 0 {
		return nil
	}
	c := &barChart{ID: "chart-monthly", W: 960, H: 380,
		Title: "Service credits by month and " + groupName(s)}
	for i, se := range s.Monthly {
		c.Legend = append(c.Legend, legendItem{Fill: color(i), Name: se.Name})
	}
	top := legend(c.Legend, 96, 16, 840)
	c.Plot = box{96, top + 8, px(c.W - 24), px(c.H - 48)}
	totals := monthTotals(s.Monthly)
	hi := decimal.Max(decimal.Zero, totals...)
	ax := niceAxis(decimal.Zero, hi, s.MinorUnits)
	c.YTicks = ax.ticks(c.Plot, m)
	c.layBars(s.Monthly, totals, ax, m)
	c.Desc = monthlyDesc(s, totals, m)
	return c
}

// monthTotals adds up the series month by month, as the bars stack them:
// a negative amount (credits are never negative) counts as zero.
func monthTotals(series []Series) []decimal.Decimal {
	out := make([]decimal.Decimal, len(series[0].Points))
	for i := range out {
		out[i] = decimal.Zero
		for _, se := range series {
			out[i] = out[i].Add(decimal.Max(valueAt(se, i), decimal.Zero))
		}
	}
	return out
}

// layBars stacks each month's series from the axis up.
func (c *barChart) layBars(series []Series, totals []decimal.Decimal, ax axis, m amounts) {
	band := (c.Plot.X1 - c.Plot.X0) / px(len(totals))
	w := min(band*0.62, 56)
	for i, total := range totals {
		x := c.Plot.X0 + band*px(i) + (band-w)/2
		month := series[0].Points[i].Month
		sum := decimal.Zero
		for j, se := range series {
			v := decimal.Max(valueAt(se, i), decimal.Zero)
			if !v.IsPositive() {
				continue
			}
			y0, y1 := ax.y(sum, c.Plot), ax.y(sum.Add(v), c.Plot)
			sum = sum.Add(v)
			c.Bars = append(c.Bars, bar{X: x, Y: y1, W: w, H: y0 - y1, Fill: color(j),
				Tip: se.Name + ", " + formatMonth(month) + ": " + m.f(v)})
		}
		if band >= 84 {
			c.Totals = append(c.Totals, label{X: x + w/2, Y: ax.y(total, c.Plot) - 6, Text: m.f(total)})
		}
		c.XLabels = append(c.XLabels, monthLabel{X: x + w/2})
	}
	c.labelMonths(series[0].Points)
}

// labelMonths names every k-th month so that at most 12 labels show; the
// year is shown under the first label and under each January.
func (c *barChart) labelMonths(pts []MonthValue) {
	k := (len(pts) + 11) / 12
	for i := range c.XLabels {
		if i%k != 0 {
			continue
		}
		name := formatMonth(pts[i].Month)
		mon, year, ok := strings.Cut(name, " ")
		c.XLabels[i].Month = mon
		if ok && (i == 0 || mon == "Jan") {
			c.XLabels[i].Year = year
		}
	}
}

func monthlyDesc(s *Summary, totals []decimal.Decimal, m amounts) string {
	names := make([]string, len(s.Monthly))
	for i, se := range s.Monthly {
		names[i] = se.Name
	}
	hi := 0
	for i, t := range totals {
		if t.GreaterThan(totals[hi]) {
			hi = i
		}
	}
	pts := s.Monthly[0].Points
	return "Stacked bars of baseline service credits for each month from " + formatMonth(pts[0].Month) +
		" to " + formatMonth(pts[len(pts)-1].Month) + ", one colour per " + groupName(s) + " (" +
		strings.Join(names, ", ") + "). The highest month is " + formatMonth(pts[hi].Month) +
		" with " + m.f(totals[hi]) + "."
}

// color is the i-th series colour.
func color(i int) string { return palette[i%len(palette)] }

// lineChart is total credits against a sweep's values, with the baseline
// as a dashed line.
type lineChart struct {
	ID, Title, Desc string
	W, H            int
	Plot            box
	YTicks, XTicks  []tick
	XTitle          label
	Points          string  // polyline points
	Dots            []label // each point, its text a tooltip
	Base            px
	Legend          []legendItem
}

// sweepChart lays out one sweep; nil when it has no points.
func sweepChart(sw Sweep, n int, m amounts) *lineChart {
	if len(sw.Points) == 0 {
		return nil
	}
	c := &lineChart{ID: "chart-sweep-" + strconv.Itoa(n), W: 560, H: 340,
		Title: "Total credits against " + sw.KPI + " " + sw.Field}
	c.Legend = []legendItem{
		{Fill: palette[0], Name: "Total credits", Line: true},
		{Fill: palette[5], Name: "Baseline " + m.f(sw.Base), Line: true, Dash: true},
	}
	top := legend(c.Legend, 96, 16, 440)
	c.Plot = box{96, top + 8, px(c.W - 28), px(c.H - 58)}
	c.XTitle = label{X: (c.Plot.X0 + c.Plot.X1) / 2, Y: c.Plot.Y1 + 42, Text: sw.KPI + " " + sw.Field}
	lo, hi := sw.Base, sw.Base
	for _, p := range sw.Points {
		lo, hi = decimal.Min(lo, p.Credits), decimal.Max(hi, p.Credits)
	}
	ax := niceAxis(lo, hi, m.places)
	c.YTicks = ax.ticks(c.Plot, m)
	c.Base = ax.y(sw.Base, c.Plot)
	c.layLine(sw, ax, m)
	c.Desc = "Line chart of total service credits for each value of " + sw.KPI + " " + sw.Field +
		" from " + sweepFormat(sw)(sw.Points[0].Value) +
		" to " + sweepFormat(sw)(sw.Points[len(sw.Points)-1].Value) +
		", with the baseline's " + m.f(sw.Base) + " as a dashed line."
	return c
}

// layLine places the sweep's points, spacing values to scale.
func (c *lineChart) layLine(sw Sweep, ax axis, m amounts) {
	lo, hi := sw.Points[0].Value, sw.Points[len(sw.Points)-1].Value
	last := px(-100)
	var pts []string
	value := sweepFormat(sw)
	for _, p := range sw.Points {
		v := value(p.Value)
		x := c.Plot.X0 + (c.Plot.X1-c.Plot.X0)/2
		if !hi.Equal(lo) {
			x = c.Plot.X0 + scale(p.Value.Sub(lo), hi.Sub(lo))*(c.Plot.X1-c.Plot.X0)
		}
		y := ax.y(p.Credits, c.Plot)
		pts = append(pts, x.String()+","+y.String())
		c.Dots = append(c.Dots, label{X: x, Y: y, Text: sw.Field + " " + v + ": " + m.f(p.Credits)})
		if x-last >= 44 {
			c.XTicks = append(c.XTicks, tick{Pos: x, Label: v})
			last = x
		}
	}
	c.Points = strings.Join(pts, " ")
}
