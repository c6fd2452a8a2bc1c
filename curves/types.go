package curves

import (
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Set is the credit curves of every KPI of a rulebook and its scenarios at
// one charge. Compute returns one.
type Set struct {
	Contract   string
	Currency   string
	Places     int32           // the currency's decimal places
	Charge     decimal.Decimal // the typical charge every curve is priced at
	ChargeFrom string          // how the charge was found, e.g. "given"
	// CliffPercent is the percent of the charge a step of one unit must
	// move the credit by more than to be a cliff edge; CliffAmount is that
	// share of the charge, rounded to the minor unit as a cap is.
	CliffPercent, CliffAmount decimal.Decimal
	HasData                   bool         // whether data was given (else no level is flagged unreached)
	KPIs                      []*KPICurves // baseline order, then KPIs only scenarios add
}

// KPICurves is one KPI's curves: the baseline's and each scenario's, on a
// common grid of measures.
type KPICurves struct {
	ID, Name string
	// Share is true when the measure is taken to be a share from 0 to 1.
	Share bool
	// Unit is the step of the grid: 0.001 (0.1 percentage point) for a
	// share, else 1 (or a larger power of ten for a very wide span).
	Unit decimal.Decimal
	// Lo and Hi are the ends of the grid.
	Lo, Hi decimal.Decimal
	// Observed is the data's distinct measures of the KPI, ascending; nil
	// without data or when no month was judged.
	Observed []decimal.Decimal
	Curves   []*Curve // baseline first, then scenarios, in the order given
	// Absent names the rulebooks (baseline or scenarios) without the KPI.
	Absent []string
}

// Curve is the credit of one KPI under one rulebook, as its measure
// varies, at the set's charge, in a month with no other KPI failing and
// before the monthly cap.
type Curve struct {
	Scenario string     // rules.BaselineID or the scenario's id
	KPI      *rules.KPI // the KPI as the scenario has it
	// Cap is the monthly cap at the charge; nil when there is none.
	Cap *decimal.Decimal
	// AtRisk is the percent of the charge the KPI puts at risk, and
	// AtRiskFrom where it comes from ("declared" or "monthly cap 7.5% / 15
	// KPIs"); AtRisk is nil when the KPI declares none and there is no
	// monthly cap.
	AtRisk     *decimal.Decimal
	AtRiskFrom string
	// Multiplier is the highest escalation multiplier (the last entry).
	Multiplier decimal.Decimal
	Points     []Point // ascending by measure
	// Max and MaxEscalated are the largest credit over every measure the
	// KPI can take, at the first failure and at the highest multiplier.
	Max, MaxEscalated Extreme
	Flags             []Flag
	// SameAs names an earlier curve of the KPI (baseline or scenario) with
	// the same points, cap, at-risk share and flags; "" when none has.
	SameAs string
}

// Extreme is the largest credit of a curve and the first measure, going
// from the target outward, that earns it.
type Extreme struct {
	Credit decimal.Decimal
	At     Point
	// Unbounded is true for a per_shortfall credit of a measure with no
	// worst end (not a share): it grows without limit, and Credit is the
	// largest on the grid.
	Unbounded bool
}

// Point is the credit at one measure.
type Point struct {
	Measure decimal.Decimal
	Level   rules.Status    // met or a failure level
	Credit  decimal.Decimal // at the first failure, before caps
	// Escalated is the credit at the highest escalation multiplier, before
	// caps; equal to Credit when the KPI does not escalate.
	Escalated decimal.Decimal
	// OnGrid is true for a point of the grid (a whole number of units);
	// the others stand at a target or bound, or beside one (Beside).
	OnGrid bool
	// Beside is -1 for a point just below Ref, +1 just above it (by one
	// unit of the 16th decimal place, the finest measure the data can
	// hold), 0 for any other point.
	Beside int
	Ref    decimal.Decimal
	Flags  FlagSet // the flags that hold at this point
}

// FlagKind is a kind of disproportion a curve can show.
type FlagKind uint8

// The flags. A flag at the highest escalation multiplier is raised only
// where the first failure does not already raise the same kind.
const (
	Cliff               FlagKind = iota + 1 // one unit's step moves the credit by more than CliffPercent of the charge
	EscalatedCliff                          // the same, at the highest escalation multiplier only
	OverAtRisk                              // the credit exceeds the share of the charge the KPI puts at risk
	EscalatedOverAtRisk                     // the same, at the highest escalation multiplier only
	Unreached                               // a failure level the KPI can reach that no month of the data reached
)

var flagNames = [...]string{Cliff: "cliff", EscalatedCliff: "escalated_cliff", OverAtRisk: "over_at_risk",
	EscalatedOverAtRisk: "escalated_over_at_risk", Unreached: "unreached"}

// String returns the flag's name as the CSV writes it, e.g. "cliff".
func (k FlagKind) String() string {
	if int(k) < len(flagNames) && k > 0 {
		return flagNames[k]
	}
	return "unknown"
}

// FlagSet is a set of flag kinds.
type FlagSet uint8

// Has reports whether the set holds k.
func (s FlagSet) Has(k FlagKind) bool { return s&(1<<k) != 0 }

// With returns the set with k added.
func (s FlagSet) With(k FlagKind) FlagSet { return s | 1<<k }

// String lists the set's kinds in the order of the constants, joined by
// ";"; "" for none.
func (s FlagSet) String() string {
	var names []string
	for k := Cliff; k <= Unreached; k++ {
		if s.Has(k) {
			names = append(names, k.String())
		}
	}
	return strings.Join(names, ";")
}

// Flag is one disproportion found on a curve.
type Flag struct {
	Kind FlagKind
	// Cliffs: the step with the largest jump in a run of adjacent grid
	// steps that each qualify; Before and After are one unit apart, After
	// the worse. From and To are the run's ends (Before and After for a
	// single step), Jump the credit at After less that at Before.
	Before, After, From, To decimal.Decimal
	Jump                    decimal.Decimal
	// Over at-risk: Credit is the largest credit, earned first at Measure
	// (none when Unbounded), and Exceeds the first point, from the target
	// outward, whose credit exceeds the at-risk share.
	Credit    decimal.Decimal
	Measure   Point
	Exceeds   Point
	Unbounded bool
	// Unreached: the level.
	Level rules.Status
	// Text says it in a sentence.
	Text string
}
