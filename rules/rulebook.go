package rules

import (
	"bytes"
	"fmt"
	"io"

	"github.com/kpicredit/kpicredit/money"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// Rulebook is a validated contract rulebook: the data fields, the KPIs and
// how their failures turn into service credits. Load or Parse return one;
// the zero value is not useful.
type Rulebook struct {
	File       string    // the file it was read from, for messages
	Contract   string    // the contract's name
	Currency   string    // ISO 4217 code, e.g. GBP
	MinorUnits int32     // decimal places of the currency's minor unit (2 for GBP)
	Rounding   Rounding  // how every money amount is rounded to the minor unit
	Keys       []string  // columns that identify a lot, e.g. provider, region
	Charge     string    // money field holding a lot's monthly charge
	PointValue Decimal   // money per point for points schemes outside service areas
	Start, End *Month    // the contract term, nil for an open end; months outside it are rejected
	Fields     []Field   // the declared data fields, in file order
	KPIs       []*KPI    // in file order
	Caps       Caps      // monthly, annual and rolling caps
	EarnBack   *EarnBack // the default earn-back for every KPI; nil for none
	Areas      []*ServiceArea
	Triggers   []*Trigger // consequences of repeated failures, in file order
	Bonus      *Bonus     // how bonus points are earned and kept; nil for none
	// ReliefResets says that an excused month ends a KPI's failure
	// streak (escalation_across_relief: reset); by default it keeps it.
	ReliefResets bool
	// Amendments are the agreed change notices, in file order; Timeline
	// gives the terms they make month by month.
	Amendments []*Amendment
	Scenarios  []*Scenario
	Events     *Events // the event sources and SLA clocks; nil for none
	Closing            // the month-end close: invoice lag and party, authority, opening state

	root     *yaml.Node      // the document, kept so that scenarios can overlay it; nil for a sweep's member's terms (doc)
	doc      *memberDoc      // a sweep's member's terms' document, built when asked for; nil for others
	swept    *sweptKPI       // where a sweep's first member's value went; nil for others
	check    Checker         // checks the expressions of scenarios added later
	timeline []Epoch         // the terms month by month; nil for one set of terms
	applied  []*scenarioSpec // the amendments as read, in the order they apply
}

// Decimal is an exact decimal number; the alias keeps signatures short.
type Decimal = decimal.Decimal

// FieldType is the type of a data column.
type FieldType uint8

// The field types a rulebook may declare.
const (
	TypeMoney   FieldType = iota + 1 // a non-negative amount of money
	TypeInt                          // a non-negative whole count
	TypeDecimal                      // any decimal number
	TypeString                       // text, e.g. a key column
)

var fieldTypeNames = map[string]FieldType{
	"money": TypeMoney, "int": TypeInt, "decimal": TypeDecimal, "string": TypeString,
}

// String returns the type's name as written in rulebooks.
func (t FieldType) String() string {
	for n, v := range fieldTypeNames {
		if v == t {
			return n
		}
	}
	return "unknown"
}

// Numeric reports whether values of the type are numbers.
func (t FieldType) Numeric() bool { return t != TypeString }

// Field is a declared data column.
type Field struct {
	Name string
	Type FieldType
	// Aggregate says how the field's monthly values combine over a KPI's
	// measurement period longer than a month: Sum unless declared.
	Aggregate Aggregate
	Pos       Pos
}

// Expr is the source of an expression in a rulebook and where it starts.
type Expr struct {
	Source string
	Pos    Pos
}

// IsZero reports whether the expression is absent.
func (e Expr) IsZero() bool { return e.Source == "" }

// KPI is one key performance indicator.
type KPI struct {
	ID         string
	Name       string
	Measure    Expr        // the measure, e.g. fixed_24h / jobs
	Unit       Unit        // what the measure is (share, percent, number); NoUnit when not declared
	Range      Range       // the values the unit allows: 0 to 1 for a share, 0 to 100 for a percent, a number's range
	Volume     Expr        // optional: the number of events measured
	MinVolume  *Decimal    // optional: a volume below it is not_measured
	Applies    Expr        // optional: a boolean; false makes the KPI not_applicable
	Direction  Direction   // which way is better
	Target     Decimal     // met at or better than this
	Bounds     [4]*Decimal // by level - Minor: [1] serious, [2] severe, [3] critical; nil for none ([0] is unused)
	Credit     Scheme
	Escalation []Decimal    // multiplier of the n-th consecutive failure; the last repeats
	EarnBack   *EarnBack    // nil for none
	Area       *ServiceArea // the service area pooling its points; nil for none
	// AtRisk is the percent (0-100) of the monthly charge the contract
	// means the KPI to put at risk, from at_risk_percent; nil when not
	// declared. Credits ignore it; package curves flags a KPI whose
	// credit can exceed it.
	AtRisk *Decimal
	// Period is how long a measurement period is: a month, a quarter of
	// the contract year, or a rolling window.
	Period Period
	// BonusAt is the measure at or beyond which (on the better side) a met
	// month earns the rulebook's bonus points; nil for none.
	BonusAt *Decimal
	Pos     Pos

	// at holds where the target ([0]), the bounds (by level - Minor) and a
	// sliding floor ([floorAt]) were written, nil for those not read; unitAt
	// where unit or range was.
	at       [floorAt + 1]*placed
	unitAt   *placed
	periodAt *placed // where period was written; nil when not
	bonusAt  Pos     // where bonus was written
}

// placed is where a value was written, and whether a scenario brought it.
type placed struct {
	Pos
	overlay bool
}

// Bound returns the bound at which the failure level starts (Serious,
// Severe or Critical), or nil if the KPI does not have it. Minor starts at
// the target.
func (k *KPI) Bound(level Status) *Decimal {
	if level < Serious || level > Critical {
		return nil
	}
	return k.Bounds[level-Minor]
}

// Reachable lists the failure levels the KPI can reach, from least to
// most severe (see Reaches).
func (k *KPI) Reachable() []Status {
	var out []Status
	for _, l := range Levels {
		if k.Reaches(l) {
			out = append(out, l)
		}
	}
	return out
}

// Reaches reports whether some measure fails the KPI at the level. A
// level's band runs from where it starts (the target for Minor, else its
// bound) to the next bound that is set, which belongs to the worse level;
// the worst level's band is unbounded. A level without a bound is never
// reached, nor is one whose band is empty because the next bound equals
// where it starts: with target 1 and serious 1 any miss is serious, and
// none is minor. A measure exactly at a bound belongs to the better side,
// so the measure 1 is met.
func (k *KPI) Reaches(level Status) bool {
	if !level.Failed() {
		return false
	}
	start := &k.Target
	if level > Minor {
		start = k.Bound(level)
	}
	if start == nil {
		return false
	}
	for _, worse := range Levels[level-Minor+1:] {
		if b := k.Bound(worse); b != nil {
			return !b.Equal(*start)
		}
	}
	return true
}

// Multiplier returns the escalation multiplier for the n-th consecutive
// failure (n >= 1); the last entry repeats.
func (k *KPI) Multiplier(n int) Decimal {
	if len(k.Escalation) == 0 || n < 1 {
		return decimal.NewFromInt(1)
	}
	if n > len(k.Escalation) {
		n = len(k.Escalation)
	}
	return k.Escalation[n-1]
}

// SchemeKind names a credit scheme.
type SchemeKind uint8

// The credit schemes.
const (
	Fixed           SchemeKind = iota + 1 // money per failure level
	PercentOfCharge                       // percent of the monthly charge per failure level
	Points                                // points per failure level, times a point value
	Sliding                               // proportionate share of a maximum percent of charge
	PerShortfall                          // percent of charge (or money) per unit of shortfall
)

var schemeNames = [...]string{
	Fixed: "fixed", PercentOfCharge: "percent_of_charge", Points: "points",
	Sliding: "sliding", PerShortfall: "per_shortfall",
}

// String returns the scheme's key in the rulebook.
func (s SchemeKind) String() string {
	if int(s) < len(schemeNames) && s > 0 {
		return schemeNames[s]
	}
	return "unknown"
}

// Scheme is a KPI's credit scheme; which fields matter depends on Kind.
type Scheme struct {
	Kind SchemeKind
	// Levels holds the amount for each failure level (fixed, percent_of_charge,
	// points), indexed by level - Minor; nil where the level is not given.
	Levels [4]*Decimal
	// Sliding: the whole percent earned at or beyond Floor.
	MaxPercent Decimal
	Floor      Decimal
	// PerShortfall: Percent of charge, or Money, per Per of shortfall.
	Percent    *Decimal
	Money      *Decimal
	Per        Decimal
	WholeUnits bool
}

// Amount returns the amount for a failure level of a level-keyed scheme.
func (s *Scheme) Amount(level Status) (Decimal, bool) {
	if !level.Failed() || s.Levels[level-Minor] == nil {
		return Decimal{}, false
	}
	return *s.Levels[level-Minor], true
}

// Caps limits the credits of a lot.
type Caps struct {
	// MonthlyPercent caps a lot's credits in a month at this percent of its
	// monthly charge; nil for no monthly cap.
	MonthlyPercent *Decimal
	// AnnualPercent caps a lot's credits in a contract year at this percent
	// of the year's charges, projected from those known by each month (see
	// package credits); nil for none.
	AnnualPercent *Decimal
	// AnnualAmount caps a lot's credits in a contract year at this amount;
	// nil for none.
	AnnualAmount *Decimal
	// RollingPercent caps a lot's credits in any 12 consecutive months at
	// this percent of those months' charges (see package credits); nil
	// for none.
	RollingPercent *Decimal
	Pos            Pos
}

// EarnBack returns a share of credits after consecutive met months.
type EarnBack struct {
	Percent        Decimal // share of the pooled credits returned
	AfterMetMonths int     // consecutive met months needed
}

// ServiceArea pools the points of several KPIs of a lot-month.
type ServiceArea struct {
	ID        string
	KPIs      []string
	Threshold Decimal  // points per lot-month that earn nothing
	Value     *Decimal // money per point, or nil
	Percent   *Decimal // percent of the charge per point, or nil
	Tiers     []Tier   // optional ratchet, by increasing From
	// Bands, when given, price the area's points instead of a value per
	// point: the highest band the points reach gives a percent of the
	// charge; below the first, nothing.
	Bands []Band
	Pos   Pos

	kpiNodes []*yaml.Node // where each of KPIs is named, for messages
}

// Tier multiplies the value of points ranked From and above.
type Tier struct {
	From       Decimal
	Multiplier Decimal
}

// Band is one row of a service area's band table: points of From or more
// earn Percent of the charge.
type Band struct {
	From    Decimal
	Percent Decimal
}

// Rounding is a rounding mode for money: money.Rounding, named here so
// that a rulebook's users need one import.
type Rounding = money.Rounding

// The rounding modes.
const (
	HalfUp   = money.HalfUp   // halves away from zero
	HalfEven = money.HalfEven // halves to the even neighbour (banker's rounding)
)

var (
	hundred = decimal.NewFromInt(100)
	one     = decimal.NewFromInt(1)
)

// InTerm reports a month outside the contract term (start to end, where
// given) as an error saying which end it passes.
func (b *Rulebook) InTerm(m Month) error {
	if s := b.Start; s != nil && m < *s {
		return fmt.Errorf("%s is before the contract starts (%s)", m, *s)
	}
	if e := b.End; e != nil && m > *e {
		return fmt.Errorf("%s is after the contract ends (%s)", m, *e)
	}
	return nil
}

// TermsYAML returns the terms the rulebook states as YAML: its document
// without its amendments and scenarios (for an amendment's or a
// scenario's terms, which have neither, YAML). Comments are not kept.
func (b *Rulebook) TermsYAML() ([]byte, error) {
	if b.root == nil {
		return b.YAML()
	}
	root := copyMapping(b.root)
	setKey(root, "amendments", nil)
	setKey(root, "scenarios", nil)
	return yaml.Marshal(root)
}

// YAML returns the rulebook as YAML: for a scenario, the baseline with the
// scenario's overlay applied. Comments are not kept.
func (b *Rulebook) YAML() ([]byte, error) {
	if b.root == nil && b.doc != nil {
		var buf bytes.Buffer
		err := b.doc.writeYAML(&buf)
		return buf.Bytes(), err
	}
	if b.root == nil {
		return nil, nil
	}
	return yaml.Marshal(b.root)
}

// WriteTermsYAML writes what TermsYAML returns to w. The terms of a
// sweep's member, which keeps no document of its own, are written from
// its sweep's text with the member's values in place, without encoding
// them: a manifest hashes thousands.
func (b *Rulebook) WriteTermsYAML(w io.Writer) error {
	if b.root == nil && b.doc != nil {
		return b.doc.writeYAML(w)
	}
	y, err := b.TermsYAML()
	if err == nil {
		_, err = w.Write(y)
	}
	return err
}
