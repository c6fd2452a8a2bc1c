package credits

import (
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// quote is an exact amount kept as a fraction, so that it is rounded once
// at the end.
type quote struct {
	num, den decimal.Decimal
	points   decimal.Decimal // for points schemes: the points earned, after escalation
}

// price works out the credit of a failing KPI under its scheme, escalation
// included, as an exact fraction; a KPI whose points go to a service area
// gets its points and no money. (text.scheme writes its working.)
func (c *Calculator) price(k *rules.KPI, level rules.Status, measure, charge, mult decimal.Decimal) quote {
	s := &k.Credit
	esc := func(base decimal.Decimal) quote { return quote{num: base.Mul(mult), den: one} }
	switch s.Kind {
	case rules.Fixed:
		amt, _ := s.Amount(level)
		return esc(amt)
	case rules.PercentOfCharge:
		pct, _ := s.Amount(level)
		return esc(charge.Mul(pct).Div(hundred))
	case rules.Points:
		pts, _ := s.Amount(level)
		earned := pts.Mul(mult)
		if k.Area != nil {
			return quote{num: zero, den: one, points: earned}
		}
		q := esc(pts.Mul(c.rb.PointValue))
		q.points = earned
		return q
	case rules.Sliding:
		return sliding(k, measure, charge, mult)
	case rules.PerShortfall:
		return perShortfall(k, measure, charge, mult)
	}
	return quote{num: zero, den: one}
}

// sliding: charge x max% x min(1, shortfall / |target - floor|) x escalation.
func sliding(k *rules.KPI, measure, charge, mult decimal.Decimal) quote {
	s := &k.Credit
	short := k.Shortfall(measure)
	span := k.Target.Sub(s.Floor).Abs()
	whole := charge.Mul(s.MaxPercent).Mul(mult)
	if !short.LessThan(span) { // at or beyond the floor
		return quote{num: whole, den: hundred}
	}
	return quote{num: whole.Mul(short), den: hundred.Mul(span)}
}

// perShortfall: charge x percent% (or money) per `per` of shortfall, the
// units rounded down to whole units when asked.
func perShortfall(k *rules.KPI, measure, charge, mult decimal.Decimal) quote {
	s := &k.Credit
	short := k.Shortfall(measure)
	unitsNum, unitsDen := short, s.Per
	if s.WholeUnits {
		unitsNum, _ = short.QuoRem(s.Per, 0)
		unitsDen = one
	}
	if s.Money != nil {
		return quote{num: s.Money.Mul(unitsNum).Mul(mult), den: unitsDen}
	}
	return quote{num: charge.Mul(*s.Percent).Mul(unitsNum).Mul(mult), den: hundred.Mul(unitsDen)}
}
