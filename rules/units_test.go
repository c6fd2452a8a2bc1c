package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// unitHead is a valid rulebook's start with two counts and a decimal.
const unitHead = `contract: X
currency: GBP
keys: [provider, region]
charge: charge
fields: {charge: money, a: int, b: int, x: decimal}
kpis:
`

// unitCases list every problem expected of units, ranges and values on
// two scales, in file order, in full. The KPIs start on line 7.
var unitCases = []struct {
	name string
	src  string
	want []string
}{
	{"unit and range keys", unitHead + `  - {id: K1, measure: a / b, unit: ratio, target: 0.9, credit: {fixed: {minor: 1}}}
  - {id: K2, measure: a / b, unit: share, range: [0, 1], target: 0.9, credit: {fixed: {minor: 1}}}
  - {id: K3, measure: x, range: 5, target: 1, credit: {fixed: {minor: 1}}}
  - {id: K4, measure: x, range: [1, 2, 3], target: 1, credit: {fixed: {minor: 1}}}
  - {id: K5, measure: x, range: [3, 3], target: 3, credit: {fixed: {minor: 1}}}
  - {id: K6, measure: x, range: [null, null], target: 1, credit: {fixed: {minor: 1}}}
  - {id: K7, measure: x, range: [a, ~], target: 1, credit: {fixed: {minor: 1}}}
  - {id: K8, measure: x, unit: [share], target: 1, credit: {fixed: {minor: 1}}}
`, []string{
		`r.yaml:7:36: K1.unit: unknown unit "ratio" (expected share, percent or number)`,
		"r.yaml:8:43: K2.range: a share is always [0, 1]; range is for unit number",
		`r.yaml:9:33: K3.range: must be a list, not "5"`,
		"r.yaml:10:33: K4.range: must be [lowest, highest] (null for no end), not a list of 3",
		"r.yaml:11:33: K5.range: [3, 3] is not a range: the lowest value must be below the highest",
		"r.yaml:12:33: K6.range: [null, null] bounds nothing; leave range out",
		`r.yaml:13:34: K7.range[0]: must be a number, not "a"`,
		"r.yaml:14:32: K8.unit: must be text, not a list",
	}},
	{"values a share never reaches or never misses", unitHead + `  - {id: K1, measure: a / b, unit: share, target: 95, serious: 0.9, credit: {fixed: {minor: 1, serious: 2}}}
  - {id: K2, measure: a / b, unit: share, target: 0, credit: {fixed: {minor: 1}}}
  - {id: K3, measure: a / b, unit: share, direction: lower, target: 1, credit: {fixed: {minor: 1}}}
  - {id: K4, measure: a / b, unit: share, target: 0.9, serious: 0.5, severe: 0, credit: {fixed: {minor: 1, serious: 2, severe: 3}}}
  - {id: K5, measure: a / b, unit: share, target: 0.9, credit: {sliding: {max_percent_of_charge: 1, floor: -0.1}}}
  - {id: K6, measure: a / b, unit: share, direction: lower, target: 0.05, serious: 1, credit: {sliding: {max_percent_of_charge: 1, floor: 1.5}}}
  - {id: K7, measure: a / b, unit: share, direction: lower, target: -0.1, credit: {fixed: {minor: 1}}}
`, []string{
		"r.yaml:7:51: K1.target: 95 can never be met: the measure (unit share) is never above 1",
		"r.yaml:8:51: K2.target: 0 is always met: the measure (unit share) is never below 0",
		"r.yaml:9:69: K3.target: 1 is always met: the measure (unit share) is never above 1",
		"r.yaml:10:78: K4.severe: 0 is never reached: the measure (unit share) is never below 0",
		"r.yaml:11:108: K5.credit.sliding.floor: -0.1 is never reached: the measure (unit share) is never below 0",
		"r.yaml:12:84: K6.serious: 1 is never reached: the measure (unit share) is never above 1",
		"r.yaml:12:139: K6.credit.sliding.floor: 1.5 is never reached: the measure (unit share) is never above 1",
		"r.yaml:13:69: K7.target: -0.1 can never be met: the measure (unit share) is never below 0",
	}},
	{"percents and ranges", unitHead + `  - {id: K1, measure: "pct(a, b)", unit: percent, target: 101, credit: {fixed: {minor: 1}}}
  - {id: K2, measure: "pct(a, b)", unit: percent, target: 95, serious: 0.9, credit: {fixed: {minor: 1, serious: 2}}}
  - {id: K3, measure: x, range: [0, 10], target: 12, credit: {fixed: {minor: 1}}}
  - {id: K4, measure: x, unit: number, range: [0, null], direction: lower, target: -1, credit: {fixed: {minor: 1}}}
  - {id: K5, measure: x, range: [null, 10], direction: lower, target: 5, serious: 10, credit: {fixed: {minor: 1, serious: 2}}}
`, []string{
		"r.yaml:7:59: K1.target: 101 can never be met: the measure (unit percent) is never above 100",
		"r.yaml:8:72: K2.serious: 0.9 looks like a share beside target 95, a percent (unit percent): write 90",
		"r.yaml:9:50: K3.target: 12 can never be met: the measure (range [0, 10]) is never above 10",
		"r.yaml:10:84: K4.target: -1 can never be met: the measure (range [0, null]) is never below 0",
		"r.yaml:11:83: K5.serious: 10 is never reached: the measure (range [null, 10]) is never above 10",
	}},
	{"a whole percent beside shares, no unit", unitHead + `  - {id: K1, measure: a / b, target: 95, serious: 0.90, credit: {fixed: {minor: 1, serious: 2}}}
  - {id: K2, measure: a / b, direction: lower, target: 0.05, serious: 10, critical: 20, credit: {fixed: {minor: 1, serious: 2, critical: 3}}}
  - {id: K3, measure: a / b, target: 90, credit: {sliding: {max_percent_of_charge: 2, floor: 0.7}}}
  - {id: K4, measure: a / b, target: 100, serious: 0.99, critical: 0, credit: {fixed: {minor: 1, serious: 2, critical: 3}}}
`, []string{
		"r.yaml:7:38: K1.target: 95 looks like a percent beside serious 0.9, a share: write 0.95, or declare the KPI's unit (percent or number) if the measure is not a share",
		"r.yaml:8:71: K2.serious: 10 looks like a percent beside target 0.05, a share: write 0.1, or declare the KPI's unit (percent or number) if the measure is not a share",
		"r.yaml:8:85: K2.critical: 20 looks like a percent beside target 0.05, a share: write 0.2, or declare the KPI's unit (percent or number) if the measure is not a share",
		"r.yaml:9:38: K3.target: 90 looks like a percent beside floor 0.7, a share: write 0.9, or declare the KPI's unit (percent or number) if the measure is not a share",
		"r.yaml:10:38: K4.target: 100 looks like a percent beside serious 0.99, a share: write 1, or declare the KPI's unit (percent or number) if the measure is not a share",
	}},
	{"scenarios and sweeps", unitHead + `  - {id: K1, measure: a / b, unit: share, target: 0.9, credit: {fixed: {minor: 1}}}
  - {id: K2, measure: x, direction: lower, target: 21, credit: {fixed: {minor: 1}}}
  - {id: K3, measure: a / b, target: 0.9, serious: 0.8, credit: {fixed: {minor: 1, serious: 2}}}
scenarios:
  - {id: s1, kpis: {K2: {unit: share}}}
  - {id: s2, kpis: {K1: {target: 1.1}}}
  - {id: s3, sweep: {kpi: K1, field: target, values: [0.9, 1.2, 1.3]}}
  - {id: s4, sweep: {kpi: K3, field: target, values: [0.95, 95]}}
  - {id: s5, sweep: {kpi: K1, field: unit, values: [1]}}
  - {id: s6, kpis: {K1: {unit: null, target: 90}}}
`, []string{
		// s6 removes K1's unit: a lone target of 90 has no share beside it,
		// and a quotient of counts can exceed 1, so it loads.
		// The scenario's unit puts the baseline's target out of reach: the
		// problem is the scenario's.
		"r.yaml:11:32: scenarios.s1.K2.target: 21 is always met: the measure (unit share) is never above 1",
		"r.yaml:12:34: scenarios.s2.K1.target: 1.1 can never be met: the measure (unit share) is never above 1",
		// The first failing value of a sweep stands for the rest.
		"r.yaml:13:60: scenarios.s3.K1.target: 1.2 can never be met: the measure (unit share) is never above 1",
		"r.yaml:14:61: scenarios.s4.K3.target: 95 looks like a percent beside serious 0.8, a share: write 0.95, or declare the KPI's unit (percent or number) if the measure is not a share",
		"r.yaml:15:38: scenarios.s5.sweep.field: unit is not a number; a sweep sets a numeric field such as target",
	}},
}

