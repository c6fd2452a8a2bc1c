package credits

import (
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/rules"
)

// poolFixed is pool in fixed point.
func (l *Lot) poolFixed(lm *Month, f *fail) {
	c, sc := l.calc, &l.scratch
	for ai, a := range c.rb.Areas {
		fa := &c.fx.areas[ai]
		sc.idx, sc.weights = sc.idx[:0], sc.weights[:0]
		total := fixed.Decimal{}
		for i := range lm.KPIs {
			if kc := &lm.KPIs[i]; kc.KPI.Area == a {
				sc.idx = append(sc.idx, i)
				sc.weights = append(sc.weights, kc.Fixed.Points)
				total = f.of(total.Add(kc.Fixed.Points))
			}
		}
		var ac AreaCredit
		ac.Area, ac.Fixed.Points = a, total
		priced := total
		if c.rb.Bonus != nil && len(l.bank) > 0 && total.Sign() > 0 {
			ac.Fixed.BonusUsed = l.useBonusFixed(chargeableFixed(fa, total, f), f)
			priced = f.of(total.Sub(ac.Fixed.BonusUsed))
		}
		ac.Fixed.Credit = c.priceAreaFixed(fa, priced, lm.Fixed.Charge, f)
		if f.bad {
			return
		}
		sc.parts = grow(sc.parts, len(sc.weights))
		if !sc.alloc.Allocate(sc.parts, ac.Fixed.Credit, sc.weights, int(c.places)) {
			f.bad = true
			return
		}
		for j, share := range sc.parts {
			kc := &lm.KPIs[sc.idx[j]]
			kc.Area, kc.Fixed.AreaShare, kc.Fixed.Amount = a.ID, share, share
		}
		lm.Areas = append(lm.Areas, ac)
	}
}

// chargeableFixed is chargeable in fixed point.
func chargeableFixed(fa *fixedArea, total fixed.Decimal, f *fail) fixed.Decimal {
	if len(fa.bands) > 0 {
		if total.Cmp(fa.bands[0].from) < 0 {
			return fixed.Decimal{}
		}
		return fmin(total, f.of(total.Sub(fa.free)))
	}
	return fmax(fixed.Decimal{}, f.of(total.Sub(fa.threshold)))
}

// useBonusFixed is useBonus on the scratch's bank.
func (l *Lot) useBonusFixed(want fixed.Decimal, f *fail) fixed.Decimal {
	used := fixed.Decimal{}
	bank := l.scratch.bank
	for i := range bank {
		if want.Sign() <= 0 || f.bad {
			break
		}
		if bank[i].Sign() <= 0 {
			continue
		}
		take := fmin(bank[i], want)
		bank[i], want, used = f.of(bank[i].Sub(take)), f.of(want.Sub(take)), f.of(used.Add(take))
	}
	return used
}

// priceAreaFixed is priceArea in fixed point: the area's credit for its
// points.
func (c *Calculator) priceAreaFixed(fa *fixedArea, pts, charge fixed.Decimal, f *fail) fixed.Decimal {
	if len(fa.bands) > 0 {
		for i := len(fa.bands) - 1; i >= 0; i-- {
			if pts.Cmp(fa.bands[i].from) >= 0 {
				return f.of(c.roundFixed(charge, fa.bands[i].percent, fHund))
			}
		}
		return fixed.Decimal{}
	}
	weighted := tieredFixed(pts, fa, f, nil)
	switch {
	case weighted.Sign() <= 0 || f.bad:
		return fixed.Decimal{}
	case fa.hasValue:
		return f.of(c.roundFixed(weighted, fa.value, fOne))
	}
	return f.of(c.roundFixed(weighted, f.of(charge.Mul(fa.percent)), fHund))
}

// tieredFixed is tiered in fixed point: the area's chargeable points,
// each weighted by the multiplier of its tier. When w is not nil, it
// writes there how, as tiered does.
func tieredFixed(points fixed.Decimal, fa *fixedArea, f *fail, w *text) fixed.Decimal {
	weighted := fixed.Decimal{}
	if w != nil {
		w.fixed(fmin(points, fa.threshold))
		w.str(" nil")
	}
	lo0, mult := fa.threshold, fOne
	for i := 0; i <= len(fa.tiers); i++ {
		lo := fmax(lo0, fa.threshold)
		hi := points
		if i < len(fa.tiers) {
			hi = fmin(hi, fmax(fa.tiers[i].lo, fa.threshold))
		}
		if hi.Cmp(lo) > 0 {
			n := f.of(hi.Sub(lo))
			weighted = f.of(weighted.Add(f.of(n.Mul(mult))))
			if w != nil {
				w.str(" + ")
				w.fixed(n)
				w.str(" x")
				w.fixed(mult)
			}
		}
		if i < len(fa.tiers) {
			lo0, mult = fa.tiers[i].lo, fa.tiers[i].mult
		}
	}
	return weighted
}

