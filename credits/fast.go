package credits

import (
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The fixed-point path. A Lot prices each month first in fixed point
// (package fixed): every step of the decimal path (price, pool,
// offsetPoints, the caps, spread, earnBack, bankBonus) has its twin here,
// working out the same figures, coefficient and exponent, where the
// decimal arithmetic's exponents show (sums, products, the lesser and
// the greater of two figures) and the same value where they do not (a
// quotient rounded once to the minor unit is the same whatever the
// exponents of its parts). Every operation reports whether its result
// fits; at the first that does not, the month is abandoned before any of
// the lot's state has changed, and priced again by the decimal path. The
// state the month leaves is written only once every figure is known
// (commit).

// fixedRules is a rulebook's figures in fixed point, converted once.
type fixedRules struct {
	kpis       []fixedKPI
	areas      []fixedArea // by the rulebook's areas
	pointValue fixed.Decimal
	monthly    fixed.Decimal // caps, where the rulebook has them
	annualPct  fixed.Decimal
	annualAmt  fixed.Decimal
	rolling    fixed.Decimal
	bonus      fixed.Decimal   // the bonus points a met KPI earns
	earnBack   []fixed.Decimal // each KPI's earn-back percent, where it has earn-back
}

// fixedKPI is a KPI's figures in fixed point.
type fixedKPI struct {
	target      fixed.Decimal
	levels      [4]fixed.Decimal // the scheme's amount of each level, by level - Minor
	escalation  []fixed.Decimal
	maxPct      fixed.Decimal // sliding
	span100     fixed.Decimal // sliding: 100 x |target - floor|
	span        fixed.Decimal
	rate        fixed.Decimal // per_shortfall: its percent, or its money
	per, per100 fixed.Decimal
	bonusAt     fixed.Decimal
}

// fixedArea is a service area's figures in fixed point.
type fixedArea struct {
	threshold, value, percent, free fixed.Decimal
	hasValue                        bool // money per point, not a percent of the charge
	tiers                           []fixedTier
	bands                           []fixedBand
}

type fixedTier struct{ lo, mult fixed.Decimal } // lo: the tier's From less one
type fixedBand struct{ from, percent fixed.Decimal }

// converter converts a rulebook's figures, remembering whether one did
// not fit.
type converter struct{ bad bool }

func (v *converter) of(d decimal.Decimal) fixed.Decimal {
	f, ok := fixed.FromDecimal(d)
	v.bad = v.bad || !ok
	return f
}

func (v *converter) ptr(d *decimal.Decimal) fixed.Decimal {
	if d == nil {
		return fixed.Decimal{}
	}
	return v.of(*d)
}

func (v *converter) ok(f fixed.Decimal, ok bool) fixed.Decimal {
	v.bad = v.bad || !ok
	return f
}

// newFixedRules converts the calculator's rulebook, and returns nil when
// one of its figures does not fit: its months are then priced in
// decimals.
func newFixedRules(c *Calculator) *fixedRules {
	rb := c.rb
	var v converter
	fx := &fixedRules{pointValue: v.of(rb.PointValue), monthly: v.ptr(rb.Caps.MonthlyPercent),
		annualPct: v.ptr(rb.Caps.AnnualPercent), annualAmt: v.ptr(rb.Caps.AnnualAmount),
		rolling: v.ptr(rb.Caps.RollingPercent), earnBack: make([]fixed.Decimal, len(rb.KPIs))}
	if rb.Bonus != nil {
		fx.bonus = v.of(rb.Bonus.Points)
	}
	for i, eb := range c.earnBack {
		if eb != nil {
			fx.earnBack[i] = v.of(eb.Percent)
		}
	}
	for _, k := range rb.KPIs {
		fx.kpis = append(fx.kpis, v.kpi(k))
	}
	for _, a := range rb.Areas {
		fx.areas = append(fx.areas, v.area(a))
	}
	if v.bad {
		return nil
	}
	return fx
}

func (v *converter) kpi(k *rules.KPI) fixedKPI {
	s := &k.Credit
	fk := fixedKPI{target: v.of(k.Target), maxPct: v.of(s.MaxPercent), per: v.of(s.Per), bonusAt: v.ptr(k.BonusAt)}
	for i, a := range s.Levels {
		fk.levels[i] = v.ptr(a)
	}
	for _, m := range k.Escalation {
		fk.escalation = append(fk.escalation, v.of(m))
	}
	if s.Kind == rules.Sliding {
		diff := v.ok(fk.target.Sub(v.of(s.Floor)))
		fk.span = diff.Abs()
		fk.span100 = v.ok(fHund.Mul(fk.span))
	}
	if s.Kind == rules.PerShortfall {
		fk.rate = v.ptr(s.Percent)
		if s.Money != nil {
			fk.rate = v.of(*s.Money)
		}
		fk.per100 = v.ok(fHund.Mul(fk.per))
	}
	return fk
}

func (v *converter) area(a *rules.ServiceArea) fixedArea {
	fa := fixedArea{threshold: v.of(a.Threshold), value: v.ptr(a.Value), percent: v.ptr(a.Percent), free: v.of(a.Free()),
		hasValue: a.Value != nil}
	for _, t := range a.Tiers {
		fa.tiers = append(fa.tiers, fixedTier{lo: v.ok(v.of(t.From).Sub(fOne)), mult: v.of(t.Multiplier)})
	}
	for _, b := range a.Bands {
		fa.bands = append(fa.bands, fixedBand{from: v.of(b.From), percent: v.of(b.Percent)})
	}
	return fa
}

// multiplier is the escalation multiplier of the n-th consecutive
// failure, as rules.KPI.Multiplier gives it.
func (fk *fixedKPI) multiplier(n int) fixed.Decimal {
	if len(fk.escalation) == 0 || n < 1 {
		return fOne
	}
	return fk.escalation[min(n, len(fk.escalation))-1]
}

// scratch is what pricing a month in fixed point works on: the lot's
// state as the month changes it, written back by commit once the month
// is priced, and buffers for spreading totals.
type scratch struct {
	streak, metRun []int
	pool           []fixed.Decimal
	bank           []fixed.Decimal // each banked entry's points
	year           int
	inYear         bool
	yearCharge     fixed.Decimal
	yearCredits    fixed.Decimal
	yearMonths     int
	weights, parts []fixed.Decimal
	idx            []int
	alloc          fixed.Allocator
}

// fail is an arithmetic result that may not fit; f tracks whether every
// one so far has.
type fail struct{ bad bool }

func (f *fail) of(d fixed.Decimal, ok bool) fixed.Decimal {
	f.bad = f.bad || !ok
	return d
}

// load copies the lot's state into the scratch, and reports false when
// some of it does not fit in fixed point.
func (l *Lot) load() bool {
	sc := &l.scratch
	n := len(l.states)
	sc.streak, sc.metRun = grow(sc.streak, n), grow(sc.metRun, n)
	sc.pool = grow(sc.pool, n)
	for i, s := range l.states {
		if s.pool.wide {
			return false
		}
		sc.streak[i], sc.metRun[i], sc.pool[i] = s.streak, s.metRun, s.pool.f
	}
	sc.bank = grow(sc.bank, len(l.bank))
	for j := range l.bank {
		if l.bank[j].points.wide {
			return false
		}
		sc.bank[j] = l.bank[j].points.f
	}
	for i := range l.rolling {
		if p := &l.rolling[i]; p.charge.wide || p.credits.wide {
			return false
		}
	}
	sc.year, sc.inYear, sc.yearMonths = l.year, l.inYear, l.ytd.months
	sc.yearCharge, sc.yearCredits = l.ytd.charge.f, l.ytd.credits.f
	return !l.ytd.charge.wide && !l.ytd.credits.wide
}

// grow returns s with length n, reusing its array when it has room.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// priceFixed prices the month in fixed point into lm, and reports false,
// with the lot's state unchanged, when a figure does not fit there.
func (l *Lot) priceFixed(lm *Month, obs []Observation) bool {
	fx := l.calc.fx
	if fx == nil || !l.load() {
		return false
	}
	charge, ok := fixed.FromDecimal(lm.Charge)
	if !ok {
		return false
	}
	lm.Fixed = MonthFixed{Charge: charge}
	lm.Areas, lm.Bonus = lm.Areas[:0], nil
	var f fail
	for i := range obs {
		if !l.priceKPIFixed(i, &obs[i], charge, &lm.KPIs[i]) {
			return false
		}
	}
	l.poolFixed(lm, &f)
	l.offsetFixed(lm, &f)
	l.capsFixed(lm, &f)
	l.spreadFixed(lm, &f)
	l.earnBackFixed(lm, &f)
	l.bonusFixed(lm, &f)
	lm.HasFixed, lm.pending = !f.bad, !f.bad
	return !f.bad
}

// priceKPIFixed is price in fixed point: it updates the KPI's streak in
// the scratch and prices a failure before areas and caps.
func (l *Lot) priceKPIFixed(i int, o *Observation, charge fixed.Decimal, kc *KPICredit) bool {
	c, sc := l.calc, &l.scratch
	k := c.rb.KPIs[i]
	// Field by field, leaving the decimals to Complete: a composite
	// literal would clear them and copy the whole KPICredit.
	kc.KPI, kc.Observation, kc.Fixed = k, *o, KPIFixed{Multiplier: fOne}
	kc.Area, kc.Bonus, kc.Explanation, kc.metRun = "", nil, "", 0
	switch {
	case o.Status == rules.Met:
		sc.streak[i] = 0
		sc.metRun[i]++
	case o.Status == rules.Excused && c.rb.ReliefResets:
		sc.streak[i] = 0
	case o.Status.Failed():
		sc.streak[i]++
		sc.metRun[i] = 0
		fk := &c.fx.kpis[i]
		mult := fk.multiplier(sc.streak[i])
		kc.Fixed.Multiplier = mult
		base, ok := o.fixedBase(charge)
		if !ok {
			return false
		}
		pts, amount, ok := c.priceFixed(k, fk, o, base, mult)
		if !ok {
			return false
		}
		kc.Fixed.Points = pts
		if k.Area == nil {
			kc.Fixed.Amount = amount
		}
	}
	kc.Streak = sc.streak[i]
	if !o.Status.Failed() && o.Status != rules.Met {
		kc.Streak = 0
	}
	return true
}

// fixedMeasure is the observation's measure in fixed point, and false
// when it does not fit.
func (o *Observation) fixedMeasure() (fixed.Decimal, bool) {
	if o.Fixed.HasMeasure {
		return o.Fixed.Measure, true
	}
	return fixed.FromDecimal(o.Measure)
}

// fixedBase is the charge the observation's credit is a percent of: its
// Base, or the month's charge.
func (o *Observation) fixedBase(charge fixed.Decimal) (fixed.Decimal, bool) {
	switch {
	case o.Fixed.HasBase:
		return o.Fixed.Base, true
	case o.Base != nil:
		return fixed.FromDecimal(*o.Base)
	}
	return charge, true
}

// commit writes the state the month priced in fixed point leaves: the
// streaks, met runs and pools, the banked bonus points, the year's totals
// and the month's place in the rolling cap's window.
func (l *Lot) commit(lm *Month) {
	sc := &l.scratch
	for i, s := range l.states {
		s.streak, s.metRun, s.pool = sc.streak[i], sc.metRun[i], figure{f: sc.pool[i]}
	}
	keep := l.bank[:0]
	for j, e := range l.bank {
		if e.points = (figure{f: sc.bank[j]}); e.last > lm.Month && sc.bank[j].Sign() > 0 {
			keep = append(keep, e)
		}
	}
	l.bank = keep
	if b := lm.Bonus; b != nil && b.Fixed.Earned.Sign() > 0 {
		expiry := l.calc.rb.Bonus.ExpiryMonths
		l.bank = append(l.bank, banked{earned: lm.Month, last: lm.Month + rules.Month(expiry), points: figure{f: b.Fixed.Earned}})
	}
	l.year, l.inYear, l.ytd.months = sc.year, sc.inYear, sc.yearMonths
	l.ytd.charge, l.ytd.credits = figure{f: sc.yearCharge}, figure{f: sc.yearCredits}
	l.rolling[(int(lm.Month)%11+11)%11] = pastMonth{month: lm.Month, seen: true,
		charge: figure{f: lm.Fixed.Charge}, credits: figure{f: lm.Fixed.Credits}}
}
