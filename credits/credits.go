package credits

import (
	"github.com/kpicredit/kpicredit/fixed"
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
	// Fixed holds the measure and the base in fixed point, for a caller
	// that has them so (package kpi's Result.Fixed). Where it has one,
	// the Lot reads it there and ignores the decimal, which Complete
	// sets.
	Fixed FixedObservation
}

// FixedObservation is an observation's measure and base in fixed point.
type FixedObservation struct {
	Measure    fixed.Decimal // the measure, when HasMeasure
	HasMeasure bool
	Base       fixed.Decimal // the base, when HasBase
	HasBase    bool
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
	// Fixed holds the figures above in fixed point when the month was
	// priced there (Month.HasFixed).
	Fixed KPIFixed

	metRun int // the run of met months that earned EarnBack
}

// KPIFixed is a KPI's figures of a month in fixed point.
type KPIFixed struct {
	Multiplier, Points, AreaShare, Amount, Credit, EarnBack fixed.Decimal
}

// KPIBonus is a KPI's bonus points in a month.
type KPIBonus struct {
	Earned decimal.Decimal // met at or beyond its bonus bound: banked for later months
	Used   decimal.Decimal // banked points that offset its points (a points KPI outside a service area)
	// Fixed holds Earned and Used in fixed point when the month was priced
	// there.
	Fixed struct{ Earned, Used fixed.Decimal }
}

// AreaCredit is a service area's pooled points and credit for a lot-month.
type AreaCredit struct {
	Area      *rules.ServiceArea
	Points    decimal.Decimal // pooled points of its KPIs
	BonusUsed decimal.Decimal // banked bonus points that offset them
	Credit    decimal.Decimal // rounded once
	How       string
	// Fixed holds the figures above in fixed point when the month was
	// priced there.
	Fixed struct{ Points, BonusUsed, Credit fixed.Decimal }
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
	// HasFixed says the month was priced in fixed point: every Fixed
	// field, the Month's and its parts', holds its figure. It is false
	// when some figure could not be worked out exactly there, and the
	// month was priced in decimals instead.
	HasFixed bool
	// Fixed holds the figures above in fixed point, when HasFixed.
	Fixed MonthFixed

	pending bool       // the decimal figures are not set yet: Complete sets them
	bonuses []KPIBonus // where the KPIs' Bonus point, by KPI, when priced in fixed point
	bonus   BonusMonth // where Bonus points, when priced in fixed point
}

// MonthFixed is a lot-month's figures in fixed point.
type MonthFixed struct {
	Charge, BeforeCap, Cap, AnnualCapLeft, RollingCapLeft, Credits, EarnBack fixed.Decimal
}

// BonusMonth is a lot's bonus points in a month.
type BonusMonth struct {
	Earned  decimal.Decimal // earned this month, banked for later months
	Used    decimal.Decimal // banked points that offset this month's points
	Expired decimal.Decimal // banked points that could be used no longer after this month
	Bank    decimal.Decimal // the bank after this month
	// Fixed holds the points above in fixed point when the month was
	// priced there.
	Fixed struct{ Earned, Used, Expired, Bank fixed.Decimal }
}

// Fired is a trigger that fired for a lot in a month.
type Fired struct {
	Trigger *rules.Trigger
	Count   int    // the failures counted, at least Trigger.Failures
	KPIs    string // the KPIs whose failures were counted, comma-separated, oldest failure first
}

// Net is the month's credits less its earn-back.
func (m *Month) Net() decimal.Decimal { return m.Credits.Add(m.EarnBack) }
