package credits

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// State is everything a Lot carries from one month to the next: each
// KPI's failure streak, run of met months and earn-back pool, the contract
// year's totals so far, the recent months the rolling 12-month cap and the
// triggers look back to, the bonus points banked and the triggers whose
// condition holds. Nothing else of a lot's history affects a later
// month's credits.
//
// Lot.State reads it after a month; Lot.SetState starts a lot from it, so
// that a lot can be priced from any month of its term given its state at
// the end of the month before (a rulebook's opening state, or a state
// saved by a service between runs). Feeding a lot months 1..n gives the
// same credits for months k+1..n as setting the state it had after month
// k and feeding it months k+1..n.
type State struct {
	// Month is the last month priced (or opened): the next must be later.
	Month rules.Month
	// KPIs holds each KPI's state by id. A KPI not listed has no history:
	// no streak, no met run, an empty pool.
	KPIs map[string]KPIState
	// Year is the contract year holding Month, up to and including it.
	Year YearState
	// Recent lists the months up to Month that later months look back to,
	// oldest first: those the rolling 12-month cap counts (the 11 up to
	// Month) with their charges and credits, and those with failures the
	// triggers count. A month not listed counts as one before the lot's
	// first. Nil when there are none.
	Recent []MonthState
	// Bonus lists the bonus points banked, oldest first; nil for none.
	Bonus []BankedBonus
	// Holding lists, by id in order, the triggers whose condition held in
	// Month: they fire again only once it has stopped holding. Nil for none.
	Holding []string
}

// MonthState is one of a lot's recent months, as later months see it.
type MonthState struct {
	Month rules.Month
	// HasCharge says Charge and Credits are known, as they are for the 11
	// months up to State.Month that the rolling cap counts.
	HasCharge bool
	Charge    decimal.Decimal // the month's charge
	Credits   decimal.Decimal // its credits after every cap
	// Failures lists its KPIs' failures, for triggers (in rulebook order);
	// a lot whose terms have no triggers keeps none.
	Failures []Failure
}

// Failure is a KPI's failure at a level in a month.
type Failure struct {
	KPI   string
	Level rules.Status // a failure level
}

// BankedBonus is bonus points earned in one month and not yet used.
type BankedBonus struct {
	Earned rules.Month     // the month that earned them
	Last   rules.Month     // the last month they may be used in: they expire after it
	Points decimal.Decimal // > 0
}

// KPIState is one KPI's history in a lot.
type KPIState struct {
	Streak int             // consecutive failures, the last of them in State.Month; 0 after a met month
	MetRun int             // consecutive met months, the last in State.Month; 0 after a failure
	Pool   decimal.Decimal // credits after caps not yet earned back (KPIs with earn-back), >= 0
}

// YearState is what the annual cap needs of the contract year so far.
type YearState struct {
	Months  int             // the year's months priced so far; 0 for none
	Charges decimal.Decimal // their charges
	Credits decimal.Decimal // their credits after the caps
}

// ErrState is returned by SetState for a state no lot can be in.
var ErrState = errors.New("credits: impossible lot state")

// State returns the lot's state after the last month priced (or set), and
// false when it has none yet. The state is a copy.
func (l *Lot) State() (State, bool) {
	if !l.begun {
		return State{}, false
	}
	s := State{Month: l.last, KPIs: make(map[string]KPIState, len(l.byID))}
	for id, k := range l.byID {
		if pool := k.pool.dec(); k.streak != 0 || k.metRun != 0 || !pool.IsZero() {
			s.KPIs[id] = KPIState{Streak: k.streak, MetRun: k.metRun, Pool: pool}
		}
	}
	if y, _ := l.calc.contractYear(l.last); l.inYear && y == l.year {
		s.Year = YearState{Months: l.ytd.months, Charges: l.ytd.charge.dec(), Credits: l.ytd.credits.dec()}
	}
	s.Recent, s.Bonus, s.Holding = l.recent(), l.bonusState(), l.holdingState()
	return s, true
}

// SetState replaces the lot's state: the next month must follow s.Month.
// It refuses, wrapping ErrState, a state no lot can reach: a negative
// count or amount, a streak and a met run both running, more months of
// the contract year than have passed by s.Month, recent months out of
// order or after s.Month, a failure at a level that is not one, bonus
// points that are not positive or already expired, or a trigger listed
// twice.
func (l *Lot) SetState(s State) error {
	if err := l.calc.checkState(s); err != nil {
		return err
	}
	l.byID = make(map[string]*kpiState, len(s.KPIs))
	for _, id := range slices.Sorted(maps.Keys(s.KPIs)) {
		k := s.KPIs[id]
		l.byID[id] = &kpiState{streak: k.Streak, metRun: k.MetRun, pool: figureOf(k.Pool)}
	}
	l.Use(l.calc)
	l.last, l.begun = s.Month, true
	l.year, _ = l.calc.contractYear(s.Month)
	l.inYear = s.Year.Months > 0
	l.ytd.months, l.ytd.charge, l.ytd.credits = s.Year.Months, figure{}, figure{}
	if l.inYear {
		l.ytd.charge, l.ytd.credits = figureOf(s.Year.Charges), figureOf(s.Year.Credits)
	}
	l.setRecent(s.Month, s.Recent)
	l.bank = l.bank[:0]
	for _, b := range s.Bonus {
		l.bank = append(l.bank, banked{earned: b.Earned, last: b.Last, points: figureOf(b.Points)})
	}
	l.holding = l.holding[:0]
	for _, id := range s.Holding {
		l.holding = append(l.holding, triggerRun{id: id, holding: true})
	}
	return nil
}

