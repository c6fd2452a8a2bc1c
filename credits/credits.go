package credits

import (
	"errors"
	"fmt"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Observation is what was measured for one KPI of a lot-month: its status
// and, for met and failed KPIs, the measure.
type Observation struct {
	Status  rules.Status
	Measure decimal.Decimal // meaningful when Status is Met or a failure level
	Reason  string          // why it is not measured, or the relief's reason
	// Base, when not nil, is the charge a percent_of_charge, sliding or
	// per_shortfall credit is a percent of, in place of the month's: the
	// summed charges of a quarterly KPI's quarter.
	Base *decimal.Decimal
}

// KPICredit is one KPI's service credit for a lot-month and how it arose.
type KPICredit struct {
	KPI *rules.KPI
	Observation
	Streak     int             // consecutive failures up to and including this month; 0 when met
	Multiplier decimal.Decimal // escalation applied; 1 when not failed
	Points     decimal.Decimal // points earned after escalation (points schemes)
	Area       string          // the service area the points went to, if any
	AreaShare  decimal.Decimal // this KPI's share of its area's credit
	Amount     decimal.Decimal // rounded credit before caps (for area KPIs, AreaShare)
	Credit     decimal.Decimal // credit after the monthly, annual and rolling caps
	EarnBack   decimal.Decimal // a refund (<= 0) earned this month, else 0
	// Bonus is the KPI's bonus points this month; nil when it earned none
	// and none offset its points.
	Bonus       *KPIBonus
	Explanation string

	metRun int // the run of met months that earned EarnBack
}

// KPIBonus is a KPI's bonus points in a month.
type KPIBonus struct {
	Earned decimal.Decimal // met at or beyond its bonus bound: banked for later months
	Used   decimal.Decimal // banked points that offset its points (a points KPI outside a service area)
}

// AreaCredit is a service area's pooled points and credit for a lot-month.
type AreaCredit struct {
	Area      *rules.ServiceArea
	Points    decimal.Decimal // pooled points of its KPIs
	BonusUsed decimal.Decimal // banked bonus points that offset them
	Credit    decimal.Decimal // rounded once
	How       string
}

// Month is the credits of one lot in one month.
type Month struct {
	Month     rules.Month
	Charge    decimal.Decimal
	KPIs      []KPICredit // in rulebook order
	Areas     []AreaCredit
	BeforeCap decimal.Decimal // sum of the KPIs' amounts
	Cap       decimal.Decimal // the monthly cap in money; meaningful when HasCap
	HasCap    bool
	// AnnualCapLeft is what the annual cap left for this month before it was
	// applied; meaningful when HasAnnualCap.
	AnnualCapLeft decimal.Decimal
	HasAnnualCap  bool
	// RollingCapLeft is what the rolling 12-month cap left for this month
	// before it was applied; meaningful when HasRollingCap.
	RollingCapLeft decimal.Decimal
	HasRollingCap  bool
	Credits        decimal.Decimal // after every cap: what is deducted for failures
	EarnBack       decimal.Decimal // refunds earned this month (<= 0)
	// Bonus is the lot's bonus points this month; nil unless the terms
	// have bonus points or the bank holds some.
	Bonus *BonusMonth
	// Triggers lists the triggers that fired for the lot this month.
	Triggers []Fired
}

// BonusMonth is a lot's bonus points in a month.
type BonusMonth struct {
	Earned  decimal.Decimal // earned this month, banked for later months
	Used    decimal.Decimal // banked points that offset this month's points
	Expired decimal.Decimal // banked points that could be used no longer after this month
	Bank    decimal.Decimal // the bank after this month
}

// Fired is a trigger that fired for a lot in a month.
type Fired struct {
	Trigger *rules.Trigger
	Count   int    // the failures counted, at least Trigger.Failures
	KPIs    string // the KPIs whose failures were counted, comma-separated, oldest failure first
}

// Net is the month's credits less its earn-back.
func (m *Month) Net() decimal.Decimal { return m.Credits.Add(m.EarnBack) }

// Calculator prices KPI failures under one rulebook. It is safe for
// concurrent use; the state of a lot lives in a Lot.
type Calculator struct {
	rb       *rules.Rulebook
	places   int32
	earnBack []*rules.EarnBack // effective earn-back per KPI
}

// New returns a Calculator for a validated rulebook.
func New(rb *rules.Rulebook) *Calculator {
	c := &Calculator{rb: rb, places: rb.MinorUnits, earnBack: make([]*rules.EarnBack, len(rb.KPIs))}
	for i, k := range rb.KPIs {
		c.earnBack[i] = k.EarnBack
		if c.earnBack[i] == nil {
			c.earnBack[i] = rb.EarnBack
		}
	}
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
type Lot struct {
	// Explain, true by default, writes each KPI's Explanation. A caller
	// that needs only the figures, such as a large sweep, turns it off.
	Explain bool

	calc   *Calculator
	states []*kpiState // aligned with calc.rb.KPIs
	byID   map[string]*kpiState
	last   rules.Month
	begun  bool
	year   int
	inYear bool
	ytd    struct {
		charge, credits decimal.Decimal
		months          int // the contract year's months seen so far
	}
	rolling  [11]pastMonth // the months before this one, for the rolling cap, by month mod 11
	bank     []banked      // bonus points, oldest first
	failures failureLog    // recent failures, for triggers
	holding  []triggerRun  // each trigger's condition as of the last month
}

// pastMonth is a month's charge and final credits, for the rolling cap.
type pastMonth struct {
	month           rules.Month
	seen            bool
	charge, credits decimal.Decimal
}

type kpiState struct {
	streak int             // consecutive failures
	metRun int             // consecutive met months
	pool   decimal.Decimal // credits not yet earned back
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
// observation per KPI, in rulebook order. An observation at a failure
// level the KPI cannot reach (rules.KPI.Reaches) is an error.
func (l *Lot) Month(month rules.Month, charge decimal.Decimal, obs []Observation) (*Month, error) {
	c := l.calc
	switch {
	case len(obs) != len(c.rb.KPIs):
		return nil, fmt.Errorf("credits: %d observations for %d KPIs", len(obs), len(c.rb.KPIs))
	case l.begun && month <= l.last:
		return nil, fmt.Errorf("credits: %s after %s: %w", month, l.last, ErrOrder)
	case charge.IsNegative():
		return nil, fmt.Errorf("credits: %s: negative charge %s", month, charge)
	}
	for i, o := range obs {
		if k := c.rb.KPIs[i]; o.Status.Failed() && !k.Reaches(o.Status) {
			return nil, fmt.Errorf("credits: %s: KPI %s is %s, a level it cannot reach", month, k.ID, o.Status)
		}
	}
	l.last, l.begun = month, true
	lm := &Month{Month: month, Charge: charge, KPIs: make([]KPICredit, len(obs))}
	for i, o := range obs {
		lm.KPIs[i] = l.price(i, o, charge)
	}
	l.pool(lm)
	l.offsetPoints(lm)
	c.capMonth(lm)
	l.capYear(lm)
	l.capRolling(lm)
	c.spread(lm)
	l.earnBack(lm)
	l.bankBonus(lm)
	l.trigger(lm)
	for i := range lm.KPIs {
		if l.Explain {
			lm.KPIs[i].Explanation = c.explain(lm, i)
		} else {
			lm.KPIs[i].Explanation = ""
		}
	}
	return lm, nil
}

// price updates the KPI's streak and prices a failure before areas and caps.
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
		q := l.calc.price(k, o.Status, o.Measure, base, kc.Multiplier, l.Explain)
		if o.Base != nil && l.Explain && k.Credit.Kind != rules.Fixed && k.Credit.Kind != rules.Points {
			q.how += " (the charges of the quarter)"
		}
		kc.Points = q.points
		if k.Area == nil {
			kc.Amount = l.calc.round(q.num, q.den)
		}
		kc.Explanation = q.how // replaced by the full text once the month is done; "" when not explaining
	}
	kc.Streak = s.streak
	if !o.Status.Failed() && o.Status != rules.Met {
		kc.Streak = 0
	}
	return kc
}
