package credits

import (
	"errors"
	"fmt"

	"github.com/kpicredit/kpicredit/money"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Calculator prices KPI failures under one rulebook. It is safe for
// concurrent use; the state of a lot lives in a Lot.
type Calculator struct {
	rb       *rules.Rulebook
	places   int32
	earnBack []*rules.EarnBack // effective earn-back per KPI
	reaches  []uint8           // per KPI, bit level-Minor set for each failure level it reaches
	fx       *fixedRules       // the rulebook's figures in fixed point; nil when one does not fit
	symbol   string            // the currency's, as money.Symbol gives it
}

// New returns a Calculator for a validated rulebook.
func New(rb *rules.Rulebook) *Calculator {
	c := &Calculator{rb: rb, places: rb.MinorUnits, earnBack: make([]*rules.EarnBack, len(rb.KPIs)),
		reaches: make([]uint8, len(rb.KPIs)), symbol: money.Symbol(rb.Currency)}
	for i, k := range rb.KPIs {
		c.earnBack[i] = k.EarnBack
		if c.earnBack[i] == nil {
			c.earnBack[i] = rb.EarnBack
		}
		for _, level := range k.Reachable() {
			c.reaches[i] |= 1 << (level - rules.Minor)
		}
	}
	c.fx = newFixedRules(c)
	return c
}

// Rules returns the calculator's rulebook.
func (c *Calculator) Rules() *rules.Rulebook { return c.rb }

func (c *Calculator) money(d decimal.Decimal) string {
	return money.Format(d, c.rb.Currency, c.places)
}

func (c *Calculator) round(num, den decimal.Decimal) decimal.Decimal {
	return money.RoundQuo(num, den, c.places, c.rb.Rounding)
}

// ErrOrder is returned for a month that does not follow the lot's last one.
var ErrOrder = errors.New("months must be given in increasing order")

// Lot carries one lot's state from month to month: failure streaks,
// met runs, earn-back pools and the contract year's totals. Feed it the
// lot's months in order. A Lot is not safe for concurrent use.
//
// A Lot prices each month in fixed point (package fixed), allocating
// nothing once its buffers have grown, and falls back to exact decimal
// arithmetic for the whole lot-month whenever a figure on the way does
// not fit there: a product or sum beyond 64 bits, more than 18 places.
// Both give the same figures, coefficient and exponent, so which path
// priced a month changes nothing but its speed.
type Lot struct {
	// Explain, true by default, writes each KPI's Explanation in the
	// months Month returns. A caller that needs only the figures, such as
	// a large sweep, turns it off (or calls Figures).
	Explain bool

	calc   *Calculator
	states []*kpiState // aligned with calc.rb.KPIs
	byID   map[string]*kpiState
	last   rules.Month
	begun  bool
	year   int
	inYear bool
	ytd    struct {
		charge, credits figure
		months          int // the contract year's months seen so far
	}
	rolling  [11]pastMonth // the months before this one, for the rolling cap, by month mod 11
	bank     []banked      // bonus points, oldest first
	failures failureLog    // recent failures, for triggers
	holding  []triggerRun  // each trigger's condition as of the last month

	figures Month         // the month Figures returns, reused
	words   explainer     // the buffer explanations are written in
	scratch scratch       // pricing in fixed point
	obs     []Observation // observations with their decimals, for the decimal path
	decimal bool          // price in decimals only (tests compare the paths)
}

// pastMonth is a month's charge and final credits, for the rolling cap.
type pastMonth struct {
	month           rules.Month
	seen            bool
	charge, credits figure
}

type kpiState struct {
	streak int    // consecutive failures
	metRun int    // consecutive met months
	pool   figure // credits not yet earned back
}

// NewLot starts a lot with no history.
func (c *Calculator) NewLot() *Lot {
	l := &Lot{Explain: true, byID: map[string]*kpiState{}}
	l.Use(c)
	return l
}

// Keep makes the lot remember its failures of at least the last months
// months, for triggers: a rulebook that a later Use brings may count
// further back than the current one's. Call it before the first month.
func (l *Lot) Keep(months int) { l.failures.keep(months) }

// Use switches the rules for the months that follow, as a scenario does
// from its first month. Streaks, met runs and earn-back pools carry over
// for KPIs with the same id; a new KPI starts with none.
func (l *Lot) Use(c *Calculator) {
	l.calc = c
	l.states = make([]*kpiState, len(c.rb.KPIs))
	for i, k := range c.rb.KPIs {
		s, ok := l.byID[k.ID]
		if !ok {
			s = &kpiState{}
			l.byID[k.ID] = s
		}
		l.states[i] = s
	}
	for _, t := range c.rb.Triggers {
		l.failures.keep(t.Within)
	}
}

// Month works out the lot's credits for a month from its charge and one
// observation per KPI, in rulebook order, into a new Month with every
// field set (and each KPI's Explanation when Explain is on), which the
// caller may keep. An observation at a failure level the KPI cannot reach
// (rules.KPI.Reaches) is an error.
func (l *Lot) Month(month rules.Month, charge decimal.Decimal, obs []Observation) (*Month, error) {
	return l.MonthInto(nil, month, charge, obs)
}

// MonthInto is Month priced into into, a Month that Month or MonthInto
// gave and that nothing uses any more, whose array of KPIs it reuses, so
// as to allocate less for a caller that hands each month on and drops it
// (see engine.Lot.Recycle); into may be nil, for a new Month.
func (l *Lot) MonthInto(into *Month, month rules.Month, charge decimal.Decimal, obs []Observation) (*Month, error) {
	if err := l.check(month, charge, obs); err != nil {
		return nil, err
	}
	lm := into
	if lm == nil {
		lm = &Month{KPIs: make([]KPICredit, len(obs))}
	} else {
		kpis := grow(lm.KPIs, len(obs))
		clear(kpis) // as new: the pricing sets only what a month has
		*lm = Month{KPIs: kpis}
	}
	l.priceMonth(lm, month, charge, obs)
	lm.Complete()
	for i := range lm.KPIs {
		lm.KPIs[i].Observation.Complete()
	}
	if l.Explain {
		l.explainMonth(lm)
	}
	return lm, nil
}

// Figures is Month for a caller that needs the figures only, such as a
// large sweep: it writes no explanation, and returns the Lot's own Month,
// which its next Figures overwrites, its slices and pointers (Bonus and
// each KPI's) included. When the month was priced in fixed point
// (HasFixed), its decimal figures are left unset, so as to allocate
// nothing: the Fixed fields hold them, and Complete sets them. Each KPI's
// Observation is as given (see Observation.Complete). A caller that keeps
// any of it copies it first.
func (l *Lot) Figures(month rules.Month, charge decimal.Decimal, obs []Observation) (*Month, error) {
	if err := l.check(month, charge, obs); err != nil {
		return nil, err
	}
	lm := &l.figures
	*lm = Month{KPIs: grow(lm.KPIs, len(obs)), Areas: lm.Areas[:0], Triggers: lm.Triggers[:0], bonuses: lm.bonuses}
	l.priceMonth(lm, month, charge, obs)
	return lm, nil
}

// check refuses a month that cannot be priced: the wrong number of
// observations, a month out of order, a negative charge, a level a KPI
// cannot reach.
func (l *Lot) check(month rules.Month, charge decimal.Decimal, obs []Observation) error {
	c := l.calc
	switch {
	case len(obs) != len(c.rb.KPIs):
		return fmt.Errorf("credits: %d observations for %d KPIs", len(obs), len(c.rb.KPIs))
	case l.begun && month <= l.last:
		return fmt.Errorf("credits: %s after %s: %w", month, l.last, ErrOrder)
	case charge.IsNegative():
		return fmt.Errorf("credits: %s: negative charge %s", month, charge)
	}
	for i := range obs {
		if o := &obs[i]; o.Status.Failed() && c.reaches[i]&(1<<(o.Status-rules.Minor)) == 0 {
			k := c.rb.KPIs[i]
			return fmt.Errorf("credits: %s: KPI %s is %s, a level it cannot reach", month, k.ID, o.Status)
		}
	}
	return nil
}

// priceMonth prices a month into lm, whose KPIs has one element per
// observation: in fixed point, or, when a figure does not fit there, in
// decimals; then it fires the triggers.
func (l *Lot) priceMonth(lm *Month, month rules.Month, charge decimal.Decimal, obs []Observation) {
	l.last, l.begun = month, true
	lm.Month, lm.Charge = month, charge
	if !l.decimal && l.priceFixed(lm, obs) {
		l.commit(lm)
	} else {
		l.priceDecimal(lm, obs)
	}
	l.trigger(lm)
}

// priceDecimal prices the month in decimals: the exact arithmetic every
// figure is defined by, and the fallback of the fixed-point path.
func (l *Lot) priceDecimal(lm *Month, obs []Observation) {
	*lm = Month{Month: lm.Month, Charge: lm.Charge, KPIs: lm.KPIs, Areas: lm.Areas[:0], Triggers: lm.Triggers, bonuses: lm.bonuses}
	l.obs = append(l.obs[:0], obs...)
	for i := range l.obs {
		l.obs[i].Complete()
		l.obs[i].Fixed = FixedObservation{}
		lm.KPIs[i] = l.price(i, l.obs[i], lm.Charge)
	}
	l.pool(lm)
	l.offsetPoints(lm)
	l.calc.capMonth(lm)
	l.capYear(lm)
	l.capRolling(lm)
	l.calc.spread(lm)
	l.earnBack(lm)
	l.bankBonus(lm)
}

// Complete sets the observation's Measure and Base from its fixed-point
// numbers, where Fixed holds them.
func (o *Observation) Complete() {
	if o.Fixed.HasMeasure {
		o.Measure = toDecimal(o.Fixed.Measure)
	}
	if o.Fixed.HasBase {
		b := toDecimal(o.Fixed.Base)
		o.Base = &b
	}
}

// price updates the KPI's streak and prices a failure before areas and
// caps, in decimals.
func (l *Lot) price(i int, o Observation, charge decimal.Decimal) KPICredit {
	k, s := l.calc.rb.KPIs[i], l.states[i]
	kc := KPICredit{KPI: k, Observation: o, Multiplier: one, Points: zero, AreaShare: zero,
		Amount: zero, Credit: zero, EarnBack: zero}
	switch {
	case o.Status == rules.Met:
		s.streak = 0
		s.metRun++
	case o.Status == rules.Excused && l.calc.rb.ReliefResets:
		s.streak = 0
	case o.Status.Failed():
		s.streak++
		s.metRun = 0
		kc.Multiplier = k.Multiplier(s.streak)
		base := charge
		if o.Base != nil {
			base = *o.Base
		}
		q := l.calc.price(k, o.Status, o.Measure, base, kc.Multiplier)
		kc.Points = q.points
		if k.Area == nil {
			kc.Amount = l.calc.round(q.num, q.den)
		}
	}
	kc.Streak = s.streak
	if !o.Status.Failed() && o.Status != rules.Met {
		kc.Streak = 0
	}
	return kc
}

// Complete sets the month's decimal figures, and its parts', from their
// fixed-point ones, where Figures left them unset; otherwise it does
// nothing. It allocates for figures other than 0 and 1 only. The
// observations, the caller's, are left as they are (see
// Observation.Complete): a caller that adds up the month's money has no
// need of their decimals.
func (m *Month) Complete() {
	if !m.pending {
		return
	}
	f := &m.Fixed
	m.BeforeCap, m.Cap, m.Credits, m.EarnBack = toDecimal(f.BeforeCap), toDecimal(f.Cap), toDecimal(f.Credits), toDecimal(f.EarnBack)
	m.AnnualCapLeft, m.RollingCapLeft = toDecimal(f.AnnualCapLeft), toDecimal(f.RollingCapLeft)
	for i := range m.KPIs {
		kc := &m.KPIs[i]
		x := &kc.Fixed
		kc.Multiplier, kc.Points, kc.AreaShare = toDecimal(x.Multiplier), toDecimal(x.Points), toDecimal(x.AreaShare)
		kc.Amount, kc.Credit, kc.EarnBack = toDecimal(x.Amount), toDecimal(x.Credit), toDecimal(x.EarnBack)
		if b := kc.Bonus; b != nil {
			b.Earned, b.Used = toDecimal(b.Fixed.Earned), toDecimal(b.Fixed.Used)
		}
	}
	for i := range m.Areas {
		a := &m.Areas[i]
		a.Points, a.BonusUsed, a.Credit = toDecimal(a.Fixed.Points), toDecimal(a.Fixed.BonusUsed), toDecimal(a.Fixed.Credit)
	}
	if b := m.Bonus; b != nil {
		b.Earned, b.Used, b.Expired, b.Bank = toDecimal(b.Fixed.Earned), toDecimal(b.Fixed.Used), toDecimal(b.Fixed.Expired), toDecimal(b.Fixed.Bank)
	}
	m.pending = false
}
