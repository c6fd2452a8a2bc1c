package kpi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// FuzzEvaluate compiles arbitrary measure expressions and evaluates those
// that compile with arbitrary values: nothing may panic, an expression
// that does not compile is a load problem (never a crash caught in expr),
// one that compiles gives a status, or fails only for round's places from
// the data, and a measure from counts the data allow (never negative)
// lies within the range the expression gives. The fast path and the VM
// give the same values, results and errors.
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{
		"done / jobs", "0.1 + 0.2 == 0.3 ? 1 : 0", "max(done, jobs, 1) - min(rate, 2)",
		"round(rate, 2)", "pct(done, jobs)", "if jobs > 0 { done / jobs } else { 1 }",
		"-(done - jobs) * 1e3", "abs(rate) / (done - done)", "region == 'Wales' ? 1 : 0",
		"round(rate, done)", "1/3*3", "99999999999999999999.5 * 99999999999999999999.5",
		"abs(pct(jobs, 2) + 1)", "max((jobs > 0 ? done / jobs : rate) * 100, 0)",
		"min(1, rate > (jobs > 1 ? done : 2) ? 1 : 0)", "abs(-round(rate, 1)) - -pct(done, 3)",
		"max(if done > jobs { done - jobs } else { jobs - done }, 1) * 2", "abs(jobs > 0 ? 1 : note)",
		"(done / jobs) * (done / jobs)", "rate * 1e18 + done", "region + note == 'Walesn' and month > '2025' ? 1 : 2",
		"round(rate, 16) / 9223372036854775807", "max(0.50, 0.5, 0.500) * 1", "provider startsWith 'P' || 1 / 0 > 1 ? 1 : 0",
	} {
		f.Add(s, int64(3), int64(4), "0.5")
	}
	base := `contract: Fuzz
currency: GBP
keys: [provider, region]
charge: charge
fields: {charge: money, done: int, jobs: int, rate: decimal, note: string}
kpis:
  - id: K
    measure: placeholder
    target: 1
    credit: {fixed: {minor: 1}}
`
	rb, err := rules.Parse("fuzz.yaml", strings.NewReader(base), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string, done, jobs int64, rate string) {
		// A KPI built in code has no written target or bounds for the
		// measure's range to put out of reach.
		rb.KPIs[0] = &rules.KPI{ID: "K", Measure: rules.Expr{Source: src, Pos: rules.Pos{File: "fuzz.yaml", Line: 8, Column: 14}}}
		p, err := kpi.Compile(rb)
		if err != nil {
			var ve *rules.ValidationError
			if !errors.As(err, &ve) || strings.Contains(err.Error(), "runtime error") {
				t.Fatalf("%q: %v", src, err)
			}
			return
		}
		r, err := decimal.NewFromString(rate)
		if err != nil {
			r = decimal.Zero
		}
		row := &kpi.Row{Keys: []string{"P", "Wales"}, Month: rules.NewMonth(2025, 1),
			Values: []any{decimal.NewFromInt(1000), decimal.NewFromInt(done), decimal.NewFromInt(jobs), r, "n"}}
		newPaths(p).compare(t, row, src)
		res, err := p.NewEvaluator().Evaluate(row, nil)
		if err != nil && !errors.Is(err, kpi.ErrArgument) {
			t.Fatalf("%q fails for done %d, jobs %d, rate %s: %v", src, done, jobs, r, err)
		}
		if err == nil && len(res) != 1 {
			t.Fatalf("%q gave %d results", src, len(res))
		}
		if rng := p.MeasureRange(0); err == nil && done >= 0 && jobs >= 0 && res[0].HasMeasure && !rng.Contains(res[0].Measure) {
			t.Fatalf("%q gives %s for done %d, jobs %d, rate %s: outside %s", src, res[0].Measure, done, jobs, r, rng)
		}
	})
}
