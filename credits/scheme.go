package credits

import (
	"fmt"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// quote is an exact amount kept as a fraction, so that it is rounded once
// at the end, and, when asked for, the words that show how it was reached.
type quote struct {
	num, den decimal.Decimal
	points   decimal.Decimal // for points schemes: the points earned, after escalation
	how      string
}

// price works out the credit of a failing KPI under its scheme, escalation
// included, as an exact fraction; a KPI whose points go to a service area
// gets its points and no money. The words are written only when words is
// true: nobody reads them in a large sweep.
func (c *Calculator) price(k *rules.KPI, level rules.Status, measure, charge, mult decimal.Decimal, words bool) quote {
	s := &k.Credit
	money := func(d decimal.Decimal) string { return c.money(d) }
	// esc escalates a base amount; the words show the base's working, and
	// its value only when a multiplier follows.
	esc := func(base decimal.Decimal, working func() string) quote {
		q := quote{num: base.Mul(mult), den: one}
		if !words {
			return q
		}
		if q.how = working(); !mult.Equal(one) {
			if q.how != money(base) {
				q.how += " = " + money(base)
			}
			q.how = fmt.Sprintf("%s x %s", q.how, mult)
		}
		return q
	}
	switch s.Kind {
	case rules.Fixed:
		amt, _ := s.Amount(level)
		return esc(amt, func() string { return money(amt) })
	case rules.PercentOfCharge:
		pct, _ := s.Amount(level)
		base := charge.Mul(pct).Div(hundred)
		return esc(base, func() string { return fmt.Sprintf("%s%% of %s", pct, money(charge)) })
	case rules.Points:
		pts, _ := s.Amount(level)
		earned := pts.Mul(mult)
		if k.Area != nil {
			q := quote{num: zero, den: one, points: earned}
			if words {
				q.how = points(pts)
				if !mult.Equal(one) {
					q.how = fmt.Sprintf("%s x %s = %s", points(pts), mult, points(earned))
				}
			}
			return q
		}
		base := pts.Mul(c.rb.PointValue)
		q := esc(base, func() string { return fmt.Sprintf("%s x %s", points(pts), money(c.rb.PointValue)) })
		q.points = earned
		return q
	case rules.Sliding:
		return c.sliding(k, measure, charge, mult, words)
	case rules.PerShortfall:
		return c.perShortfall(k, measure, charge, mult, words)
	}
	return quote{num: zero, den: one}
}

// sliding: charge x max% x min(1, shortfall / |target - floor|) x escalation.
func (c *Calculator) sliding(k *rules.KPI, measure, charge, mult decimal.Decimal, words bool) quote {
	s := &k.Credit
	short := k.Shortfall(measure)
	span := k.Target.Sub(s.Floor).Abs()
	whole := charge.Mul(s.MaxPercent).Mul(mult)
	atFloor := !short.LessThan(span)
	q := quote{num: whole.Mul(short), den: hundred.Mul(span)}
	if atFloor {
		q = quote{num: whole, den: hundred}
	}
	if !words {
		return q
	}
	how := fmt.Sprintf("sliding: %s%% of %s", s.MaxPercent, c.money(charge))
	if atFloor {
		how += fmt.Sprintf(" (shortfall %s reaches the floor %s)", short, s.Floor)
	} else {
		how += fmt.Sprintf(" x shortfall %s / %s", Measure(short, span), span)
	}
	q.how = withMult(how, mult)
	return q
}

// perShortfall: charge x percent% (or money) per `per` of shortfall, the
// units rounded down to whole units when asked.
func (c *Calculator) perShortfall(k *rules.KPI, measure, charge, mult decimal.Decimal, words bool) quote {
	s := &k.Credit
	short := k.Shortfall(measure)
	unitsNum, unitsDen := short, s.Per
	if s.WholeUnits {
		unitsNum, _ = short.QuoRem(s.Per, 0)
		unitsDen = one
	}
	var q quote
	if s.Money != nil {
		q = quote{num: s.Money.Mul(unitsNum).Mul(mult), den: unitsDen}
	} else {
		q = quote{num: charge.Mul(*s.Percent).Mul(unitsNum).Mul(mult), den: hundred.Mul(unitsDen)}
	}
	if !words {
		return q
	}
	shortText := Measure(short, s.Per)
	unitsText := fmt.Sprintf("shortfall %s / %s", shortText, s.Per)
	if s.WholeUnits {
		plural := "s"
		if unitsNum.Equal(one) {
			plural = ""
		}
		unitsText = fmt.Sprintf("%s whole unit%s of %s in a shortfall of %s", unitsNum, plural, s.Per, shortText)
	}
	if s.Money != nil {
		q.how = withMult(fmt.Sprintf("%s per %s: %s", c.money(*s.Money), s.Per, unitsText), mult)
	} else {
		q.how = withMult(fmt.Sprintf("%s%% of %s per %s: %s", s.Percent, c.money(charge), s.Per, unitsText), mult)
	}
	return q
}

func withMult(how string, mult decimal.Decimal) string {
	if mult.Equal(one) {
		return how
	}
	return how + " x " + mult.String()
}

// points writes a number of points, e.g. "1 point", "4.5 points".
func points(n decimal.Decimal) string {
	if n.Equal(one) {
		return "1 point"
	}
	return n.String() + " points"
}
