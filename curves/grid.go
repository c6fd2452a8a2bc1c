package curves

import (
	"slices"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// MaxSteps bounds the grid of one KPI: a span of more units than this
// takes a unit ten times larger, as often as it needs.
const MaxSteps = 2000

// MaxJumps bounds the whole-unit steps of a per_shortfall credit that
// get points of their own beside the grid's.
const MaxJumps = 1000

var (
	zero     = decimal.Zero
	one      = decimal.NewFromInt(1)
	ten      = decimal.NewFromInt(10)
	hundred  = decimal.NewFromInt(100)
	milli    = decimal.New(1, -3)
	epsilon  = decimal.New(1, -kpi.DivisionPlaces) // the finest step a measure is held to
	quarter  = decimal.RequireFromString("0.25")
	shareMax = one
)

// grid is the measures a KPI's curves are priced at, ascending.
type grid struct {
	share        bool
	unit, lo, hi decimal.Decimal
	// floor0 is true when measures are taken not to go below 0: for a
	// share, and when every anchor is at or above 0. (A share also stops
	// at 1.)
	floor0 bool
	points []Point // Measure, OnGrid, Beside and Ref set
}

// isShare reports whether the KPI measures a share: every version's
// target, bounds and sliding floor, and every observed measure
// (ascending), lie within 0 to 1.
func isShare(vs []*version, observed []decimal.Decimal) bool {
	in := func(d decimal.Decimal) bool { return !d.IsNegative() && !d.GreaterThan(shareMax) }
	for _, v := range vs {
		if !in(v.k.Target) || v.k.Credit.Kind == rules.Sliding && !in(v.k.Credit.Floor) {
			return false
		}
		for _, b := range v.k.Bounds {
			if b != nil && !in(*b) {
				return false
			}
		}
	}
	// Observed is ascending: its ends are within 0 to 1 when all of it is.
	return len(observed) == 0 || in(observed[0]) && in(observed[len(observed)-1])
}

// makeGrid lays out the grid of a KPI over every version of it: from the
// lowest to the highest anchor (target, bounds, sliding floor, where a
// per_shortfall credit passes the cap or at-risk share), widened on each
// side by a quarter of that span (at least ten units) and kept within 0 to
// 1 for a share, or above 0 when every anchor is; then the target, each
// bound and each whole-unit step of a per_shortfall credit, exactly and
// on each side.
func makeGrid(vs []*version, observed []decimal.Decimal) grid {
	g := grid{share: isShare(vs, observed), unit: one}
	if g.share {
		g.unit = milli
	}
	var anchors []decimal.Decimal
	for _, v := range vs {
		anchors = append(anchors, v.anchors()...)
	}
	lo, hi := slices.MinFunc(anchors, decimal.Decimal.Cmp), slices.MaxFunc(anchors, decimal.Decimal.Cmp)
	g.floor0 = g.share || !lo.IsNegative()
	margin := decimal.Max(ceilTo(hi.Sub(lo).Mul(quarter), g.unit), g.unit.Mul(ten))
	lo, hi = lo.Sub(margin), hi.Add(margin)
	for {
		g.lo, g.hi = floorTo(lo, g.unit), ceilTo(hi, g.unit)
		if g.floor0 {
			g.lo = decimal.Max(g.lo, zero)
		}
		if g.share {
			g.hi = decimal.Min(g.hi, shareMax)
		}
		if !g.hi.Sub(g.lo).GreaterThan(g.unit.Mul(decimal.NewFromInt(MaxSteps))) {
			break
		}
		g.unit = g.unit.Mul(ten)
	}
	for x := g.lo; !x.GreaterThan(g.hi); x = x.Add(g.unit) {
		g.points = append(g.points, Point{Measure: x, OnGrid: true})
	}
	for _, v := range vs {
		for _, b := range v.jumps(g.lo, g.hi) {
			g.add(Point{Measure: b})
			g.add(Point{Measure: b.Sub(epsilon), Beside: -1, Ref: b})
			g.add(Point{Measure: b.Add(epsilon), Beside: 1, Ref: b})
		}
		if v.k.Credit.Kind == rules.Sliding {
			g.add(Point{Measure: v.k.Credit.Floor})
		}
	}
	slices.SortStableFunc(g.points, func(a, b Point) int { return a.Measure.Cmp(b.Measure) })
	g.points = slices.CompactFunc(g.points, func(a, b Point) bool { return a.Measure.Equal(b.Measure) })
	return g
}

// add adds a point within the grid's ends; a point already there (the
// grid's own comes first) is dropped when the points are compacted.
func (g *grid) add(p Point) {
	if !p.Measure.LessThan(g.lo) && !p.Measure.GreaterThan(g.hi) {
		g.points = append(g.points, p)
	}
}

// anchors are the measures the version's curve must span.
func (v *version) anchors() []decimal.Decimal {
	k := v.k
	out := []decimal.Decimal{k.Target}
	for _, b := range k.Bounds {
		if b != nil {
			out = append(out, *b)
		}
	}
	switch k.Credit.Kind {
	case rules.Sliding:
		out = append(out, k.Credit.Floor)
	case rules.PerShortfall:
		out = append(out, v.worse(k.Target, v.reach()))
	}
	return out
}

// reach is the shortfall at which a per_shortfall credit, at the first
// failure, passes the larger of the monthly cap and the at-risk amount:
// one more unit of per than that amount's worth; ten units of per when
// there is neither or the credit per unit is nothing.
func (v *version) reach() decimal.Decimal {
	s := &v.k.Credit
	rate := v.charge.Mul(decimal.Max(zero, ptrOr(s.Percent))).Div(hundred)
	if s.Money != nil {
		rate = *s.Money
	}
	limit := zero
	if v.cap != nil {
		limit = *v.cap
	}
	if v.atRisk != nil {
		limit = decimal.Max(limit, v.atRisk.money)
	}
	if !limit.IsPositive() || !rate.IsPositive() {
		return s.Per.Mul(ten)
	}
	units, _ := limit.QuoRem(rate, 0)
	return units.Add(one).Mul(s.Per)
}

// jumps are the measures where the version's credit jumps: the target,
// each bound, and, for a per_shortfall credit in whole units, each whole
// unit of shortfall within lo to hi (unless there are more than
// MaxJumps).
func (v *version) jumps(lo, hi decimal.Decimal) []decimal.Decimal {
	k := v.k
	out := []decimal.Decimal{k.Target}
	for _, b := range k.Bounds {
		if b != nil {
			out = append(out, *b)
		}
	}
	s := &k.Credit
	if s.Kind != rules.PerShortfall || !s.WholeUnits {
		return out
	}
	span := decimal.Max(hi.Sub(k.Target).Abs(), lo.Sub(k.Target).Abs())
	if n, _ := span.QuoRem(s.Per, 0); n.GreaterThan(decimal.NewFromInt(MaxJumps)) {
		return out
	}
	for short := s.Per; !short.GreaterThan(span); short = short.Add(s.Per) {
		out = append(out, v.worse(k.Target, short))
	}
	return out
}

// worse returns the measure d further than x on the failing side.
func (v *version) worse(x, d decimal.Decimal) decimal.Decimal {
	if v.k.Direction == rules.Lower {
		return x.Add(d)
	}
	return x.Sub(d)
}

// floorTo rounds d down to a whole number of units.
func floorTo(d, unit decimal.Decimal) decimal.Decimal {
	q, r := d.QuoRem(unit, 0)
	if r.IsNegative() {
		q = q.Sub(one)
	}
	return q.Mul(unit)
}

// ceilTo rounds d up to a whole number of units.
func ceilTo(d, unit decimal.Decimal) decimal.Decimal {
	q, r := d.QuoRem(unit, 0)
	if r.IsPositive() {
		q = q.Add(one)
	}
	return q.Mul(unit)
}

func ptrOr(d *decimal.Decimal) decimal.Decimal {
	if d == nil {
		return zero
	}
	return *d
}
