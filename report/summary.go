// Package report condenses a run for people: Summarize turns a
// runner.Result into a Summary (totals by provider, KPI and month, the
// scenarios against the baseline, the KPIs that move most, sweeps), which
// WriteMarkdown and WriteHTML render as summary.md and a single
// self-contained summary.html.
//
// It depends on runner (the result), input (its lots), rules and money;
// package output writes its pages beside the tables.
package report

import (
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Summary is everything the summary pages show. Amounts are exact and
// already rounded to the currency's minor unit; lists are in the order
// they are to be shown.
type Summary struct {
	Contract   string
	Currency   string // ISO code, e.g. GBP
	MinorUnits int32  // decimal places of money
	FirstMonth string // YYYY-MM
	LastMonth  string // YYYY-MM
	GroupBy    string // the key column totals are grouped by, e.g. "provider"
	Lots       int
	KPIs       int
	LotMonths  int

	Baseline  Totals
	ByGroup   []GroupTotal // one per provider (value of GroupBy), by name
	ByKPI     []KPITotal   // in rulebook order
	TopMonths []TopMonth   // the lot-months with the most credits, most first (at most 10)
	Monthly   []Series     // baseline credits per month, one series per provider

	// Terms lists the original terms and each amendment, in the order
	// they apply, with the months each governed; empty without amendments.
	Terms []Terms
	// Triggers lists the triggers the baseline fired, lot by lot and
	// month by month; HasTriggers says whether any terms have triggers.
	Triggers    []Fired
	HasTriggers bool
	// TriggerRules says what each trigger of the latest terms counts and
	// means, e.g. "material-kpi-failure (Rectification plan required): 3
	// failures at minor or worse of any KPI within 12 months".
	TriggerRules []string

	Scenarios []ScenarioTotal // empty when the run has no scenarios
	Movers    []Mover         // the scenario-KPI pairs whose credits move most, largest |Diff| first (at most 15)
	Sweeps    []Sweep         // one per sweep, in rulebook order
	// TriggerDiffs compares each scenario's triggers fired with the
	// baseline's, by trigger: scenarios other than sweeps, pairs where
	// either fired.
	TriggerDiffs []TriggerDiff

	// AnnualCap is the percent of a contract year's charges the annual cap
	// allows, in the baseline or any scenario (the baseline's first); nil
	// when no rulebook has a percent annual cap. The pages then note how
	// the cap is projected.
	AnnualCap *decimal.Decimal
	// Curves, when set, links the credit curves written beside the
	// summary; Summarize leaves it nil.
	Curves *CurvesLink
	// Events is what the event files gave; nil without events.
	Events *EventSummary
}

// Terms is a set of terms and the months of the data it governed as the
// latest in force.
type Terms struct {
	ID          string // the amendment's id; "" for the original terms
	Description string
	Agreed      string // YYYY-MM-DD
	From        string // YYYY-MM; "" for the original terms
	// First and Last are the months of the data it governed; "" when it
	// governed none (an amendment from the same month as a later one, or
	// in force only outside the data).
	First, Last string
}

// Fired is a trigger that fired for a lot in a month.
type Fired struct {
	Trigger string
	Level   string
	Lot     string
	Month   string
	KPIs    string // the KPIs whose failures were counted
	Count   int
	Within  int
}

// TriggerDiff is how often a trigger fired under a scenario and under
// the baseline.
type TriggerDiff struct {
	Scenario, Trigger string
	Baseline, With    int
}

// CurvesLink is the credit curves page written beside the summary, and
// how many KPIs raise each kind of flag on it (in any curve drawn).
type CurvesLink struct {
	Href       string // relative to the summary, e.g. curves.html
	Cliff      int    // KPIs with a cliff edge
	OverAtRisk int    // KPIs whose credit can exceed the share of the charge at risk
	Unreached  int    // KPIs with a failure level no month of the data reached
	KPIs       int    // KPIs drawn
}

// Totals are a run's money totals.
type Totals struct {
	Charge       decimal.Decimal
	BeforeCap    decimal.Decimal // credits before caps
	Credits      decimal.Decimal // after caps
	EarnBack     decimal.Decimal // refunds, <= 0
	Net          decimal.Decimal // Credits + EarnBack
	Failures     int             // failed KPI-months
	Measured     int             // KPI-months met or failed
	CappedMonths int             // lot-months whose credits hit the monthly cap
}

// GroupTotal is the totals of one provider (or other group).
type GroupTotal struct {
	Name string
	Totals
}

// KPITotal is one KPI's baseline totals.
type KPITotal struct {
	ID, Name    string
	Scheme      string // e.g. points, sliding
	Credits     decimal.Decimal
	Failures    int
	Met         int
	NotMeasured int
	Excused     int
}

// TopMonth is one lot's credits in one month.
type TopMonth struct {
	Lot     string // the key values joined with " / ", e.g. "Northgate / Wales"
	Month   string
	Charge  decimal.Decimal
	Credits decimal.Decimal
}

// Series is a provider's credits month by month.
type Series struct {
	Name   string
	Points []MonthValue // every month of the run, in order
}

// MonthValue is an amount in a month.
type MonthValue struct {
	Month string
	Value decimal.Decimal
}

// Change is a scenario's credits against the baseline's — over the whole
// run, a provider's lots or a KPI — with the difference split into what
// the changed rules did before caps (Rules) and what the caps then did
// (Caps), and the same net of earn-back.
type Change struct {
	Baseline decimal.Decimal // the baseline's credits, after caps, before earn-back
	Credits  decimal.Decimal // the scenario's
	Diff     decimal.Decimal // Credits - Baseline
	// Rules is the scenario's credits before caps less the baseline's
	// before caps: what the changed rules would have cost.
	Rules decimal.Decimal
	// Caps is Diff - Rules: the change in what the monthly, annual and
	// rolling caps cut.
	Caps decimal.Decimal
	// BaselineNet and Net are the credits less the earn-back returned;
	// NetDiff is Net - BaselineNet.
	BaselineNet, Net, NetDiff decimal.Decimal
}

// NewChange compares a scenario's figures with the baseline's: credits
// before caps, after caps, and earn-back (<= 0), under each.
func NewChange(baseBeforeCap, base, baseEarnBack, beforeCap, credits, earnBack decimal.Decimal) Change {
	c := Change{Baseline: base, Credits: credits, Diff: credits.Sub(base), Rules: beforeCap.Sub(baseBeforeCap),
		BaselineNet: base.Add(baseEarnBack), Net: credits.Add(earnBack)}
	c.Caps = c.Diff.Sub(c.Rules)
	c.NetDiff = c.Net.Sub(c.BaselineNet)
	return c
}

// MovedBy says what moved the credits, to places decimal places: "rules
// only", "caps only" or "rules and caps"; "none" when neither did.
func (c Change) MovedBy(places int32) string {
	rules, caps := !c.Rules.Round(places).IsZero(), !c.Caps.Round(places).IsZero()
	switch {
	case rules && caps:
		return "rules and caps"
	case caps:
		return "caps only"
	case rules:
		return "rules only"
	}
	return "none"
}

// ScenarioTotal compares one scenario with the baseline.
type ScenarioTotal struct {
	ID          string
	Description string
	From        string // YYYY-MM, or "" when the scenario applies throughout
	Failures    int
	Change
	ByGroup []GroupDiff // per provider, same order as Summary.ByGroup
}

// GroupDiff is one provider's credits under a scenario.
type GroupDiff struct {
	Name string
	Change
}

// Mover is a KPI whose credits a scenario changes.
type Mover struct {
	Scenario string
	KPI      string
	Change
}

// Sweep is total credits against the swept value.
type Sweep struct {
	ID     string // the sweep's id
	KPI    string
	Field  string
	Points []SweepPoint    // by increasing value
	Base   decimal.Decimal // the baseline's total credits, for comparison
	// Unit is the KPI's unit when the field is a measure (its target, a
	// bound or a sliding floor), so that a share is shown as a percent;
	// rules.NoUnit otherwise.
	Unit rules.Unit
}

// SweepPoint is one value of a sweep and the total credits it gives.
type SweepPoint struct {
	Value   decimal.Decimal
	Credits decimal.Decimal
}