// checkState checks a state against the calculator's contract years.
func (c *Calculator) checkState(s State) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrState, fmt.Sprintf(format, args...))
	}
	for _, id := range slices.Sorted(maps.Keys(s.KPIs)) {
		k := s.KPIs[id]
		switch {
		case k.Streak < 0 || k.MetRun < 0 || k.Pool.IsNegative():
			return bad("KPI %s: negative streak %d, met run %d or pool %s", id, k.Streak, k.MetRun, k.Pool)
		case k.Streak > 0 && k.MetRun > 0:
			return bad("KPI %s: a streak of %d failures and a run of %d met months cannot both end in %s",
				id, k.Streak, k.MetRun, s.Month)
		}
	}
	y := s.Year
	elapsed := c.yearElapsed(s.Month)
	switch {
	case y.Months < 0 || y.Months > elapsed:
		return bad("%d months of the contract year by %s, which has had %d", y.Months, s.Month, elapsed)
	case y.Charges.IsNegative() || y.Credits.IsNegative():
		return bad("negative year charges %s or credits %s", y.Charges, y.Credits)
	case y.Months == 0 && (!y.Charges.IsZero() || !y.Credits.IsZero()):
		return bad("year charges %s and credits %s with no months", y.Charges, y.Credits)
	}
	if err := checkRecent(s); err != nil {
		return bad("%v", err)
	}
	return checkCarried(s, bad)
}

// yearElapsed returns how many months of its contract year have passed by
// the end of m, m included.
func (c *Calculator) yearElapsed(m rules.Month) int {
	first := rules.Month(0)
	if c.rb.Start != nil {
		first = *c.rb.Start
	}
	d := int(m - first)
	return ((d%12)+12)%12 + 1
}

// YearElapsed returns how many months of its contract year have passed by
// the end of m, m included: 1 for the year's first month, 12 for its last.
// Contract years run from the rulebook's start month, or from January.
func (c *Calculator) YearElapsed(m rules.Month) int { return c.yearElapsed(m) }

// Waive takes amount, waived of the credit of a KPI priced in an earlier
// or the last month, out of the KPI's earn-back pool, as a waiver does: a
// waiver applies after the caps and leaves streaks, runs and the caps'
// totals as they were, but what is waived is not also earned back. The
// pool does not go below zero. A KPI without history, or a non-positive
// amount, changes nothing.
func (l *Lot) Waive(kpiID string, amount decimal.Decimal) {
	k, ok := l.byID[kpiID]
	if !ok || !amount.IsPositive() {
		return
	}
	k.pool = figureOf(decimal.Max(zero, k.pool.dec().Sub(amount)))
}

// OpeningState returns the state a rulebook's opening gives a lot: lot's
// streaks, met runs, pools and year, its recent months' charges, credits
// and failures, its bonus points and the triggers holding, at the end of
// o.Month; a nil lot (one the opening does not name) has no history, but
// its next month must still follow o.Month.
func OpeningState(o *rules.Opening, lot *rules.OpeningLot) State {
	s := State{Month: o.Month, KPIs: map[string]KPIState{}}
	if lot == nil {
		return s
	}
	for _, k := range lot.KPIs {
		s.KPIs[k.KPI] = KPIState{Streak: k.Streak, MetRun: k.MetRun, Pool: k.Pool}
	}
	s.Year = YearState{Months: lot.Year.Months, Charges: lot.Year.Charges, Credits: lot.Year.Credits}
	for _, m := range lot.Months {
		if !m.HasCharge && len(m.Failures) == 0 {
			continue
		}
		ms := MonthState{Month: m.Month, HasCharge: m.HasCharge, Charge: zero, Credits: zero}
		if m.HasCharge {
			ms.Charge, ms.Credits = m.Charge, m.Credits
		}
		for _, f := range m.Failures {
			ms.Failures = append(ms.Failures, Failure{KPI: f.KPI, Level: f.Level})
		}
		s.Recent = append(s.Recent, ms)
	}
	for _, b := range lot.Bonus {
		s.Bonus = append(s.Bonus, BankedBonus{Earned: b.Earned, Last: b.Until, Points: b.Points})
	}
	for _, t := range lot.Triggers {
		s.Holding = append(s.Holding, t.ID)
	}
	slices.Sort(s.Holding)
	return s
}
