package credits

import (
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The words of a credit's working, written for explanations from the same
// figures price and priceArea work with, e.g. "3 points x £250.00 =
// £750.00 x 1.5".

// scheme writes how a failing KPI's credit under its scheme arose,
// escalation included.
func (w *text) scheme(k *rules.KPI, level rules.Status, measure, charge, mult decimal.Decimal) {
	s := &k.Credit
	lo := len(w.b)
	switch s.Kind {
	case rules.Fixed:
		amt, _ := s.Amount(level)
		w.money(amt)
		w.escalated(lo, mult, func() decimal.Decimal { return amt })
	case rules.PercentOfCharge:
		pct, _ := s.Amount(level)
		w.percentOf(pct, charge)
		w.escalated(lo, mult, func() decimal.Decimal { return charge.Mul(pct).Div(hundred) })
	case rules.Points:
		pts, _ := s.Amount(level)
		w.points(pts)
		if k.Area != nil {
			if !isOne(mult) {
				w.str(" x ")
				w.dec(mult)
				w.str(" = ")
				w.points(pts.Mul(mult))
			}
			return
		}
		w.str(" x ")
		w.money(w.c.rb.PointValue)
		w.escalated(lo, mult, func() decimal.Decimal { return pts.Mul(w.c.rb.PointValue) })
	case rules.Sliding:
		w.sliding(k, measure, charge, mult)
	case rules.PerShortfall:
		w.perShortfall(k, measure, charge, mult)
	}
}

// escalated ends the working of an amount written from lo, when a
// multiplier other than 1 escalates it: the amount, unless the working
// is just that, and the multiplier.
func (w *text) escalated(lo int, mult decimal.Decimal, amount func() decimal.Decimal) {
	if isOne(mult) {
		return
	}
	working, end := w.since(lo), len(w.b)
	w.str(" = ")
	w.money(amount())
	if w.same(working, end+len(" = ")) {
		w.b = w.b[:end]
	}
	w.str(" x ")
	w.dec(mult)
}

// multiplied writes the multiplier that escalates a working, unless it
// is 1.
func (w *text) multiplied(mult decimal.Decimal) {
	if !isOne(mult) {
		w.str(" x ")
		w.dec(mult)
	}
}

// sliding: charge x max% x min(1, shortfall / |target - floor|) x escalation.
func (w *text) sliding(k *rules.KPI, measure, charge, mult decimal.Decimal) {
	s := &k.Credit
	short := k.Shortfall(measure)
	span := k.Target.Sub(s.Floor).Abs()
	w.str("sliding: ")
	w.percentOf(s.MaxPercent, charge)
	if cmp(short, span) >= 0 {
		w.str(" (shortfall ")
		w.dec(short)
		w.str(" reaches the floor ")
		w.dec(s.Floor)
		w.str(")")
	} else {
		w.str(" x shortfall ")
		w.measure(short, span)
		w.str(" / ")
		w.dec(span)
	}
	w.multiplied(mult)
}

// perShortfall: charge x percent% (or money) per `per` of shortfall, the
// units rounded down to whole units when asked.
func (w *text) perShortfall(k *rules.KPI, measure, charge, mult decimal.Decimal) {
	s := &k.Credit
	short := k.Shortfall(measure)
	if s.Money != nil {
		w.money(*s.Money)
	} else {
		w.percentOf(*s.Percent, charge)
	}
	w.str(" per ")
	w.dec(s.Per)
	w.str(": ")
	if s.WholeUnits {
		units, _ := short.QuoRem(s.Per, 0)
		w.dec(units)
		w.str(" whole unit")
		if !isOne(units) {
			w.str("s")
		}
		w.str(" of ")
		w.dec(s.Per)
		w.str(" in a shortfall of ")
		w.measure(short, s.Per)
	} else {
		w.str("shortfall ")
		w.measure(short, s.Per)
		w.str(" / ")
		w.dec(s.Per)
	}
	w.multiplied(mult)
}

// offset writes the banked bonus points that offset a points KPI's
// points (see offsetPoints), if any did.
func (w *text) offset(kc *KPICredit) {
	if kc.KPI.Area != nil || kc.Bonus == nil || !kc.Bonus.Used.IsPositive() {
		return
	}
	used := kc.Bonus.Used
	w.str("; ")
	w.points(kc.Points)
	w.str(" less ")
	w.bonusPoints(used)
	w.str(" banked = ")
	w.points(kc.Points.Sub(used))
	w.str(" x ")
	w.money(w.c.rb.PointValue)
}

// area writes how the i-th area's credit arose, e.g. "area property: 120
// points = (20 nil + 80 x1 + 20 x1.2) x £3.00 = £312.00".
func (w *text) area(i int, ac *AreaCredit, charge decimal.Decimal) {
	priced := ac.Points
	w.str("area ")
	w.str(ac.Area.ID)
	w.str(": ")
	w.points(ac.Points)
	if ac.BonusUsed.IsPositive() {
		priced = ac.Points.Sub(ac.BonusUsed)
		w.str(" less ")
		w.bonusPoints(ac.BonusUsed)
		w.str(" banked = ")
		w.points(priced)
	}
	w.str(" = ")
	w.areaWorking(i, ac.Area, priced, charge)
	w.str(" = ")
	w.money(ac.Credit)
}

// areaWorking writes how the i-th area's points were priced (see
// priceArea), e.g. "(20 nil + 80 x1 + 20 x1.2) x £3.00": its tiers worked
// out in fixed point where they fit, as only their values show.
func (w *text) areaWorking(i int, a *rules.ServiceArea, pts, charge decimal.Decimal) {
	if len(a.Bands) > 0 {
		if band, ok := a.Band(pts); ok {
			w.str("band from ")
			w.dec(band.From)
			w.str(": ")
			w.percentOf(band.Percent, charge)
		} else {
			w.str("below the first band (")
			w.dec(a.Bands[0].From)
			w.str(")")
		}
		return
	}
	lo := len(w.b)
	positive, ok := false, false
	if p, fits := fixed.FromDecimal(pts); fits && w.c.fx != nil && w.c.rb.Areas[i] == a {
		var f fail
		positive = tieredFixed(p, &w.c.fx.areas[i], &f, w).Sign() > 0
		ok = !f.bad
	}
	if !ok {
		w.b = w.b[:lo]
		positive = tiered(pts, a.Threshold, a.Tiers, w).IsPositive()
	}
	if !positive {
		return
	}
	w.insert(lo, "(")
	w.str(") x ")
	if a.Value != nil {
		w.money(*a.Value)
	} else {
		w.percentOf(*a.Percent, charge)
	}
}

// percentOf writes a percent of a charge, e.g. "0.5% of £4,371,785.56".
func (w *text) percentOf(pct, charge decimal.Decimal) {
	w.dec(pct)
	w.str("% of ")
	w.money(charge)
}
