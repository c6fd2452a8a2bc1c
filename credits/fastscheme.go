package credits

import (
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/money"
	"github.com/kpicredit/kpicredit/rules"
)

// roundFixed is round in fixed point: a×b/den rounded once to the minor
// unit by the rulebook's mode.
func (c *Calculator) roundFixed(a, b, den fixed.Decimal) (fixed.Decimal, bool) {
	mode := fixed.HalfUp
	if c.rb.Rounding == money.HalfEven {
		mode = fixed.HalfEven
	}
	return fixed.MulRoundQuo(a, b, den, int(c.places), mode)
}

// priceFixed is price in fixed point: a failing KPI's points (for points
// schemes) and its amount, rounded once, escalation included. Only the
// value of a quotient matters once it is rounded, so each amount is one
// product over one divisor, whatever the decimal path's exponents.
func (c *Calculator) priceFixed(k *rules.KPI, fk *fixedKPI, o *Observation, charge, mult fixed.Decimal) (points, amount fixed.Decimal, ok bool) {
	var f fail
	level := o.Status - rules.Minor
	switch k.Credit.Kind {
	case rules.Fixed:
		amount, ok = c.roundFixed(fk.levels[level], mult, fOne)
		return fixed.Decimal{}, amount, ok
	case rules.PercentOfCharge:
		// charge x percent / 100 to 16 places, exact when it has no more
		base := f.of(charge.Mul(fk.levels[level]))
		if base.Scale()+2 > 16 || f.bad {
			return points, amount, false
		}
		amount, ok = c.roundFixed(base, mult, fHund)
		return fixed.Decimal{}, amount, ok
	case rules.Points:
		points = f.of(fk.levels[level].Mul(mult))
		if k.Area == nil {
			amount = f.of(c.roundFixed(points, c.fx.pointValue, fOne))
		}
		return points, amount, !f.bad
	case rules.Sliding:
		return fixed.Decimal{}, f.of(c.slidingFixed(k, fk, o, charge, mult)), !f.bad
	case rules.PerShortfall:
		return fixed.Decimal{}, f.of(c.perShortfallFixed(k, fk, o, charge, mult)), !f.bad
	}
	return fixed.Decimal{}, fixed.Decimal{}, true
}

// shortfallFixed is rules.Direction.Shortfall in fixed point.
func shortfallFixed(k *rules.KPI, m, target fixed.Decimal) (fixed.Decimal, bool) {
	if !k.Direction.WorseBy(m.Cmp(target)) {
		return fixed.Decimal{}, true
	}
	if k.Direction == rules.Lower {
		return m.Sub(target)
	}
	return target.Sub(m)
}

// slidingFixed: charge x max% x min(1, shortfall / span) x escalation.
func (c *Calculator) slidingFixed(k *rules.KPI, fk *fixedKPI, o *Observation, charge, mult fixed.Decimal) (fixed.Decimal, bool) {
	var f fail
	m := f.of(o.fixedMeasure())
	short := f.of(shortfallFixed(k, m, fk.target))
	whole := f.of(f.of(charge.Mul(fk.maxPct)).Mul(mult))
	if f.bad {
		return fixed.Decimal{}, false
	}
	if short.Cmp(fk.span) >= 0 { // at or beyond the floor
		return c.roundFixed(whole, fOne, fHund)
	}
	return c.roundFixed(whole, short, fk.span100)
}

// perShortfallFixed: charge x percent% (or money) per `per` of
// shortfall, the units rounded down to whole units when asked.
func (c *Calculator) perShortfallFixed(k *rules.KPI, fk *fixedKPI, o *Observation, charge, mult fixed.Decimal) (fixed.Decimal, bool) {
	var f fail
	s := &k.Credit
	m := f.of(o.fixedMeasure())
	units := f.of(shortfallFixed(k, m, fk.target))
	den, den100 := fk.per, fk.per100
	if s.WholeUnits && !f.bad {
		var ok bool
		units, _, ok = fixed.QuoRem(units, fk.per, 0)
		f.bad = !ok
		den, den100 = fOne, fHund
	}
	rate := fk.rate // money per unit
	if s.Money == nil {
		rate = f.of(charge.Mul(fk.rate)) // a percent of the charge per unit
		den = den100
	}
	a := f.of(rate.Mul(mult))
	if f.bad {
		return fixed.Decimal{}, false
	}
	return c.roundFixed(a, units, den)
}
