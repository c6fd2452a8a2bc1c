package credits

import (
	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// pool converts the points of each service area's KPIs into the area's
// credit, after any banked bonus points offset them, and spreads it back
// over them pro rata to their points.
func (l *Lot) pool(lm *Month) {
	c := l.calc
	for _, a := range c.rb.Areas {
		var idx []int
		var weights []decimal.Decimal
		total := zero
		for i := range lm.KPIs {
			if lm.KPIs[i].KPI.Area == a {
				idx = append(idx, i)
				weights = append(weights, lm.KPIs[i].Points)
				total = total.Add(lm.KPIs[i].Points)
			}
		}
		ac := AreaCredit{Area: a, Points: total, Credit: zero, BonusUsed: zero}
		priced := total
		if c.rb.Bonus != nil && len(l.bank) > 0 && total.IsPositive() {
			ac.BonusUsed = l.useBonus(chargeable(a, total))
			priced = total.Sub(ac.BonusUsed)
		}
		c.priceArea(&ac, priced, lm.Charge)
		for j, share := range money.Allocate(ac.Credit, weights, c.places) {
			kc := &lm.KPIs[idx[j]]
			kc.Area, kc.AreaShare, kc.Amount = a.ID, share, share
		}
		lm.Areas = append(lm.Areas, ac)
	}
}

// chargeable is how many of an area's points earn a credit, and so how
// many banked bonus points can offset: those above its threshold, or, for
// a banded area whose points reach the first band, those from the first
// band's From less one on (enough to take the points below it).
func chargeable(a *rules.ServiceArea, total decimal.Decimal) decimal.Decimal {
	if len(a.Bands) > 0 {
		if total.LessThan(a.Bands[0].From) {
			return zero
		}
		return decimal.Min(total, total.Sub(a.Free()))
	}
	return decimal.Max(zero, total.Sub(a.Threshold))
}

// priceArea sets an area's credit for its points: through its band
// table, or per point above its threshold with its tiers. (text.area
// writes its working.)
func (c *Calculator) priceArea(ac *AreaCredit, pts, charge decimal.Decimal) {
	a := ac.Area
	if len(a.Bands) > 0 {
		if band, ok := a.Band(pts); ok {
			ac.Credit = c.round(charge.Mul(band.Percent), hundred)
		}
		return
	}
	weighted := tiered(pts, a.Threshold, a.Tiers, nil)
	switch {
	case !weighted.IsPositive():
	case a.Value != nil:
		ac.Credit = c.round(weighted.Mul(*a.Value), one)
	default:
		ac.Credit = c.round(weighted.Mul(charge).Mul(*a.Percent), hundred)
	}
}

// tiered returns the area's chargeable points, each weighted by the
// multiplier of its tier: points up to the threshold count nothing, and a
// tier starting From covers the points ranked From and above. When w is
// not nil, it writes there how, e.g. "20 nil + 80 x1 + 20 x1.2".
func tiered(points, threshold decimal.Decimal, tiers []rules.Tier, w *text) decimal.Decimal {
	type band struct{ lo, mult decimal.Decimal }
	bands := []band{{threshold, one}}
	for _, t := range tiers {
		bands = append(bands, band{t.From.Sub(one), t.Multiplier})
	}
	weighted := zero
	if w != nil {
		w.dec(decimal.Min(points, threshold))
		w.str(" nil")
	}
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
		if w != nil {
			w.str(" + ")
			w.dec(n)
			w.str(" x")
			w.dec(b.mult)
		}
	}
	return weighted
}

// capMonth limits the lot's credits to the monthly cap. The KPIs' shares
// are left to spread, once every cap is known.
func (c *Calculator) capMonth(lm *Month) {
	lm.BeforeCap = zero
	for i := range lm.KPIs {
		if kc := &lm.KPIs[i]; !kc.Amount.IsZero() {
			lm.BeforeCap = lm.BeforeCap.Add(kc.Amount)
		}
	}
	lm.Credits = lm.BeforeCap
	if pct := c.rb.Caps.MonthlyPercent; pct != nil {
		lm.Cap, lm.HasCap = c.round(lm.Charge.Mul(*pct), hundred), true
		lm.Credits = decimal.Min(lm.Credits, lm.Cap)
	}
}

