package credits

import (
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// banked is bonus points earned in one month, usable up to and including
// month last.
type banked struct {
	earned, last rules.Month
	points       figure
}

// useBonus takes up to want points from the bank, oldest first, and
// returns how many it took.
func (l *Lot) useBonus(want decimal.Decimal) decimal.Decimal {
	used := zero
	for i := range l.bank {
		if !want.IsPositive() {
			break
		}
		b := &l.bank[i]
		points := b.points.dec()
		if !points.IsPositive() {
			continue
		}
		take := decimal.Min(points, want)
		b.points, want, used = figureOf(points.Sub(take)), want.Sub(take), used.Add(take)
	}
	return used
}

// offsetPoints lets banked bonus points offset the points of each points
// KPI outside a service area, in rulebook order, once the areas have had
// theirs (see pool); the KPI's amount is its points left times the point
// value, rounded once.
func (l *Lot) offsetPoints(lm *Month) {
	c := l.calc
	if c.rb.Bonus == nil || len(l.bank) == 0 {
		return
	}
	for i := range lm.KPIs {
		kc := &lm.KPIs[i]
		if kc.KPI.Area != nil || kc.KPI.Credit.Kind != rules.Points || !kc.Points.IsPositive() {
			continue
		}
		used := l.useBonus(kc.Points)
		if !used.IsPositive() {
			return // the bank is empty
		}
		left := kc.Points.Sub(used)
		kc.Bonus = &KPIBonus{Earned: zero, Used: used}
		kc.Amount = c.round(left.Mul(c.rb.PointValue), one)
	}
}

// bankBonus banks the bonus points the month earned, for the months that
// follow, and expires the banked points whose last month this is. It
// fills the month's Bonus when the terms have bonus points or the bank
// holds some.
func (l *Lot) bankBonus(lm *Month) {
	b := l.calc.rb.Bonus
	if b == nil && len(l.bank) == 0 {
		return
	}
	bm := &BonusMonth{Earned: zero, Used: zero, Expired: zero, Bank: zero}
	for i := range lm.KPIs {
		kc := &lm.KPIs[i]
		if kc.Bonus != nil {
			bm.Used = bm.Used.Add(kc.Bonus.Used)
		}
		if b != nil && kc.Status == rules.Met && kc.KPI.EarnsBonus(kc.Measure) {
			kc.Bonus = &KPIBonus{Earned: b.Points, Used: zero}
			bm.Earned = bm.Earned.Add(b.Points)
		}
	}
	for _, a := range lm.Areas {
		bm.Used = bm.Used.Add(a.BonusUsed)
	}
	keep := l.bank[:0]
	for _, e := range l.bank {
		switch points := e.points.dec(); {
		case e.last <= lm.Month:
			bm.Expired = bm.Expired.Add(points)
		case points.IsPositive():
			keep = append(keep, e)
			bm.Bank = bm.Bank.Add(points)
		}
	}
	l.bank = keep
	if bm.Earned.IsPositive() {
		l.bank = append(l.bank, banked{earned: lm.Month, last: lm.Month + rules.Month(b.ExpiryMonths), points: figureOf(bm.Earned)})
		bm.Bank = bm.Bank.Add(bm.Earned)
	}
	lm.Bonus = bm
}

// capRolling limits the lot's credits in any 12 consecutive months to the
// rolling cap: a percent of those months' charges. The window is the
// month and the 11 before it; a month of it before the lot's first (or
// otherwise not seen) counts this month's charge and no credits, as the
// annual cap projects. A month gets what the cap has left after the
// window's other months. It then records the month's final credits, for
// the annual and rolling caps of the months that follow.
func (l *Lot) capRolling(lm *Month) {
	if pct := l.calc.rb.Caps.RollingPercent; pct != nil {
		charges, credits, known := lm.Charge, zero, 1
		for i := range l.rolling {
			if p := &l.rolling[i]; p.seen && p.month >= lm.Month-11 {
				charges, credits, known = charges.Add(p.charge.dec()), credits.Add(p.credits.dec()), known+1
			}
		}
		projected := charges.Add(lm.Charge.Mul(decimal.NewFromInt(int64(12 - known))))
		limit := l.calc.round(projected.Mul(*pct), hundred)
		lm.RollingCapLeft, lm.HasRollingCap = decimal.Max(zero, limit.Sub(credits)), true
		lm.Credits = decimal.Min(lm.Credits, lm.RollingCapLeft)
	}
	l.ytd.credits = figureOf(l.ytd.credits.dec().Add(lm.Credits))
	l.rolling[(int(lm.Month)%11+11)%11] = pastMonth{month: lm.Month, seen: true, charge: figureOf(lm.Charge), credits: figureOf(lm.Credits)}
}

// failure is one KPI's failure in a month, for triggers.
type failure struct {
	kpi   string
	level rules.Status
}

// failureLog keeps the failures of a lot's recent months, a ring of
// months, oldest overwritten first; its buffers are reused.
type failureLog struct {
	months []loggedMonth
	next   int
	ids    []string // count's list, reused
}

type loggedMonth struct {
	month rules.Month
	seen  bool
	fails []failure
}

// keep grows the log to hold at least n months, keeping what it holds.
func (f *failureLog) keep(n int) {
	if n <= len(f.months) {
		return
	}
	grown := make([]loggedMonth, 0, n)
	grown = append(grown, f.months[f.next:]...)
	grown = append(grown, f.months[:f.next]...)
	f.next = len(grown)
	f.months = append(grown, make([]loggedMonth, n-len(grown))...)
}

// add logs a month's failures.
func (f *failureLog) add(lm *Month) {
	e := &f.months[f.next]
	e.month, e.seen, e.fails = lm.Month, true, e.fails[:0]
	for i := range lm.KPIs {
		if kc := &lm.KPIs[i]; kc.Status.Failed() {
			e.fails = append(e.fails, failure{kc.KPI.ID, kc.Status})
		}
	}
	f.next = (f.next + 1) % len(f.months)
}

// count counts the failures that count toward t in months since to the
// latest logged, and lists their KPIs, oldest failure first, when list
// is true.
func (f *failureLog) count(t *rules.Trigger, since rules.Month, list bool) (int, string) {
	n := 0
	ids := f.ids[:0]
	for j := range f.months {
		e := &f.months[(f.next+j)%len(f.months)] // oldest first
		if !e.seen || e.month < since {
			continue
		}
		for _, x := range e.fails {
			if t.Counts(x.kpi, x.level) {
				n++
				if list && !containsString(ids, x.kpi) {
					ids = append(ids, x.kpi)
				}
			}
		}
	}
	f.ids = ids
	return n, strings.Join(ids, ", ") // one KPI's id is that id: nothing allocated
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// triggerRun is whether a trigger's condition held in the lot's last month.
type triggerRun struct {
	id      string
	holding bool
}

// trigger logs the month's failures and fires each trigger whose
// condition holds this month but did not the month before: a trigger
// fires when it first holds, and again only after it has stopped holding.
// State carries by trigger id across a change of rules.
func (l *Lot) trigger(lm *Month) {
	if len(l.failures.months) == 0 {
		return
	}
	l.failures.add(lm)
	for _, t := range l.calc.rb.Triggers {
		since := lm.Month - rules.Month(t.Within) + 1
		n, _ := l.failures.count(t, since, false)
		run := l.run(t.ID)
		holds := n >= t.Failures
		if holds && !run.holding {
			_, ids := l.failures.count(t, since, true)
			lm.Triggers = append(lm.Triggers, Fired{Trigger: t, Count: n, KPIs: ids})
		}
		run.holding = holds
	}
}

// run returns the state of the trigger with the id.
func (l *Lot) run(id string) *triggerRun {
	for i := range l.holding {
		if l.holding[i].id == id {
			return &l.holding[i]
		}
	}
	l.holding = append(l.holding, triggerRun{id: id})
	return &l.holding[len(l.holding)-1]
}