// offsetFixed is offsetPoints in fixed point.
func (l *Lot) offsetFixed(lm *Month, f *fail) {
	c := l.calc
	if c.rb.Bonus == nil || len(l.bank) == 0 || f.bad {
		return
	}
	for i := range lm.KPIs {
		kc := &lm.KPIs[i]
		if kc.KPI.Area != nil || kc.KPI.Credit.Kind != rules.Points || kc.Fixed.Points.Sign() <= 0 {
			continue
		}
		used := l.useBonusFixed(kc.Fixed.Points, f)
		if used.Sign() <= 0 {
			return // the bank is empty
		}
		left := f.of(kc.Fixed.Points.Sub(used))
		kc.Bonus = lm.kpiBonus(i)
		kc.Bonus.Fixed.Earned, kc.Bonus.Fixed.Used = fixed.Decimal{}, used
		kc.Fixed.Amount = f.of(c.roundFixed(left, c.fx.pointValue, fOne))
	}
}

// kpiBonus is where the i-th KPI's Bonus points, in a month priced in
// fixed point: the month's own, reused with it.
func (m *Month) kpiBonus(i int) *KPIBonus {
	m.bonuses = grow(m.bonuses, len(m.KPIs))
	m.bonuses[i] = KPIBonus{}
	return &m.bonuses[i]
}

// capsFixed is capMonth, capYear and capRolling in fixed point; the
// year's totals go into the scratch.
func (l *Lot) capsFixed(lm *Month, f *fail) {
	c, sc, mf := l.calc, &l.scratch, &lm.Fixed
	mf.BeforeCap = fixed.Decimal{}
	for i := range lm.KPIs {
		if a := lm.KPIs[i].Fixed.Amount; !a.IsZero() {
			mf.BeforeCap = f.of(mf.BeforeCap.Add(a))
		}
	}
	mf.Credits = mf.BeforeCap
	if c.rb.Caps.MonthlyPercent != nil {
		mf.Cap, lm.HasCap = f.of(c.roundFixed(mf.Charge, c.fx.monthly, fHund)), true
		mf.Credits = fmin(mf.Credits, mf.Cap)
	}
	l.capYearFixed(lm, f)
	if c.rb.Caps.RollingPercent != nil {
		mf.RollingCapLeft, lm.HasRollingCap = l.rollingLeftFixed(lm, f), true
		mf.Credits = fmin(mf.Credits, mf.RollingCapLeft)
	}
	sc.yearCredits = f.of(sc.yearCredits.Add(mf.Credits))
}

// capYearFixed is capYear in fixed point.
func (l *Lot) capYearFixed(lm *Month, f *fail) {
	c, sc, mf := l.calc, &l.scratch, &lm.Fixed
	y, months := c.contractYear(lm.Month)
	if y != sc.year || !sc.inYear {
		sc.year, sc.inYear = y, true
		sc.yearCharge, sc.yearCredits, sc.yearMonths = fixed.Decimal{}, fixed.Decimal{}, 0
	}
	sc.yearCharge = f.of(sc.yearCharge.Add(mf.Charge))
	sc.yearMonths++
	caps := c.rb.Caps
	if caps.AnnualAmount == nil && caps.AnnualPercent == nil {
		return
	}
	limit := c.fx.annualAmt
	if caps.AnnualAmount == nil {
		unknown, _ := fixed.FromInt(int64(max(months-sc.yearMonths, 0)))
		projected := f.of(sc.yearCharge.Add(f.of(mf.Charge.Mul(unknown))))
		limit = f.of(c.roundFixed(projected, c.fx.annualPct, fHund))
	}
	mf.AnnualCapLeft, lm.HasAnnualCap = fmax(fixed.Decimal{}, f.of(limit.Sub(sc.yearCredits))), true
	mf.Credits = fmin(mf.Credits, mf.AnnualCapLeft)
}

// rollingLeftFixed is what the rolling 12-month cap leaves for the
// month, as capRolling works it out.
func (l *Lot) rollingLeftFixed(lm *Month, f *fail) fixed.Decimal {
	charges, credits, known := lm.Fixed.Charge, fixed.Decimal{}, 1
	for i := range l.rolling {
		if p := &l.rolling[i]; p.seen && p.month >= lm.Month-11 {
			charges, credits, known = f.of(charges.Add(p.charge.f)), f.of(credits.Add(p.credits.f)), known+1
		}
	}
	n, _ := fixed.FromInt(int64(12 - known))
	projected := f.of(charges.Add(f.of(lm.Fixed.Charge.Mul(n))))
	limit := f.of(l.calc.roundFixed(projected, l.calc.fx.rolling, fHund))
	return fmax(fixed.Decimal{}, f.of(limit.Sub(credits)))
}

