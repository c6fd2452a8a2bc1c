package rules_test

import (
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestLoadDesignExample(t *testing.T) {
	rb, err := rules.Load("testdata/basic.yaml", nil)
	require.NoError(t, err)
	require.Equal(t, "Example accommodation contract", rb.Contract)
	require.Equal(t, "GBP", rb.Currency)
	require.EqualValues(t, 2, rb.MinorUnits)
	require.Equal(t, rules.HalfUp, rb.Rounding)
	require.Equal(t, []string{"provider", "region"}, rb.Keys)
	require.Equal(t, "monthly_charge", rb.Charge)
	require.True(t, d("250").Equal(rb.PointValue))
	require.Len(t, rb.Fields, 5)
	require.Equal(t, rules.Field{Name: "emergency_jobs", Type: rules.TypeInt,
		Pos: rules.Pos{File: "testdata/basic.yaml", Line: 9, Column: 3}}, rb.Fields[1])

	k := rb.KPI("KPI-01")
	require.NotNil(t, k)
	require.Equal(t, "emergency_fixed_24h / emergency_jobs", k.Measure.Source)
	require.Equal(t, rules.Pos{File: "testdata/basic.yaml", Line: 16, Column: 14}, k.Measure.Pos)
	require.Equal(t, rules.Share, k.Unit)
	require.Equal(t, "[0, 1]", k.Range.String())
	require.Equal(t, `region != "Wales"`, k.Applies.Source)
	require.True(t, d("0.98").Equal(k.Target))
	require.True(t, d("0.90").Equal(*k.Bound(rules.Serious)))
	require.Nil(t, k.Bound(rules.Severe))
	require.Equal(t, []rules.Status{rules.Minor, rules.Serious}, k.Reachable())
	require.Equal(t, rules.Points, k.Credit.Kind)
	amt, ok := k.Credit.Amount(rules.Serious)
	require.True(t, ok)
	require.True(t, d("3").Equal(amt))
	require.True(t, d("1.5").Equal(k.Multiplier(2)))
	require.True(t, d("2").Equal(k.Multiplier(7)), "the last entry repeats")
	require.True(t, d("10").Equal(*k.MinVolume))

	require.Equal(t, rules.NoUnit, rb.KPI("KPI-02").Unit)
	require.False(t, rb.KPI("KPI-02").Range.Bounded())
	s := rb.KPI("KPI-02").Credit
	require.Equal(t, rules.Sliding, s.Kind)
	require.True(t, d("0.80").Equal(s.Floor))
	require.True(t, d("10").Equal(*rb.Caps.MonthlyPercent))
}

func TestScenarioOverlay(t *testing.T) {
	rb, err := rules.Load("testdata/basic.yaml", nil)
	require.NoError(t, err)
	var ids []string
	for _, s := range rb.Scenarios {
		ids = append(ids, s.ID)
	}
	require.Equal(t, []string{"ccn-revised-kpis", "defect-target-sweep/target=0.90",
		"defect-target-sweep/target=0.92", "defect-target-sweep/target=0.95", "defect-target-sweep/target=0.98"}, ids)

	ccn := rb.Scenarios[0]
	require.Equal(t, rules.NewMonth(2025, 4), *ccn.From)
	sr := ccn.Rules()
	require.Len(t, sr.KPIs, 1, "KPI-02 removed")
	k := sr.KPI("KPI-01")
	require.True(t, d("0.95").Equal(k.Target))
	require.True(t, d("0.85").Equal(*k.Bound(rules.Serious)))
	require.Equal(t, "emergency_fixed_24h / emergency_jobs", k.Measure.Source, "fields not overridden are kept")
	require.True(t, d("5").Equal(*sr.Caps.MonthlyPercent))
	require.Empty(t, sr.Scenarios)
	// The baseline is untouched.
	require.True(t, d("0.98").Equal(rb.KPI("KPI-01").Target))
	require.Len(t, rb.KPIs, 2)

	sw := rb.Scenarios[2]
	require.Equal(t, &rules.SweepPoint{Sweep: "defect-target-sweep", KPI: "KPI-01", Field: "target", Value: d("0.92")}, sw.Sweep)
	require.True(t, d("0.92").Equal(sw.Rules().KPI("KPI-01").Target))
}

func TestScenarioFile(t *testing.T) {
	rb, err := rules.Load("testdata/basic.yaml", nil)
	require.NoError(t, err)
	err = rb.ReadScenarios("change.yaml", strings.NewReader(`scenarios:
  - id: proportionate
    kpis:
      KPI-01: {credit: {sliding: {max_percent_of_charge: 1, floor: 0.8}}, escalation: [1]}
      KPI-02: {credit: {sliding: {floor: 0.70}}}
    add:
      - {id: KPI-03, measure: moves / moves, target: 1, credit: {fixed: {minor: 100}}}
  - id: floor-sweep
    sweep: {kpi: KPI-02, field: credit.sliding.floor, from: 0.5, to: 0.7, step: 0.05}
`))
	require.NoError(t, err)
	require.Len(t, rb.Scenarios, 5+1+5)
	p := rb.Scenarios[5].Rules()
	k1 := p.KPI("KPI-01")
	require.Equal(t, rules.Sliding, k1.Credit.Kind, "a different scheme replaces the credit")
	require.Len(t, k1.Escalation, 1)
	k2 := p.KPI("KPI-02")
	require.True(t, d("2").Equal(k2.Credit.MaxPercent), "the same scheme merges")
	require.True(t, d("0.70").Equal(k2.Credit.Floor))
	require.NotNil(t, p.KPI("KPI-03"))
	require.Equal(t, "floor-sweep/credit.sliding.floor=0.60", rb.Scenarios[8].ID)

	// A problem in the scenario file is placed in that file.
	err = rb.ReadScenarios("bad.yaml", strings.NewReader(`id: bad
kpis:
  KPI-02: {serious: 0.99}
`))
	require.EqualError(t, err, "bad.yaml:3:21: scenarios.bad.KPI-02.serious: 0.99 is above target 0.95: "+
		"for a higher-is-better KPI each bound must be at or beyond the one before")
	err = rb.ReadScenarios("dup.yaml", strings.NewReader("- id: proportionate\n"))
	require.EqualError(t, err, `dup.yaml:1:3: scenarios.proportionate: duplicate scenario id "proportionate"`)

	// What the scenario takes away from the whole document is placed at
	// the scenario, not at the top of the rulebook.
	err = rb.ReadScenarios("pv.yaml", strings.NewReader("scenarios:\n  - id: nopv\n    point_value: null\n"))
	require.EqualError(t, err, "pv.yaml:2:5: scenarios.nopv.point_value: missing: KPI KPI-01 uses a points scheme outside a service area")
	err = rb.ReadScenarios("rm.yaml", strings.NewReader("- {id: rmall, remove: [KPI-01, KPI-02]}\n"))
	require.EqualError(t, err, "rm.yaml:1:15: scenarios.rmall.kpis: must list at least one KPI")
}

// A null in an override removes the key: here the serious bound, and with
// it the serious amount of the points scheme.
func TestScenarioNullRemoves(t *testing.T) {
	rb, err := rules.Load("testdata/basic.yaml", nil)
	require.NoError(t, err)
	require.NoError(t, rb.ReadScenarios("s.yaml", strings.NewReader(`id: no-serious
kpis:
  KPI-01: {serious: null, credit: {points: {serious: null}}}
`)))
	k := rb.Scenarios[len(rb.Scenarios)-1].Rules().KPI("KPI-01")
	require.Nil(t, k.Bound(rules.Serious))
	require.Equal(t, []rules.Status{rules.Minor}, k.Reachable())
}

// at_risk_percent is optional; a scenario can set, change or remove it.
func TestAtRiskPercent(t *testing.T) {
	rb, err := rules.Load("testdata/basic.yaml", nil)
	require.NoError(t, err)
	require.Nil(t, rb.KPI("KPI-01").AtRisk, "not declared")
	require.NoError(t, rb.ReadScenarios("s.yaml", strings.NewReader(`- {id: set, kpis: {KPI-01: {at_risk_percent: 2.5}}}
- {id: zero, kpis: {KPI-01: {at_risk_percent: 0}}}
`)))
	n := len(rb.Scenarios)
	require.True(t, d("2.5").Equal(*rb.Scenarios[n-2].Rules().KPI("KPI-01").AtRisk))
	require.True(t, d("0").Equal(*rb.Scenarios[n-1].Rules().KPI("KPI-01").AtRisk))
	require.NoError(t, rb.ReadScenarios("s.yaml", strings.NewReader(`{id: unset, kpis: {KPI-01: {at_risk_percent: null}}}`)))
	require.Nil(t, rb.Scenarios[n].Rules().KPI("KPI-01").AtRisk)
}

func TestMonth(t *testing.T) {
	m, err := rules.ParseMonth("2025-03")
	require.NoError(t, err)
	require.Equal(t, rules.NewMonth(2025, 3), m)
	require.Equal(t, "2025-03", m.String())
	require.Equal(t, "2026-01", m.Add(10).String())
	for _, bad := range []string{"2025-3", "2025-13", "2025-00", "25-03-01", "2025/03", "abcd-ef", "+025-03", "2025-+3", "0000-01"} {
		_, err := rules.ParseMonth(bad)
		require.Error(t, err, bad)
	}
}

func TestAddOverlayErrors(t *testing.T) {
	rb, err := rules.Load("testdata/basic.yaml", nil)
	require.NoError(t, err)
	n := len(rb.Scenarios)
	_, err = rb.AddOverlay(rules.Overlay{ID: "x", KPIs: map[string]map[string]any{"KPI-09": {"target": 1}}})
	require.EqualError(t, err, `overlay x: scenarios.x.kpis.KPI-09: KPI "KPI-09" is not defined in the baseline`)
	_, err = rb.AddOverlay(rules.Overlay{ID: "y", KPIs: map[string]map[string]any{"KPI-01": {"target": struct{}{}}}})
	require.EqualError(t, err, "overlay y: cannot use a value of type struct {} in an overlay")
	var ve *rules.ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = rb.AddOverlay(rules.Overlay{ID: "baseline"})
	require.ErrorAs(t, err, &ve)
	require.Len(t, rb.Scenarios, n, "a failed overlay adds nothing")

	// Fixed, the same id goes in; a float64 is its shortest decimal form.
	sc, err := rb.AddOverlay(rules.Overlay{ID: "x", KPIs: map[string]map[string]any{"KPI-01": {"target": 0.97}}})
	require.NoError(t, err)
	require.Equal(t, "0.97", sc.Rules().KPI("KPI-01").Target.String())
	require.Len(t, rb.Scenarios, n+1)
	_, err = rb.AddOverlay(rules.Overlay{ID: "z", Remove: []string{"KPI-02"}, Add: []map[string]any{
		{"id": "KPI-03", "measure": "moves_with_5_days_notice / moves", "target": d("0.9"), "credit": map[string]any{"fixed": map[string]any{"minor": 100}}}}})
	require.NoError(t, err)
	s := rb.Scenarios[len(rb.Scenarios)-1]
	require.Nil(t, s.Rules().KPI("KPI-02"))
	require.NotNil(t, s.Rules().KPI("KPI-03"))
}

// A target sweep can carry the failure bounds with it, keeping each band's
// width: KPI-01's target 0.98 with serious 0.90, swept down to 0.88, moves
// serious to 0.80.
func TestSweepShiftBounds(t *testing.T) {
	rb, err := rules.Load("testdata/basic.yaml", nil)
	require.NoError(t, err)
	require.NoError(t, rb.ReadScenarios("s.yaml", strings.NewReader(
		"id: low\nsweep: {kpi: KPI-01, field: target, values: [0.88, 0.99], shift_bounds: true}\n")))
	n := len(rb.Scenarios)
	low, high := rb.Scenarios[n-2].Rules().KPI("KPI-01"), rb.Scenarios[n-1].Rules().KPI("KPI-01")
	require.True(t, d("0.88").Equal(low.Target))
	require.True(t, d("0.80").Equal(*low.Bound(rules.Serious)))  // 0.90 - 0.10
	require.True(t, d("0.91").Equal(*high.Bound(rules.Serious))) // 0.90 + 0.01

	// Without it, a target below the serious bound is a problem.
	err = rb.ReadScenarios("t.yaml", strings.NewReader("id: plain\nsweep: {kpi: KPI-01, field: target, values: [0.88]}\n"))
	require.ErrorContains(t, err, "t.yaml:2:46: scenarios.plain.KPI-01.target: target 0.88 is below the serious bound 0.9")
	err = rb.ReadScenarios("u.yaml", strings.NewReader("id: wrong\nsweep: {kpi: KPI-01, field: serious, values: [0.8], shift_bounds: true}\n"))
	require.ErrorContains(t, err, "only a sweep of target can shift the bounds with it")
}

// A scenario may replace the service areas and the earn-back, or remove
// them with null: here it removes an area KPI along with its area.
func TestScenarioAreasAndEarnBack(t *testing.T) {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	require.NoError(t, err)
	require.Len(t, rb.Areas, 1)
	err = rb.ReadScenarios("s.yaml", strings.NewReader(`id: no-area
remove: [KPI-03]
service_areas: null
earn_back: {percent: 25, after_met_months: 6}
`))
	require.NoError(t, err)
	s := rb.Scenarios[len(rb.Scenarios)-1].Rules()
	require.Empty(t, s.Areas)
	require.Nil(t, s.KPI("KPI-01").Area)
	require.Nil(t, s.KPI("KPI-03"))
	require.Equal(t, 6, s.EarnBack.AfterMetMonths)

	// Removing an area's KPI without changing the area is a problem.
	err = rb.ReadScenarios("t.yaml", strings.NewReader("id: half\nremove: [KPI-03]\n"))
	require.ErrorContains(t, err, `scenarios.half.service_areas.property: KPI "KPI-03" is not defined`)
}

// ParseScenarios checks scenarios against the rulebook as ReadScenarios
// does, but leaves the rulebook as it was, so that two callers may parse
// different scenarios under the same id.
func TestParseScenarios(t *testing.T) {
	rb, err := rules.Load("testdata/basic.yaml", nil)
	require.NoError(t, err)
	n := len(rb.Scenarios)
	for _, target := range []string{"0.9", "0.85"} {
		got, err := rb.ParseScenarios("try.yaml", strings.NewReader("id: try\nkpis:\n  KPI-02: {target: "+target+", serious: 0.7}\n"))
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, "try", got[0].ID)
		require.True(t, d(target).Equal(got[0].Rules().KPI("KPI-02").Target))
		require.Len(t, rb.Scenarios, n, "the rulebook is left as it was")
	}
	got, err := rb.ParseScenarios("sweep.yaml", strings.NewReader("id: s\nsweep: {kpi: KPI-02, field: target, values: [0.9, 0.91]}\n"))
	require.NoError(t, err)
	require.Len(t, got, 2)

	_, err = rb.ParseScenarios("bad.yaml", strings.NewReader("id: bad\nkpis:\n  KPI-02: {serious: high}\n"))
	require.EqualError(t, err, `bad.yaml:3:21: scenarios.bad.KPI-02.serious: must be a number, not "high"`)
	_, err = rb.ParseScenarios("dup.yaml", strings.NewReader("id: "+rb.Scenarios[0].ID+"\n"))
	require.ErrorContains(t, err, "dup.yaml:1:1: scenarios."+rb.Scenarios[0].ID+": duplicate scenario id")
	require.Len(t, rb.Scenarios, n)
}