func TestUnitProblems(t *testing.T) {
	for _, tc := range unitCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Parse("r.yaml", strings.NewReader(tc.src), nil)
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Error())
			}
			require.Equal(t, tc.want, got)
		})
	}
}

// Rulebooks the unit checks must accept: values on one scale, a measure
// that spans both once unit number says so, counts and averages.
func TestUnitsAccepted(t *testing.T) {
	src := unitHead + `  - {id: share, measure: a / b, unit: share, target: 1, serious: 0.9, critical: 0.01, credit: {fixed: {minor: 1, serious: 2, critical: 3}}}
  - {id: lowshare, measure: a / b, unit: share, direction: lower, target: 0, serious: 0.99, credit: {sliding: {max_percent_of_charge: 1, floor: 1}}}
  - {id: percent, measure: "pct(a, b)", unit: percent, target: 99.5, serious: 98, critical: 90, credit: {fixed: {minor: 1, serious: 2, critical: 3}}}
  - {id: lowpercent, measure: "pct(a, b)", unit: percent, direction: lower, target: 0.5, serious: 2, credit: {fixed: {minor: 1, serious: 2}}}
  - {id: number, measure: a / b, unit: number, target: 95, serious: 0.9, credit: {fixed: {minor: 1, serious: 2}}}
  - {id: ranged, measure: x, range: [-5, 5], target: 5, serious: -4.99, credit: {fixed: {minor: 1, serious: 2}}}
  - {id: rate, measure: a / b, direction: lower, target: 0.5, serious: 1.2, credit: {fixed: {minor: 1, serious: 2}}}
  - {id: count, measure: a, direction: lower, target: 0, serious: 3, critical: 10, credit: {fixed: {minor: 1, serious: 2, critical: 3}}}
  - {id: average, measure: a / b, direction: lower, target: 21, serious: 28, credit: {sliding: {max_percent_of_charge: 2, floor: 35}}}
  - {id: change, measure: x, target: 0.5, serious: -2, critical: -50, credit: {fixed: {minor: 1, serious: 2, critical: 3}}}
`
	rb, err := rules.Parse("r.yaml", strings.NewReader(src), nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		id    string
		unit  rules.Unit
		rng   string
		named string
	}{
		{"share", rules.Share, "[0, 1]", "share"},
		{"percent", rules.Percent, "[0, 100]", "percent"},
		{"number", rules.Number, "[null, null]", "number"},
		{"ranged", rules.Number, "[-5, 5]", "number"},
		{"rate", rules.NoUnit, "[null, null]", ""},
	} {
		k := rb.KPI(tc.id)
		require.Equal(t, tc.unit, k.Unit, tc.id)
		require.Equal(t, tc.rng, k.Range.String(), tc.id)
		require.Equal(t, tc.named, k.Unit.String(), tc.id)
	}
}