// spreadFixed is spread in fixed point.
func (l *Lot) spreadFixed(lm *Month, f *fail) {
	if f.bad {
		return
	}
	if lm.Fixed.Credits.Cmp(lm.Fixed.BeforeCap) >= 0 {
		for i := range lm.KPIs {
			lm.KPIs[i].Fixed.Credit = lm.KPIs[i].Fixed.Amount
		}
		return
	}
	sc := &l.scratch
	sc.weights, sc.parts = grow(sc.weights, len(lm.KPIs)), grow(sc.parts, len(lm.KPIs))
	for i := range lm.KPIs {
		sc.weights[i] = lm.KPIs[i].Fixed.Amount
	}
	if f.bad = !sc.alloc.Allocate(sc.parts, lm.Fixed.Credits, sc.weights, int(l.calc.places)); f.bad {
		return
	}
	for i := range lm.KPIs {
		lm.KPIs[i].Fixed.Credit = sc.parts[i]
	}
}

// earnBackFixed is earnBack in fixed point, on the scratch's pools.
func (l *Lot) earnBackFixed(lm *Month, f *fail) {
	c, sc := l.calc, &l.scratch
	lm.Fixed.EarnBack = fixed.Decimal{}
	for i := range lm.KPIs {
		eb, kc := c.earnBack[i], &lm.KPIs[i]
		if eb == nil || f.bad {
			continue
		}
		if !kc.Fixed.Credit.IsZero() {
			sc.pool[i] = f.of(sc.pool[i].Add(kc.Fixed.Credit))
		}
		if kc.Status != rules.Met || sc.metRun[i] < eb.AfterMetMonths || sc.pool[i].Sign() <= 0 {
			continue
		}
		kc.Fixed.EarnBack = f.of(c.roundFixed(sc.pool[i], c.fx.earnBack[i], fHund)).Neg()
		kc.metRun = sc.metRun[i]
		lm.Fixed.EarnBack = f.of(lm.Fixed.EarnBack.Add(kc.Fixed.EarnBack))
		sc.pool[i] = fixed.Decimal{}
	}
}

// bonusFixed is bankBonus in fixed point: the month's bonus points, the
// bank's compaction and the new entry are left to commit.
func (l *Lot) bonusFixed(lm *Month, f *fail) {
	b := l.calc.rb.Bonus
	if (b == nil && len(l.bank) == 0) || f.bad {
		return
	}
	bm := &lm.bonus
	*bm = BonusMonth{}
	for i := range lm.KPIs {
		kc := &lm.KPIs[i]
		if kc.Bonus != nil {
			bm.Fixed.Used = f.of(bm.Fixed.Used.Add(kc.Bonus.Fixed.Used))
		}
		if b != nil && kc.Status == rules.Met && l.earnsBonusFixed(i, &kc.Observation, f) {
			kc.Bonus = lm.kpiBonus(i)
			kc.Bonus.Fixed.Earned = l.calc.fx.bonus
			bm.Fixed.Earned = f.of(bm.Fixed.Earned.Add(l.calc.fx.bonus))
		}
	}
	for i := range lm.Areas {
		bm.Fixed.Used = f.of(bm.Fixed.Used.Add(lm.Areas[i].Fixed.BonusUsed))
	}
	for j, e := range l.bank {
		switch pts := l.scratch.bank[j]; {
		case e.last <= lm.Month:
			bm.Fixed.Expired = f.of(bm.Fixed.Expired.Add(pts))
		case pts.Sign() > 0:
			bm.Fixed.Bank = f.of(bm.Fixed.Bank.Add(pts))
		}
	}
	if bm.Fixed.Earned.Sign() > 0 {
		bm.Fixed.Bank = f.of(bm.Fixed.Bank.Add(bm.Fixed.Earned))
	}
	lm.Bonus = bm
}

// earnsBonusFixed is rules.KPI.EarnsBonus in fixed point.
func (l *Lot) earnsBonusFixed(i int, o *Observation, f *fail) bool {
	k := l.calc.rb.KPIs[i]
	if k.BonusAt == nil {
		return false
	}
	m := f.of(o.fixedMeasure())
	return !k.Direction.WorseBy(m.Cmp(l.calc.fx.kpis[i].bonusAt))
}
