package kpi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// compile builds a one-KPI rulebook around a measure and compiles it.
func compile(t testing.TB, kpiYAML string) (*kpi.Program, error) {
	t.Helper()
	src := `contract: Test
currency: GBP
keys: [provider, region]
charge: charge
point_value: 10.00
fields:
  charge: money
  done: int
  jobs: int
  rate: decimal
  note: string
kpis:
` + kpiYAML
	rb, err := rules.Parse("test.yaml", strings.NewReader(src), nil)
	require.NoError(t, err)
	return kpi.Compile(rb)
}

func row(region string, done, jobs, rate string) *kpi.Row {
	return &kpi.Row{Keys: []string{"P", region}, Month: rules.NewMonth(2025, 3),
		Values: []any{d("1000"), d(done), d(jobs), d(rate), "n"}}
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name    string
		kpi     string
		row     *kpi.Row
		status  rules.Status
		measure string // "" when there is none
		reason  string
	}{
		{"met above target", `{id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 1}}}`,
			row("N", "99", "100", "0"), rules.Met, "0.99", ""},
		// 1/3 = 0.3333333333333333 (16 places); squared, 0.11111111111111108888888888888889
		// (32 places), rounded to 16 places: 0.1111111111111111 — equal to the target, so
		// met, as the written measure shows.
		{"a product of quotients is judged at 16 places", `{id: K, measure: (done / jobs) * (done / jobs), target: 0.1111111111111111, credit: {fixed: {minor: 1}}}`,
			row("N", "1", "3", "0"), rules.Met, "0.1111111111111111", ""},
		{"equal to target is met", `{id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 1}}}`,
			row("N", "49", "50", "0"), rules.Met, "0.98", ""},
		{"just below target is minor", `{id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 1}}}`,
			row("N", "97", "99", "0"), rules.Minor, "0.9797979797979798", ""},
		{"equal to serious is minor", `{id: K, measure: done / jobs, target: 0.98, serious: 0.9, credit: {fixed: {minor: 1, serious: 2}}}`,
			row("N", "9", "10", "0"), rules.Minor, "0.9", ""},
		{"below serious", `{id: K, measure: done / jobs, target: 0.98, serious: 0.9, credit: {fixed: {minor: 1, serious: 2}}}`,
			row("N", "89", "100", "0"), rules.Serious, "0.89", ""},
		{"four levels: critical", `{id: K, measure: done / jobs, target: 0.99, serious: 0.98, severe: 0.97, critical: 0.96,
      credit: {points: {minor: 1, serious: 2, severe: 3, critical: 4}}}`,
			row("N", "95", "100", "0"), rules.Critical, "0.95", ""},
		{"four levels: at the critical bound is severe", `{id: K, measure: done / jobs, target: 0.99, serious: 0.98, severe: 0.97, critical: 0.96,
      credit: {points: {minor: 1, serious: 2, severe: 3, critical: 4}}}`,
			row("N", "96", "100", "0"), rules.Severe, "0.96", ""},
		{"lower is better: at target met", `{id: K, measure: rate, direction: lower, target: 28, serious: 35, credit: {fixed: {minor: 1, serious: 2}}}`,
			row("N", "0", "0", "28"), rules.Met, "28", ""},
		{"lower is better: above serious", `{id: K, measure: rate, direction: lower, target: 28, serious: 35, credit: {fixed: {minor: 1, serious: 2}}}`,
			row("N", "0", "0", "35.01"), rules.Serious, "35.01", ""},
		{"0/0 is not measured", `{id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 1}}}`,
			row("N", "0", "0", "0"), rules.NotMeasured, "", "measure undefined: division by zero"},
		{"below min_volume", `{id: K, measure: done / jobs, volume: jobs, min_volume: 10, target: 0.98, credit: {fixed: {minor: 1}}}`,
			row("N", "1", "4", "0"), rules.NotMeasured, "", "volume 4 < min_volume 10"},
		{"at min_volume is measured", `{id: K, measure: done / jobs, volume: jobs, min_volume: 10, target: 0.98, credit: {fixed: {minor: 1}}}`,
			row("N", "5", "10", "0"), rules.Minor, "0.5", ""},
		{"applies false", `{id: K, measure: done / jobs, applies: region != "Wales", target: 0.98, credit: {fixed: {minor: 1}}}`,
			row("Wales", "0", "0", "0"), rules.NotApplicable, "", ""},
		{"applies true", `{id: K, measure: done / jobs, applies: region != "Wales", target: 0.98, credit: {fixed: {minor: 1}}}`,
			row("North", "1", "1", "0"), rules.Met, "1", ""},
		{"exact sum", `{id: K, measure: "0.1 + 0.2 == 0.3 ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}`,
			row("N", "0", "0", "0"), rules.Met, "1", ""},
		{"helpers", `{id: K, measure: "max(done, 1) - min(jobs, 2, 3) + abs(-rate) + round(2.345, 2)", target: 2, credit: {fixed: {minor: 1}}}`,
			row("N", "5", "7", "0.5"), rules.Met, "5.85", ""}, // 5 - 2 + 0.5 + 2.35 (half away from zero)
		{"pct", `{id: K, measure: "pct(done, jobs)", target: 95, credit: {fixed: {minor: 1}}}`,
			row("N", "1", "3", "0"), rules.Minor, "33.3333333333333333", ""}, // 100/3 to 16 places
		{"if else", `{id: K, measure: "if jobs > 0 { done / jobs } else { 1 }", target: 0.5, credit: {fixed: {minor: 1}}}`,
			row("N", "0", "0", "0"), rules.Met, "1", ""},
		{"division by a difference that is zero", `{id: K, measure: done / (jobs - 2), target: 1, credit: {fixed: {minor: 1}}}`,
			row("N", "1", "2", "0"), rules.NotMeasured, "", "measure undefined: division by zero"},
		{"month and text fields", `{id: K, measure: "month >= '2025-03' && note == 'n' ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}`,
			row("N", "0", "0", "0"), rules.Met, "1", ""},
		{"unary minus", `{id: K, measure: -(done - jobs), target: 2, credit: {fixed: {minor: 1}}}`,
			row("N", "1", "3", "0"), rules.Met, "2", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compile(t, "  - "+tc.kpi+"\n")
			require.NoError(t, err)
			res, err := p.NewEvaluator().Evaluate(tc.row, nil)
			require.NoError(t, err)
			require.Len(t, res, 1)
			r := res[0]
			require.Equal(t, tc.status, r.Status)
			require.Equal(t, tc.measure != "", r.HasMeasure)
			if tc.measure != "" {
				require.Truef(t, d(tc.measure).Equal(r.Measure), "measure %s, want %s", r.Measure, tc.measure)
			}
			require.Equal(t, tc.reason, r.Reason)
		})
	}
}