func TestRange(t *testing.T) {
	zero, one, two := d("0"), d("1"), d("2")
	share := rules.Range{Lo: &zero, Hi: &one}
	for _, tc := range []struct {
		rng     rules.Range
		value   string
		in      bool
		bounded bool
		text    string
	}{
		{share, "0", true, true, "[0, 1]"},
		{share, "1", true, true, "[0, 1]"},
		{share, "1.0000000000000001", false, true, "[0, 1]"},
		{share, "-0.0000000000000001", false, true, "[0, 1]"},
		{rules.Range{Lo: &one}, "1000000", true, true, "[1, null]"},
		{rules.Range{Lo: &one}, "0.9", false, true, "[1, null]"},
		{rules.Range{Hi: &one}, "-1000000", true, true, "[null, 1]"},
		{rules.Range{}, "-1000000", true, false, "[null, null]"},
	} {
		require.Equal(t, tc.in, tc.rng.Contains(d(tc.value)), "%s in %s", tc.value, tc.rng)
		require.Equal(t, tc.bounded, tc.rng.Bounded(), tc.text)
		require.Equal(t, tc.text, tc.rng.String())
	}
	one2 := d("1.0")
	require.True(t, share.Equal(rules.Range{Lo: &zero, Hi: &one2}), "ends compare by value")
	require.False(t, share.Equal(rules.Range{Lo: &zero, Hi: &two}))
	require.False(t, share.Equal(rules.Range{Lo: &zero}))
	require.True(t, rules.Range{}.Equal(rules.Range{}))
}

// Unreachable places each problem at the value, keyed by the KPI, for a
// range worked out elsewhere (package kpi passes the range a measure's
// expression gives).
func TestUnreachable(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(unitHead+`  - id: K1
    measure: a / b
    target: 0.9
    serious: 0.5
    severe: 0
    credit: {points: {minor: 1, serious: 2, severe: 3}}
  - {id: K2, measure: a, direction: lower, target: 0, credit: {sliding: {max_percent_of_charge: 1, floor: 3}}}
point_value: 1
`), nil)
	require.NoError(t, err)
	zero, one, two := d("0"), d("1"), d("2")
	var got []string
	for _, p := range rb.KPI("K1").Unreachable(rules.Range{Lo: &zero}, `the measure "a / b"`) {
		got = append(got, p.Error())
	}
	require.Equal(t, []string{`r.yaml:11:13: K1.severe: 0 is never reached: the measure "a / b" is never below 0`}, got)
	got = nil
	for _, p := range rb.KPI("K2").Unreachable(rules.Range{Lo: &one, Hi: &two}, "it") {
		got = append(got, p.Error())
	}
	require.Equal(t, []string{
		"r.yaml:13:52: K2.target: 0 can never be met: it is never below 1",
		"r.yaml:13:107: K2.credit.sliding.floor: 3 is never reached: it is never above 2",
	}, got)
	require.Empty(t, rb.KPI("K2").Unreachable(rules.Range{}, "it"))
}
