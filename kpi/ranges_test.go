package kpi_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// rangeBook is a rulebook with counts done and jobs, money charge and a
// decimal rate. Its one KPI is replaced by KPIs built in code, which have
// no written values for the range checks to report.
func rangeBook(t testing.TB) *rules.Rulebook {
	t.Helper()
	rb, err := rules.Parse("r.yaml", strings.NewReader(`contract: X
currency: GBP
keys: [provider, region]
charge: charge
fields: {charge: money, done: int, jobs: int, rate: decimal, note: string}
kpis:
  - {id: K, measure: done, target: 1, credit: {fixed: {minor: 1}}}
`), nil)
	require.NoError(t, err)
	return rb
}

// rangeOf compiles a measure and returns the range its expression gives.
func rangeOf(t testing.TB, rb *rules.Rulebook, measure string) rules.Range {
	t.Helper()
	rb.KPIs[0] = &rules.KPI{ID: "K", Measure: rules.Expr{Source: measure, Pos: rules.Pos{File: "r.yaml", Line: 7}}}
	p, err := kpi.Compile(rb)
	require.NoError(t, err, measure)
	return p.MeasureRange(0)
}

func TestMeasureRange(t *testing.T) {
	rb := rangeBook(t)
	for _, tc := range []struct{ measure, want string }{
		{"done / jobs", "[0, null]"}, // not [0, 1]: nights / exits is an average
		{"done", "[0, null]"},
		{"charge * 2", "[0, null]"},
		{"rate", "[null, null]"},
		{"done - jobs", "[null, null]"},
		{"1 - done / jobs", "[null, 1]"},
		{"min(1, done / jobs)", "[0, 1]"},
		{"max(rate, 0)", "[0, null]"},
		{"max(done, 1) - min(jobs, 2, 3)", "[-1, null]"},
		{"pct(done, jobs)", "[0, null]"},
		{"pct(min(done, jobs), max(jobs, 1))", "[0, null]"},
		{"-done", "[null, 0]"},
		{"-(done + 2)", "[null, -2]"},
		{"abs(rate)", "[0, null]"},
		{"abs(rate - 5) + 1", "[1, null]"},
		{"abs(min(rate, -2))", "[2, null]"},
		{"0 * rate", "[0, 0]"},
		{"done * rate", "[null, null]"},
		{"rate * rate", "[null, null]"}, // the same field twice is not known to be one value
		{"done / rate", "[null, null]"}, // a divisor of either sign
		{"done / 0", "[null, null]"},    // never defined
		{"done / -jobs", "[null, 0]"},
		{"1 / (jobs + 1)", "[0, 1]"},
		{"min(done, 2) / 3", "[0, 0.6666666666666667]"}, // as the evaluator rounds 2/3
		{"min(done, 1) / 3 - 1", "[-1, -0.6666666666666667]"},
		{"round(min(done / jobs, 1), 2)", "[0, 1]"},
		{"round(max(rate, 2.345), 2)", "[2, null]"},
		{"done > 3 ? 1 : 0.5", "[0.5, 1]"},
		{"if rate > 0 { 2 } else { -1 }", "[-1, 2]"},
		{"note == 'x' ? done : rate", "[null, null]"},
		{"(done / jobs) * (done / jobs)", "[0, null]"},
		{"min(done, 1) / 3 * (min(jobs, 1) / 3)", "[0, 0.1111111111111111]"}, // a product of quotients at 16 places
	} {
		require.Equal(t, tc.want, rangeOf(t, rb, tc.measure).String(), tc.measure)
	}
}

// The range a measure's expression gives holds every value it evaluates
// to, for random expressions over random data the data files allow
// (counts and money never negative). Every expression compiles and
// evaluates without error: operators nested in helpers and conditions
// are exact decimal arithmetic too. The fast path gives what the VM
// gives, value for value.
func TestMeasureRangeHolds(t *testing.T) {
	rb := rangeBook(t)
	r := rand.New(rand.NewPCG(7, 11))
	const exprs, rows = 1000, 25
	measured := 0
	for range exprs {
		src := randomExpr(r, 4)
		rb.KPIs[0] = &rules.KPI{ID: "K", Measure: rules.Expr{Source: src}}
		p, err := kpi.Compile(rb)
		require.NoError(t, err, src)
		rng := p.MeasureRange(0)
		ev := p.NewEvaluator()
		ps := newPaths(p)
		for range rows {
			row := randomRow(r)
			ps.compare(t, row, src)
			res, err := ev.Evaluate(row, nil)
			require.NoError(t, err, src)
			if res[0].HasMeasure {
				measured++
				require.True(t, rng.Contains(res[0].Measure), "%s gives %s outside %s for %v", src, res[0].Measure, rng, row.Values)
			}
		}
	}
	// Most rows give a measure; the rest divide by zero.
	require.Greater(t, measured, exprs*rows/2)
}

var rangeLiterals = []string{"0", "1", "2", "0.5", "100", "-1", "-0.25", "3"}

