package rules_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Load the bundled example contract and look at one of its KPIs.
func ExampleLoad() {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	k := rb.KPI("KPI-01")
	fmt.Println(rb.Contract)
	fmt.Println(k.ID, k.Name)
	fmt.Println("measure:", k.Measure.Source)
	fmt.Println("target:", k.Target, "levels:", k.Reachable())
	fmt.Println("scheme:", k.Credit.Kind, "in service area", k.Area.ID)
	// Output:
	// Asylum Accommodation and Support Contract (example)
	// KPI-01 Emergency defects fixed within 24 hours
	// measure: emergency_fixed_24h / emergency_jobs
	// target: 0.99 levels: [minor serious severe critical]
	// scheme: points in service area property
}

// Every problem in a rulebook is reported at once, each with its file,
// line, column and key.
func ExampleValidationError() {
	_, err := rules.Parse("contract.yaml", strings.NewReader(`contract: Example
currency: GBP
keys: [provider, region]
charge: monthly_charge
fields: {monthly_charge: money, jobs: int, fixed: int}
kpis:
  - {id: KPI-01, measure: fixed / jobs, target: 0.98, serious: 0.99,
     credit: {fixed: {minor: 500.00, serious: 2000.00}}}
  - {id: KPI-01, measure: fixed / jobs, target: 0.95, credit: {fixd: {minor: 1}}}
`), nil)
	var ve *rules.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// contract.yaml:7:64: KPI-01.serious: 0.99 is above target 0.98: for a higher-is-better KPI each bound must be at or beyond the one before
	// contract.yaml:9:5: KPI-01: duplicate KPI id "KPI-01"
	// contract.yaml:9:63: KPI-01.credit: needs one credit scheme (one of: fixed, percent_of_charge, points, sliding, per_shortfall)
	// contract.yaml:9:64: KPI-01.credit.fixd: unknown key (expected one of: fixed, percent_of_charge, points, sliding, per_shortfall)
}

// A scenario can be built in code: here a proportionate inspections KPI
// from April 2025 — a lower target, no serious level, a sliding scale —
// and a lower monthly cap.
func ExampleRulebook_AddOverlay() {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := rb.AddOverlay(rules.Overlay{
		ID:   "proportionate-inspections",
		From: rules.NewMonth(2025, 4),
		KPIs: map[string]map[string]any{"KPI-04": {"target": decimal.RequireFromString("0.97"), "serious": nil,
			"credit": map[string]any{"sliding": map[string]any{
				"max_percent_of_charge": 1, "floor": decimal.RequireFromString("0.90")}}}},
		Caps: map[string]any{"monthly_percent_of_charge": 5},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	k := s.Rules().KPI("KPI-04")
	fmt.Println(s.ID, "from", *s.From)
	fmt.Println(k.ID, "target", k.Target, k.Credit.Kind, "floor", k.Credit.Floor)
	fmt.Println("monthly cap", s.Rules().Caps.MonthlyPercent, "%")
	// Output:
	// proportionate-inspections from 2025-04
	// KPI-04 target 0.97 sliding floor 0.9
	// monthly cap 5 %
}

// Classification is exact: a measure equal to the target is met, one equal
// to a bound belongs to the better level.
func ExampleKPI_Classify() {
	target, serious := decimal.RequireFromString("0.98"), decimal.RequireFromString("0.90")
	k := &rules.KPI{ID: "K", Target: target}
	k.Bounds[rules.Serious-rules.Minor] = &serious
	for _, m := range []string{"0.98", "0.97", "0.90", "0.8999"} {
		fmt.Println(m, k.Classify(decimal.RequireFromString(m)))
	}
	// Output:
	// 0.98 met
	// 0.97 minor
	// 0.90 minor
	// 0.8999 serious
}