// A mistake in an expression is a load error placed in the rulebook file.
func TestCompileErrors(t *testing.T) {
	cases := []struct {
		name, kpi, want string
	}{
		{"unknown field", `{id: K, measure: done / jbos, target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:29: K.measure: unknown name jbos in "done / jbos"`},
		{"quoted, unknown field", `{id: K, measure: "done / jbos", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:30: K.measure: unknown name jbos in "done / jbos"`},
		{"measure is not a number", `{id: K, measure: done > jobs, target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:22: K.measure: must give a number, but gives true or false in "done > jobs"`},
		{"applies is not a bool", `{id: K, measure: done, applies: region, target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:37: K.applies: must give true or false, but gives text in "region"`},
		{"unknown function", `{id: K, measure: len(note), target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:22: K.measure: unknown function len (expressions may use min, max, abs, round, pct) in "len(note)"`},
		{"text in arithmetic", `{id: K, measure: done + note, target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:27: K.measure: invalid operation: + (a number and text do not go together) in "done + note"`},
		{"text in arithmetic inside a helper", `{id: K, measure: "max(done + note, 1)", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:32: K.measure: invalid operation: + (a number and text do not go together) in "max(done + note, 1)"`},
		{"a float literal out of range", `{id: K, measure: "done * 1e400", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:34: K.measure: a number literal is too large or too precise (at most 40 digits and places) in "done * 1e400"`},
		{"a malformed literal", `{id: K, measure: "done * 1E", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:31: K.measure: "1E" is not a number (write digits with an optional decimal point, e.g. 1234.50) in "done * 1E"`},
		{"an integer literal out of range", `{id: K, measure: "done + 99999999999999999999999999999999999999999", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:70: K.measure: a number literal is too large or too precise (at most 40 digits and places) in "done + 99999999999999999999999999999999999999999"`},
		{"branches of different kinds", `{id: K, measure: "abs(jobs > 0 ? 1 : note)", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:42: K.measure: the branches of ?: give a number and text; both must give the same kind of value in "abs(jobs > 0 ? 1 : note)"`},
		{"a function as a value", `{id: K, measure: "max == min ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:23: K.measure: max is a function: call it, as in max(x) in "max == min ? 1 : 0"`},
		{"$env", `{id: K, measure: "$env ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:23: K.measure: $env is not allowed in a KPI expression (use arithmetic, comparisons, and/or/not, ?: and the helper functions) in "$env ? 1 : 0"`},
		{"syntax", `{id: K, measure: "done / (jobs", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:34: K.measure: unexpected token EOF in "done / (jobs"`},
		{"let", `{id: K, measure: "let a = done * done; let b = a * a; b", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:27: K.measure: let is not allowed in a KPI expression (use arithmetic, comparisons, and/or/not, ?: and the helper functions) in "let a = done * done; let b = a * a; b"`},
		{"in a list", `{id: K, measure: "done in [22.0] ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:28: K.measure: the operator in is not allowed in a KPI expression (use arithmetic, comparisons, and/or/not, ?: and the helper functions) in "done in [22.0] ? 1 : 0"`},
		{"nil", `{id: K, measure: "region == nil ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:33: K.measure: nil is not allowed in a KPI expression (use arithmetic, comparisons, and/or/not, ?: and the helper functions) in "region == nil ? 1 : 0"`},
		{"range", `{id: K, measure: "1..3 == done ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:24: K.measure: the operator .. is not allowed in a KPI expression (use arithmetic, comparisons, and/or/not, ?: and the helper functions) in "1..3 == done ? 1 : 0"`},
		{"regular expression", `{id: K, measure: "region matches 'N.*' ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:30: K.measure: the operator matches is not allowed in a KPI expression (use arithmetic, comparisons, and/or/not, ?: and the helper functions) in "region matches 'N.*' ? 1 : 0"`},
		{"round to negative places", `{id: K, measure: "round(done, -1)", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:23: K.measure: round: places must be a whole number from 0 to 16, not -1: invalid argument in "round(done, -1)"`},
		{"round to too many places", `{id: K, measure: "round(done, 17)", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:23: K.measure: round: places must be a whole number from 0 to 16, not 17: invalid argument in "round(done, 17)"`},
		{"round to half a place", `{id: K, measure: "1 - round(done, 0.5)", target: 1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:23: K.measure: round: places must be a whole number from 0 to 16, not 0.5: invalid argument in "1 - round(done, 0.5)"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compile(t, "  - "+tc.kpi+"\n")
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Len(t, ve.Problems, 1)
			require.Equal(t, tc.want, ve.Problems[0].Error())
		})
	}
}

// Every broken expression is reported, not just the first.
func TestCompileReportsAll(t *testing.T) {
	_, err := compile(t, `  - {id: A, measure: nope, target: 1, credit: {fixed: {minor: 1}}}
  - {id: B, measure: done, volume: nada, target: 1, credit: {fixed: {minor: 1}}}
`)
	var ve *rules.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 2)
	require.Contains(t, ve.Problems[0].Error(), "A.measure: unknown name nope")
	require.Contains(t, ve.Problems[1].Error(), "B.volume: unknown name nada")
}

func TestExpressionLimits(t *testing.T) {
	long := "done" + strings.Repeat(" + done", kpi.MaxNodes)
	_, err := compile(t, "  - {id: K, measure: "+long[:min(len(long), kpi.MaxSourceLen-10)]+", target: 1, credit: {fixed: {minor: 1}}}\n")
	require.ErrorContains(t, err, "test.yaml:13:22: K.measure: expression is too large: more than 500 values, names and operations in \"done + done")
	_, err = compile(t, "  - {id: K, measure: "+strings.Repeat("1+", kpi.MaxSourceLen)+"1, target: 1, credit: {fixed: {minor: 1}}}\n")
	require.ErrorContains(t, err, "characters long; at most 2000")
	deep := strings.Repeat("(", 33) + "done" + strings.Repeat(")", 33)
	_, err = compile(t, "  - {id: K, measure: \""+deep+"\", target: 1, credit: {fixed: {minor: 1}}}\n")
	require.ErrorContains(t, err, "expression nests brackets 33 deep; at most 32")
	ok := "note == '((((' ? " + strings.Repeat("(", 32) + "done" + strings.Repeat(")", 32) + " : 1"
	_, err = compile(t, "  - {id: K, measure: \""+ok+"\", target: 1, credit: {fixed: {minor: 1}}}\n")
	require.NoError(t, err, "brackets in quotes do not count")
	_, err = compile(t, "  - {id: K, measure: done * 1e300, target: 1, credit: {fixed: {minor: 1}}}\n")
	require.ErrorContains(t, err, "a number literal is too large")
	_, err = compile(t, "  - {id: K, measure: done * 0.000000000000000000000000000000000000000000001, target: 1, credit: {fixed: {minor: 1}}}\n")
	require.ErrorContains(t, err, "a number literal is too large or too precise")
}

func TestEvalErrors(t *testing.T) {
	p, err := compile(t, `  - {id: K, measure: "round(done, jobs)", target: 1, credit: {fixed: {minor: 1}}}`+"\n")
	require.NoError(t, err)
	_, err = p.NewEvaluator().Evaluate(row("N", "1", "0.5", "0"), nil)
	var ee *kpi.EvalError
	require.ErrorAs(t, err, &ee)
	require.ErrorIs(t, err, kpi.ErrArgument)
	require.Equal(t, "K", ee.KPI)
	require.Equal(t, "measure", ee.Field)
	// One line, without expr's snippet of the source; the runner sets the
	// lot and, for a scenario, its id.
	ee.Lot, ee.Scenario = "N", "s1"
	require.Equal(t, `test.yaml:13:23: K.measure: round(done, jobs) failed for scenario s1, lot N, 2025-03: `+
		`round: places must be a whole number from 0 to 16, not 0.5: invalid argument`, err.Error())
	_, err = p.NewEvaluator().Evaluate(&kpi.Row{}, nil)
	require.ErrorContains(t, err, "row has 0 keys and 0 values")
}

// Relief excuses every status but not_applicable, and the excused result
// reports the measure and volume whenever they are defined: also below
// min_volume, where the unexcused result reports no measure. K is done /
// jobs with volume jobs and min_volume 5.
func TestExcuse(t *testing.T) {
	p, err := compile(t, "  - {id: K, measure: done / jobs, volume: jobs, min_volume: 5, applies: region != \"Wales\", target: 0.98, credit: {fixed: {minor: 1}}}\n")
	require.NoError(t, err)
	for _, tc := range []struct {
		name                     string
		row                      *kpi.Row
		judged, excused          rules.Status
		measure, volume          string // "" for none, after Excuse
		judgedMeasure, judgedVol bool   // reported before Excuse
	}{
		// 9 / 10 = 0.9 < 0.98
		{"measured", row("N", "9", "10", "0"), rules.Minor, rules.Excused, "0.9", "10", true, true},
		// 1 / 4 = 0.25, volume 4 < 5: not measured, the measure withheld
		{"below min_volume", row("N", "1", "4", "0"), rules.NotMeasured, rules.Excused, "0.25", "4", false, true},
		// 0 / 0 undefined, volume 0 < 5: nothing to report but the volume
		{"below min_volume, undefined", row("N", "0", "0", "0"), rules.NotMeasured, rules.Excused, "", "0", false, true},
		{"not applicable", row("Wales", "9", "10", "0"), rules.NotApplicable, rules.NotApplicable, "", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := p.NewEvaluator().Evaluate(tc.row, nil)
			require.NoError(t, err)
			r := res[0]
			require.Equal(t, tc.judged, r.Status)
			require.Equal(t, tc.judgedMeasure, r.HasMeasure)
			require.Equal(t, tc.judgedVol, r.HasVolume)
			r.Excuse("storm")
			require.Equal(t, tc.excused, r.Status)
			require.Equal(t, tc.measure != "", r.HasMeasure)
			if tc.measure != "" {
				require.True(t, d(tc.measure).Equal(r.Measure), "measure %s", r.Measure)
			}
			require.Equal(t, tc.volume != "", r.HasVolume)
			if tc.volume != "" {
				require.True(t, d(tc.volume).Equal(r.Volume), "volume %s", r.Volume)
			}
			if tc.excused == rules.Excused {
				require.Equal(t, "storm", r.Reason)
			}
		})
	}
}

// The costliest expression the limits allow — as many multiplications of
// the largest number the data may hold as fit in MaxNodes — evaluates, and
// its result stays within a bounded number of digits: with no loops and no
// builtins, evaluation cost is bounded by the expression's size.
func TestWorstCaseEvaluationIsBounded(t *testing.T) {
	src := "rate" + strings.Repeat(" * rate", 240)
	p, err := compile(t, "  - {id: K, measure: "+src+", target: 1, credit: {fixed: {minor: 1}}}\n")
	require.NoError(t, err)
	huge := strings.Repeat("9", 30) // the most digits a data file may give
	res, err := p.NewEvaluator().Evaluate(&kpi.Row{Keys: []string{"P", "N"}, Month: rules.NewMonth(2025, 1),
		Values: []any{d("1"), d("1"), d("1"), d(huge), "n"}}, nil)
	require.NoError(t, err)
	require.Less(t, len(res[0].Measure.Coefficient().String()), 241*30+1)
}

// A measure exactly at a bound belongs to the better side, also when a
// bound equals the one before it and the level between has an empty band:
// with target 1 and serious 1, 1 is met and any measure below it serious,
// never minor. Classify never returns a level the KPI cannot reach.
func TestClassifyEqualBounds(t *testing.T) {
	for _, tc := range []struct {
		bounds string
		want   map[string]rules.Status // measure -> status
	}{
		{"target: 1, serious: 1", map[string]rules.Status{
			"1": rules.Met, "1.5": rules.Met, "0.9999": rules.Serious, "0": rules.Serious}},
		{"target: 1, serious: 1, severe: 0.5", map[string]rules.Status{
			"1": rules.Met, "0.99": rules.Serious, "0.5": rules.Serious, "0.4999": rules.Severe}},
		// The serious band [0.9, 0.9) is empty: 0.9 is minor, below it severe.
		{"target: 1, serious: 0.9, severe: 0.9", map[string]rules.Status{
			"0.95": rules.Minor, "0.9": rules.Minor, "0.8999": rules.Severe}},
		{"target: 1, serious: 1, severe: 1, critical: 1", map[string]rules.Status{
			"1": rules.Met, "0.9999": rules.Critical}},
		{"direction: lower, target: 20, serious: 20", map[string]rules.Status{
			"20": rules.Met, "19": rules.Met, "20.0001": rules.Serious}},
	} {
		t.Run(tc.bounds, func(t *testing.T) {
			rb, err := rules.Parse("r.yaml", strings.NewReader(`contract: X
currency: GBP
keys: [provider, region]
charge: charge
fields: {charge: money, a: decimal}
kpis:
  - {id: K, measure: a, `+tc.bounds+`, credit: {sliding: {max_percent_of_charge: 2, floor: `+
				map[bool]string{true: "30", false: "0"}[strings.Contains(tc.bounds, "lower")]+`}}}
`), nil)
			require.NoError(t, err)
			k := rb.KPIs[0]
			for m, want := range tc.want {
				got := k.Classify(d(m))
				require.Equal(t, want, got, "measure %s", m)
				require.True(t, got == rules.Met || k.Reaches(got), "measure %s: %s is not reachable", m, got)
			}
		})
	}
}

// Names come from the syntax tree: the helpers' names and text in quotes
// are not names, and each name is placed in the source.
func TestNames(t *testing.T) {
	src := `max(jobs, 1) + round(fixed / jobs, 2) + (region == "jobs, Wales" ? 1 : 0) + pct(é_x, jobs)`
	got := kpi.Names(src)
	var names []string
	for _, n := range got {
		names = append(names, n.Name)
		require.Equal(t, n.Name, string([]rune(src)[n.From:n.To]))
	}
	require.Equal(t, []string{"jobs", "fixed", "jobs", "region", "é_x", "jobs"}, names)
	require.Empty(t, kpi.Names("jobs +"), "an expression that does not parse")
}