// randomExpr writes a random number expression over the fields.
func randomExpr(r *rand.Rand, depth int) string {
	if depth == 0 || r.IntN(4) == 0 {
		return []string{"done", "jobs", "charge", "rate", rangeLiterals[r.IntN(len(rangeLiterals))]}[r.IntN(5)]
	}
	sub := func() string { return randomExpr(r, depth-1) }
	switch r.IntN(11) {
	case 0:
		return "(" + sub() + " + " + sub() + ")"
	case 1:
		return "(" + sub() + " - " + sub() + ")"
	case 2:
		return "(" + sub() + " * " + sub() + ")"
	case 3, 4:
		return "(" + sub() + " / " + sub() + ")"
	case 5:
		return "pct(" + sub() + ", " + sub() + ")"
	case 6:
		return []string{"min", "max"}[r.IntN(2)] + "(" + sub() + ", " + sub() + ", " + sub() + ")"
	case 7:
		return "abs(" + sub() + ")"
	case 8:
		return fmt.Sprintf("round(%s, %d)", sub(), r.IntN(3))
	case 9:
		if s := sub(); !strings.HasPrefix(s, "-") {
			return "-" + s
		}
		return "-(" + sub() + ")"
	}
	if r.IntN(3) == 0 {
		return "(if " + randomCond(r, depth-1) + " { " + sub() + " } else { " + sub() + " })"
	}
	return "(" + randomCond(r, depth-1) + " ? " + sub() + " : " + sub() + ")"
}

// randomCond writes a random condition comparing number expressions.
func randomCond(r *rand.Rand, depth int) string {
	op := []string{">", ">=", "<", "<=", "==", "!="}[r.IntN(6)]
	c := randomExpr(r, depth) + " " + op + " " + randomExpr(r, depth)
	switch r.IntN(4) {
	case 0:
		return "(" + c + " and " + randomExpr(r, depth) + " " + op + " " + randomExpr(r, depth) + ")"
	case 1:
		return "not (" + c + ")"
	}
	return c
}

func randomRow(r *rand.Rand) *kpi.Row {
	count := func() decimal.Decimal { return decimal.NewFromInt(int64(r.IntN(4) * r.IntN(30))) }
	rate := decimal.New(r.Int64N(20001)-10000, -int32(r.IntN(4)))
	return &kpi.Row{Keys: []string{"P", "N"}, Month: rules.NewMonth(2025, 1),
		Values: []any{decimal.New(r.Int64N(1000000), -2), count(), count(), rate, "n"}}
}

// A target, bound or floor the measure's expression puts out of reach is
// a load error placed at the value, in the baseline and in scenarios.
func TestUnreachableByExpression(t *testing.T) {
	for _, tc := range []struct{ name, kpi, want string }{
		{"a count's quotient is never negative", `{id: K, measure: done / jobs, direction: lower, target: -0.1, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:61: K.target: -0.1 can never be met: the measure "done / jobs" is never below 0`},
		{"critical at zero", `{id: K, measure: done / jobs, target: 0.9, serious: 0.5, critical: 0, credit: {fixed: {minor: 1, serious: 2, critical: 3}}}`,
			`test.yaml:13:72: K.critical: 0 is never reached: the measure "done / jobs" is never below 0`},
		{"a target of zero is always met", `{id: K, measure: "pct(done, jobs)", target: 0, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:49: K.target: 0 is always met: the measure "pct(done, jobs)" is never below 0`},
		{"one minus a share", `{id: K, measure: 1 - done / jobs, target: 95, credit: {fixed: {minor: 1}}}`,
			`test.yaml:13:47: K.target: 95 can never be met: the measure "1 - done / jobs" is never above 1`},
		{"floor below zero", `{id: K, measure: done / jobs, target: 0.9, credit: {sliding: {max_percent_of_charge: 1, floor: -0.5}}}`,
			`test.yaml:13:100: K.credit.sliding.floor: -0.5 is never reached: the measure "done / jobs" is never below 0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compile(t, "  - "+tc.kpi+"\n")
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Len(t, ve.Problems, 1)
			require.Equal(t, tc.want, ve.Problems[0].Error())
		})
	}
}

// A measure outside its declared unit's range is an evaluation error
// (the data are wrong); at the ends of the range it is judged as usual.
func TestMeasureOutsideUnit(t *testing.T) {
	for _, tc := range []struct {
		name, kpi, done, jobs, rate, want string
	}{
		{"a share above 1", `{id: K, measure: done / jobs, unit: share, target: 0.9, credit: {fixed: {minor: 1}}}`, "21", "20", "0",
			"gives 1.05, outside [0, 1], the range of a share: measure out of range"},
		{"a share at 1", `{id: K, measure: done / jobs, unit: share, target: 0.9, credit: {fixed: {minor: 1}}}`, "20", "20", "0", ""},
		{"a percent above 100", `{id: K, measure: "pct(done, jobs)", unit: percent, target: 90, credit: {fixed: {minor: 1}}}`, "3", "2", "0",
			"gives 150, outside [0, 100], the range of a percent: measure out of range"},
		{"below a number's range", `{id: K, measure: rate, range: [-5, 5], target: 1, credit: {fixed: {minor: 1}}}`, "0", "0", "-5.5",
			"gives -5.5, outside [-5, 5], the KPI's range: measure out of range"},
		{"at a number's range", `{id: K, measure: rate, range: [-5, 5], target: 1, credit: {fixed: {minor: 1}}}`, "0", "0", "-5", ""},
		{"not measured is not checked", `{id: K, measure: done / jobs, unit: share, target: 0.9, credit: {fixed: {minor: 1}}}`, "1", "0", "0", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compile(t, "  - "+tc.kpi+"\n")
			require.NoError(t, err)
			_, err = p.NewEvaluator().Evaluate(row("N", tc.done, tc.jobs, tc.rate), nil)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			var ee *kpi.EvalError
			require.ErrorAs(t, err, &ee)
			require.ErrorIs(t, err, kpi.ErrOutOfRange)
			require.Equal(t, "measure", ee.Field)
			require.Equal(t, tc.want, ee.Err.Error())
		})
	}
}
