package curves

import (
	"slices"
	"sort"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// worsening returns the indices of the points, from the best measure to
// the worst in the KPI's direction; onGrid keeps only the grid's points.
func (v *version) worsening(points []Point, onGrid bool) []int {
	var out []int
	for j := range points {
		if !onGrid || points[j].OnGrid {
			out = append(out, j)
		}
	}
	if v.k.Direction == rules.Higher {
		for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
	}
	return out
}

// extremes sets the curve's largest credits over every measure the KPI
// can take: those on the grid, and the worst end of a share's range (or
// 0 for a measure that does not go below it) when the grid stops short of
// it. A per_shortfall credit of a measure with no worst end is unbounded.
func (v *version) extremes(c *Curve, g grid, p *pricer) {
	var cands []Point
	for _, j := range v.worsening(c.Points, false) {
		cands = append(cands, c.Points[j])
	}
	end, hasEnd := v.worstEnd(g)
	if hasEnd {
		tail := []Point{{Measure: end, Level: v.k.Classify(end)}}
		tail[0].Credit = p.first(tail[0].Level, end)
		p.escalate(tail)
		cands = append(cands, tail[0])
	}
	s := &v.k.Credit
	unbounded := !hasEnd && s.Kind == rules.PerShortfall && (ptrOr(s.Percent).IsPositive() || ptrOr(s.Money).IsPositive())
	c.Max = largest(cands, func(p Point) decimal.Decimal { return p.Credit })
	c.MaxEscalated = largest(cands, func(p Point) decimal.Decimal { return p.Escalated })
	c.Max.Unbounded, c.MaxEscalated.Unbounded = unbounded, unbounded
}

// worstEnd is the worst measure the KPI can take when the grid does not
// reach it: 0 for a higher-is-better measure that does not go below 0,
// 1 for a lower-is-better share.
func (v *version) worstEnd(g grid) (decimal.Decimal, bool) {
	switch {
	case v.k.Direction == rules.Higher && g.floor0 && g.lo.IsPositive():
		return zero, true
	case v.k.Direction == rules.Lower && g.share && g.hi.LessThan(one):
		return one, true
	}
	return zero, false
}

// largest is the first of points (in worsening order) with the largest
// credit.
func largest(points []Point, credit func(Point) decimal.Decimal) Extreme {
	e := Extreme{Credit: zero}
	for i, p := range points {
		if i == 0 || credit(p).GreaterThan(e.Credit) {
			e.Credit, e.At = credit(p), p
		}
	}
	return e
}

// flag finds the curve's flags and marks the points they hold at.
func (s *Set) flag(c *Curve, v *version, g grid, observed []decimal.Decimal, hasData bool) {
	t := s.texts(g)
	s.cliffs(c, v, t, false)
	if c.Escalates() {
		s.cliffs(c, v, t, true)
	}
	s.overAtRisk(c, v, t)
	if hasData {
		unreached(c, v, t, observed)
	}
}

// cliffs flags each run of adjacent grid steps (one unit apart) where the
// credit moves by more than CliffPercent of the charge, at the first
// failure or, with escalated, at the highest multiplier where the first
// failure does not. A run is reported once, at its largest step (the
// first, from the target outward, of equal ones); each step's worse point
// is marked.
func (s *Set) cliffs(c *Curve, v *version, t texts, escalated bool) {
	kind, credit := Cliff, func(p *Point) decimal.Decimal { return p.Credit }
	if escalated {
		kind, credit = EscalatedCliff, func(p *Point) decimal.Decimal { return p.Escalated }
	}
	steep := func(a, b *Point, credit func(*Point) decimal.Decimal) (decimal.Decimal, bool) {
		jump := credit(b).Sub(credit(a))
		return jump, jump.Abs().GreaterThan(s.CliffAmount)
	}
	idx := v.worsening(c.Points, true)
	var run *Flag
	for j := 1; j <= len(idx); j++ {
		ok := false
		var jump decimal.Decimal
		var a, b *Point
		if j < len(idx) {
			a, b = &c.Points[idx[j-1]], &c.Points[idx[j]]
			jump, ok = steep(a, b, credit)
			if _, first := steep(a, b, func(p *Point) decimal.Decimal { return p.Credit }); escalated && first {
				ok = false
			}
		}
		switch {
		case ok && run == nil:
			run = &Flag{Kind: kind, Before: a.Measure, After: b.Measure, From: a.Measure, To: b.Measure, Jump: jump}
		case ok:
			run.To = b.Measure
			if jump.Abs().GreaterThan(run.Jump.Abs()) {
				run.Before, run.After, run.Jump = a.Measure, b.Measure, jump
			}
		case run != nil:
			run.Text = t.cliff(run, c)
			c.Flags = append(c.Flags, *run)
			run = nil
		}
		if ok {
			b.Flags = b.Flags.With(kind)
		}
	}
}

// overAtRisk flags a curve whose largest credit exceeds the at-risk share
// of the charge, at the first failure or else at the highest multiplier,
// and marks the points whose credit does.
func (s *Set) overAtRisk(c *Curve, v *version, t texts) {
	if v.atRisk == nil {
		return
	}
	over := v.atRisk.exceeded
	kind, max, credit := OverAtRisk, c.Max, func(p *Point) decimal.Decimal { return p.Credit }
	if !over(c.Max.Credit) && !c.Max.Unbounded {
		kind, max, credit = EscalatedOverAtRisk, c.MaxEscalated, func(p *Point) decimal.Decimal { return p.Escalated }
		if !over(max.Credit) {
			return
		}
	}
	f := Flag{Kind: kind, Credit: max.Credit, Measure: max.At, Exceeds: max.At, Unbounded: max.Unbounded}
	for _, j := range v.worsening(c.Points, false) {
		if over(credit(&c.Points[j])) {
			f.Exceeds = c.Points[j]
			break
		}
	}
	f.Text = t.overAtRisk(&f, c, v)
	c.Flags = append(c.Flags, f)
	for j := range c.Points {
		p := &c.Points[j]
		if over(p.Credit) {
			p.Flags = p.Flags.With(OverAtRisk)
		} else if over(p.Escalated) {
			p.Flags = p.Flags.With(EscalatedOverAtRisk)
		}
	}
}

// unreached flags each failure level the KPI can reach that none of the
// observed measures falls in, under the curve's own rules, and marks the
// points at that level.
func unreached(c *Curve, v *version, t texts, observed []decimal.Decimal) {
	reached := reachedLevels(v.k, observed)
	for _, l := range v.k.Reachable() {
		if reached[l] {
			continue
		}
		f := Flag{Kind: Unreached, Level: l}
		f.Text = t.unreached(l, v.k, observed)
		c.Flags = append(c.Flags, f)
		for j := range c.Points {
			if c.Points[j].Level == l {
				c.Points[j].Flags = c.Points[j].Flags.With(Unreached)
			}
		}
	}
}

// reachedLevels returns the levels the KPI classifies the observed
// measures (ascending) at. Classify compares a measure only with the
// target and the bounds, so the measures between two adjacent of those
// (or beyond the last), and those equal to one, all have the level of the
// first of them: it classifies that one alone, found by binary search.
func reachedLevels(k *rules.KPI, observed []decimal.Decimal) map[rules.Status]bool {
	reached := map[rules.Status]bool{}
	start := 0 // the first measure not yet classified
	for _, t := range thresholds(k) {
		below := start + sort.Search(len(observed)-start, func(i int) bool { return !observed[start+i].LessThan(t) })
		at := below + sort.Search(len(observed)-below, func(i int) bool { return observed[below+i].GreaterThan(t) })
		if start < below { // between the previous threshold and t
			reached[k.Classify(observed[start])] = true
		}
		if below < at { // at t
			reached[k.Classify(observed[below])] = true
		}
		start = at
	}
	if start < len(observed) {
		reached[k.Classify(observed[start])] = true
	}
	return reached
}

// thresholds are the KPI's target and bounds, ascending, each once.
func thresholds(k *rules.KPI) []decimal.Decimal {
	out := []decimal.Decimal{k.Target}
	for _, b := range k.Bounds {
		if b != nil {
			out = append(out, *b)
		}
	}
	slices.SortFunc(out, decimal.Decimal.Cmp)
	return slices.CompactFunc(out, decimal.Decimal.Equal)
}

// sameCurve reports whether two curves of a KPI draw and flag alike.
func sameCurve(a, b *Curve) bool {
	if len(a.Points) != len(b.Points) || !eqPtr(a.Cap, b.Cap) || !eqPtr(a.AtRisk, b.AtRisk) ||
		len(a.Flags) != len(b.Flags) || !a.Max.Credit.Equal(b.Max.Credit) ||
		!a.MaxEscalated.Credit.Equal(b.MaxEscalated.Credit) {
		return false
	}
	for i := range a.Flags {
		if a.Flags[i].Text != b.Flags[i].Text {
			return false
		}
	}
	for i := range a.Points {
		p, q := &a.Points[i], &b.Points[i]
		if !p.Measure.Equal(q.Measure) || p.Level != q.Level || !p.Credit.Equal(q.Credit) ||
			!p.Escalated.Equal(q.Escalated) || p.Flags != q.Flags {
			return false
		}
	}
	return true
}

func eqPtr(a, b *decimal.Decimal) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}
