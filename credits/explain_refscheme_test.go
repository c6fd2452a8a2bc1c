package credits

import (
	"fmt"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The schemes' and areas' working as it was written with fmt, for the
// reference explanations (see explain_ref_test.go).

func (c *Calculator) refPrice(k *rules.KPI, level rules.Status, measure, charge, mult decimal.Decimal) refQuote {
	s := &k.Credit
	money := func(d decimal.Decimal) string { return c.money(d) }
	esc := func(base decimal.Decimal, working func() string) refQuote {
		q := refQuote{num: base.Mul(mult), den: one}
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
			q := refQuote{num: zero, den: one}
			q.how = refPoints(pts)
			if !mult.Equal(one) {
				q.how = fmt.Sprintf("%s x %s = %s", refPoints(pts), mult, refPoints(earned))
			}
			return q
		}
		base := pts.Mul(c.rb.PointValue)
		return esc(base, func() string { return fmt.Sprintf("%s x %s", refPoints(pts), money(c.rb.PointValue)) })
	case rules.Sliding:
		return c.refSliding(k, measure, charge, mult)
	case rules.PerShortfall:
		return c.refPerShortfall(k, measure, charge, mult)
	}
	return refQuote{num: zero, den: one}
}

func (c *Calculator) refSliding(k *rules.KPI, measure, charge, mult decimal.Decimal) refQuote {
	s := &k.Credit
	short := k.Shortfall(measure)
	span := k.Target.Sub(s.Floor).Abs()
	whole := charge.Mul(s.MaxPercent).Mul(mult)
	atFloor := !short.LessThan(span)
	q := refQuote{num: whole.Mul(short), den: hundred.Mul(span)}
	if atFloor {
		q = refQuote{num: whole, den: hundred}
	}
	how := fmt.Sprintf("sliding: %s%% of %s", s.MaxPercent, c.money(charge))
	if atFloor {
		how += fmt.Sprintf(" (shortfall %s reaches the floor %s)", short, s.Floor)
	} else {
		how += fmt.Sprintf(" x shortfall %s / %s", Measure(short, span), span)
	}
	q.how = refWithMult(how, mult)
	return q
}

func (c *Calculator) refPerShortfall(k *rules.KPI, measure, charge, mult decimal.Decimal) refQuote {
	s := &k.Credit
	short := k.Shortfall(measure)
	unitsNum, unitsDen := short, s.Per
	if s.WholeUnits {
		unitsNum, _ = short.QuoRem(s.Per, 0)
		unitsDen = one
	}
	var q refQuote
	if s.Money != nil {
		q = refQuote{num: s.Money.Mul(unitsNum).Mul(mult), den: unitsDen}
	} else {
		q = refQuote{num: charge.Mul(*s.Percent).Mul(unitsNum).Mul(mult), den: hundred.Mul(unitsDen)}
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
		q.how = refWithMult(fmt.Sprintf("%s per %s: %s", c.money(*s.Money), s.Per, unitsText), mult)
	} else {
		q.how = refWithMult(fmt.Sprintf("%s%% of %s per %s: %s", s.Percent, c.money(charge), s.Per, unitsText), mult)
	}
	return q
}

func refWithMult(how string, mult decimal.Decimal) string {
	if mult.Equal(one) {
		return how
	}
	return how + " x " + mult.String()
}

func (c *Calculator) refExplainArea(ac *AreaCredit, charge decimal.Decimal) {
	priced := ac.Points.Sub(ac.BonusUsed)
	how := c.refPriceArea(ac.Area, priced, charge)
	pts := refPoints(ac.Points)
	if ac.BonusUsed.IsPositive() {
		pts = fmt.Sprintf("%s less %s banked = %s", pts, refBonusPoints(ac.BonusUsed), refPoints(priced))
	}
	ac.How = fmt.Sprintf("area %s: %s = %s = %s", ac.Area.ID, pts, how, c.money(ac.Credit))
}

func (c *Calculator) refPriceArea(a *rules.ServiceArea, pts, charge decimal.Decimal) string {
	if len(a.Bands) > 0 {
		if band, ok := a.Band(pts); ok {
			return fmt.Sprintf("band from %s: %s%% of %s", band.From, band.Percent, c.money(charge))
		}
		return fmt.Sprintf("below the first band (%s)", a.Bands[0].From)
	}
	weighted, how := refTiered(pts, a.Threshold, a.Tiers)
	switch {
	case !weighted.IsPositive():
	case a.Value != nil:
		how = fmt.Sprintf("(%s) x %s", how, c.money(*a.Value))
	default:
		how = fmt.Sprintf("(%s) x %s%% of %s", how, a.Percent, c.money(charge))
	}
	return how
}

func refTiered(points, threshold decimal.Decimal, tiers []rules.Tier) (decimal.Decimal, string) {
	type band struct{ lo, mult decimal.Decimal }
	bands := []band{{threshold, one}}
	for _, t := range tiers {
		bands = append(bands, band{t.From.Sub(one), t.Multiplier})
	}
	weighted := zero
	how := fmt.Sprintf("%s nil", decimal.Min(points, threshold))
	for i, b := range bands {
		lo := decimal.Max(b.lo, threshold)
		hi := points
		if i+1 < len(bands) {
			hi = decimal.Min(hi, decimal.Max(bands[i+1].lo, threshold))
		}
		if !hi.GreaterThan(lo) {
			continue
		}
		n := hi.Sub(lo)
		weighted = weighted.Add(n.Mul(b.mult))
		how += fmt.Sprintf(" + %s x%s", n, b.mult)
	}
	return weighted, how
}