// spread sets each KPI's credit: its amount when no cap bound, else its
// share of the capped total, spread once pro rata to the amounts before
// any cap, so that a KPI priced higher never ends with less.
func (c *Calculator) spread(lm *Month) {
	if !lm.Credits.LessThan(lm.BeforeCap) {
		for i := range lm.KPIs {
			lm.KPIs[i].Credit = lm.KPIs[i].Amount
		}
		return
	}
	amounts := make([]decimal.Decimal, len(lm.KPIs))
	for i := range lm.KPIs {
		amounts[i] = lm.KPIs[i].Amount
	}
	for i, v := range money.Allocate(lm.Credits, amounts, c.places) {
		lm.KPIs[i].Credit = v
	}
}

// contractYear numbers the contract year holding m, and says how many
// months it has: years run from the rulebook's start month, or from
// January when it has none, and the last ends at the rulebook's end.
func (c *Calculator) contractYear(m rules.Month) (year, months int) {
	first := rules.Month(0) // January of year 0
	if c.rb.Start != nil {
		first = *c.rb.Start
	}
	d := int(m - first)
	year = d / 12
	if d < 0 {
		year = (d - 11) / 12
	}
	start := first + rules.Month(year*12)
	last := start + 11
	if c.rb.End != nil && *c.rb.End < last {
		last = *c.rb.End
	}
	return year, int(last-start) + 1
}

// capYear limits the lot's credits in a contract year to the annual cap: a
// fixed amount, or a percent of the year's charges. The year's charges are
// projected from what is known by the month: the charges of the year's
// months so far, plus this month's charge for each of its other months
// (those to come, and those before the data starts), so a month's figures
// never depend on later data. A month gets what the cap has left; the
// year's credits count each month's after every cap (see capRolling).
func (l *Lot) capYear(lm *Month) {
	c := l.calc
	y, months := c.contractYear(lm.Month)
	if y != l.year || !l.inYear {
		l.year, l.inYear = y, true
		l.ytd.charge, l.ytd.credits, l.ytd.months = figure{}, figure{}, 0
	}
	l.ytd.charge = figureOf(l.ytd.charge.dec().Add(lm.Charge))
	l.ytd.months++
	caps := c.rb.Caps
	if caps.AnnualAmount == nil && caps.AnnualPercent == nil {
		return
	}
	var limit decimal.Decimal
	if caps.AnnualAmount != nil {
		limit = *caps.AnnualAmount
	} else {
		unknown := decimal.NewFromInt(int64(max(months-l.ytd.months, 0)))
		projected := l.ytd.charge.dec().Add(lm.Charge.Mul(unknown))
		limit = c.round(projected.Mul(*caps.AnnualPercent), hundred)
	}
	remaining := decimal.Max(zero, limit.Sub(l.ytd.credits.dec()))
	lm.AnnualCapLeft, lm.HasAnnualCap = remaining, true
	lm.Credits = decimal.Min(lm.Credits, remaining)
}

// earnBack pools each failure's final credit per KPI and refunds the
// earn-back share of the pool on a met month that brings the KPI's run of
// consecutive met months to at least N, emptying the pool. The run is
// usually exactly N then, since a failure both feeds the pool and ends the
// run; it is beyond N when a scenario lowered N during a run, and the pool
// is refunded at the first met month under the new rules.
func (l *Lot) earnBack(lm *Month) {
	lm.EarnBack = zero
	for i := range lm.KPIs {
		eb, s, kc := l.calc.earnBack[i], l.states[i], &lm.KPIs[i]
		if eb == nil {
			continue
		}
		pool := s.pool.dec()
		if !kc.Credit.IsZero() {
			pool = pool.Add(kc.Credit)
			s.pool = figureOf(pool)
		}
		if kc.Status != rules.Met || s.metRun < eb.AfterMetMonths || !pool.IsPositive() {
			continue
		}
		kc.EarnBack = l.calc.round(pool.Mul(eb.Percent), hundred).Neg()
		kc.metRun = s.metRun
		lm.EarnBack = lm.EarnBack.Add(kc.EarnBack)
		s.pool = figure{}
	}
}
