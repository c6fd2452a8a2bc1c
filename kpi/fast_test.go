package kpi_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The fast path (closures over fixed-point numbers, falling back to the
// VM) must give what the VM alone gives, figure for figure: the same
// values, results, errors and messages. These tests evaluate the same
// rows with an evaluator of each kind and compare everything.

// paths holds an evaluator of each kind for one program.
type paths struct {
	p          *kpi.Program
	fast, slow *kpi.Evaluator
}

func newPaths(p *kpi.Program) paths {
	slow := p.NewEvaluator()
	slow.UseVM()
	return paths{p, p.NewEvaluator(), slow}
}

// sameDecimal reports whether a and b have the same coefficient and
// exponent, not only the same value.
func sameDecimal(a, b decimal.Decimal) bool {
	return a.Exponent() == b.Exponent() && a.Coefficient().Cmp(b.Coefficient()) == 0
}

// requireSameError fails unless both errors are nil, or both say the same
// and wrap the same causes.
func requireSameError(t testing.TB, want, got error, what string) {
	t.Helper()
	if want == nil || got == nil {
		require.Equal(t, want == nil, got == nil, "%s: error %v, the VM's %v", what, got, want)
		return
	}
	require.Equal(t, want.Error(), got.Error(), what)
	for _, cause := range []error{kpi.ErrUndefined, kpi.ErrArgument, kpi.ErrOutOfRange} {
		require.Equal(t, errors.Is(want, cause), errors.Is(got, cause), "%s: %v", what, cause)
	}
	var we, ge *kpi.EvalError
	require.Equal(t, errors.As(want, &we), errors.As(got, &ge), what)
}

// requireFixedHolds checks Fixed against the decimals: held exactly when
// the number is present and fits, and then the same number.
func requireFixedHolds(t testing.TB, f kpi.Fixed, measure, volume decimal.Decimal, hasMeasure, hasVolume bool, what string) {
	t.Helper()
	for _, n := range []struct {
		name      string
		fx        fixed.Decimal
		held, has bool
		d         decimal.Decimal
	}{{"measure", f.Measure, f.HasMeasure, hasMeasure, measure}, {"volume", f.Volume, f.HasVolume, hasVolume, volume}} {
		_, fits := fixed.FromDecimal(n.d)
		require.Equal(t, n.has && fits, n.held, "%s: fixed %s held", what, n.name)
		if n.held {
			require.True(t, sameDecimal(n.d, n.fx.Decimal()), "%s: fixed %s %s, decimal %s", what, n.name, n.fx, n.d)
		}
	}
}

func requireSameValue(t testing.TB, want, got kpi.Value, what string) {
	t.Helper()
	require.Equal(t, want.Applies, got.Applies, what)
	require.Equal(t, want.HasMeasure, got.HasMeasure, what)
	require.Equal(t, want.HasVolume, got.HasVolume, what)
	require.Equal(t, want.Undefined, got.Undefined, what)
	require.True(t, sameDecimal(want.Measure, got.Measure), "%s: measure %s, the VM's %s", what, got.Measure, want.Measure)
	require.True(t, sameDecimal(want.Volume, got.Volume), "%s: volume %s, the VM's %s", what, got.Volume, want.Volume)
	requireFixedHolds(t, got.Fixed, got.Measure, got.Volume, got.HasMeasure, got.HasVolume, what)
	requireFixedHolds(t, want.Fixed, want.Measure, want.Volume, want.HasMeasure, want.HasVolume, what+" (VM)")
}

func requireSameResult(t testing.TB, want, got kpi.Result, what string) {
	t.Helper()
	require.Equal(t, want.Status, got.Status, what)
	require.Equal(t, want.Reason, got.Reason, what)
	require.Equal(t, want.HasMeasure, got.HasMeasure, what)
	require.Equal(t, want.HasVolume, got.HasVolume, what)
	require.True(t, sameDecimal(want.Measure, got.Measure), "%s: measure %s, the VM's %s", what, got.Measure, want.Measure)
	require.True(t, sameDecimal(want.Volume, got.Volume), "%s: volume %s, the VM's %s", what, got.Volume, want.Volume)
	requireFixedHolds(t, got.Fixed, got.Measure, got.Volume, got.HasMeasure, got.HasVolume, what)
}

// compare evaluates the row both ways, by Evaluate, EvaluateFast and KPI
// by KPI, and fails on any difference. It returns whether the VM's
// evaluation succeeded.
func (ps paths) compare(t testing.TB, row *kpi.Row, what string) bool {
	t.Helper()
	want, wantErr := ps.slow.Evaluate(row, nil)
	got, err := ps.fast.Evaluate(row, nil)
	requireSameError(t, wantErr, err, what)
	fast, err := ps.fast.EvaluateFast(row, nil)
	requireSameError(t, wantErr, err, what+" (EvaluateFast)")
	require.Equal(t, len(want), len(got), what)
	require.Equal(t, len(want), len(fast), what)
	for i := range want {
		requireSameResult(t, want[i], got[i], fmt.Sprintf("%s: result %d", what, i))
		requireSameResult(t, want[i], fast[i].Complete(), fmt.Sprintf("%s: result %d of EvaluateFast", what, i))
		w, g := want[i], fast[i]
		w.Excuse("relief")
		g.Excuse("relief")
		requireSameResult(t, w, g.Complete(), fmt.Sprintf("%s: result %d excused", what, i))
	}
	if err := ps.slow.Load(row); err != nil {
		return false
	}
	require.NoError(t, ps.fast.Load(row))
	for i, k := range ps.p.Rules().KPIs {
		what := fmt.Sprintf("%s: %s", what, k.ID)
		want, wantErr := ps.slow.Value(i)
		got, err := ps.fast.Value(i)
		requireSameError(t, wantErr, err, what)
		requireSameValue(t, want, got, what)
		v, err := ps.fast.Fast(i)
		requireSameError(t, wantErr, err, what+" (Fast)")
		requireSameValue(t, want, v.Complete(), what+" (Fast)")
		if wantErr == nil {
			requireSameResult(t, kpi.Judge(k, want), kpi.Judge(k, v).Complete(), what+" judged")
			decimalOnly := want
			decimalOnly.Fixed = kpi.Fixed{}
			inDecimals := kpi.Judge(k, decimalOnly)
			inDecimals.Fixed = kpi.Judge(k, want).Fixed
			requireSameResult(t, kpi.Judge(k, want), inDecimals, what+" judged in decimals")
		}
	}
	return wantErr == nil
}

// fastBook is a rulebook with the fields of rangeBook, its KPIs replaced
// by those built in code.
func fastBook(t testing.TB) *rules.Rulebook { return rangeBook(t) }

// wideLiterals do not fit in fixed point, or barely do.
var wideLiterals = []string{"99999999999999999999.5", "0.0000000000000000001", "922.3372036854775807", "1e18", "9223372036854775807", "1e-18"}

// wideExpr writes a random number expression, sometimes with literals
// that do not fit in fixed point, round's places taken from the data, or
// factors that overflow it.
func wideExpr(r *rand.Rand, depth int) string {
	e := randomExpr(r, depth)
	switch r.IntN(8) {
	case 0:
		return "(" + e + ") * " + wideLiterals[r.IntN(len(wideLiterals))]
	case 1:
		return "round(" + e + ", done)"
	case 2:
		return "(" + e + ") / " + wideLiterals[r.IntN(len(wideLiterals))]
	case 3:
		return "(" + e + ") * (" + randomExpr(r, depth) + ") * rate"
	}
	return e
}

// textCond writes a random condition over the key columns, the month and
// the text field, mixed with comparisons of numbers.
func textCond(r *rand.Rand, depth int) string {
	if depth == 0 || r.IntN(3) == 0 {
		return []string{
			"region == 'Wales'", "provider != 'P'", "month >= '2025-03'", "month < '2025-02'",
			"note + 'x' == 'nx'", "region contains 'al'", "provider startsWith 'P'", "region endsWith 'h'",
			"(rate > 0 ? note : region) == 'n'", "true", "false", "region <= 'N'", "note > ''",
			randomCond(r, 2),
		}[r.IntN(14)]
	}
	a, b := textCond(r, depth-1), textCond(r, depth-1)
	switch r.IntN(6) {
	case 0:
		return "(" + a + " and " + b + ")"
	case 1:
		return "(" + a + " || " + b + ")"
	case 2:
		return "not (" + a + ")"
	case 3:
		return "((" + a + ") == (" + b + "))"
	case 4:
		return "((" + a + ") != (" + b + "))"
	}
	return "(" + randomCond(r, 1) + " ? " + a + " : " + b + ")"
}

// wideRow is a random row: small counts mostly, but also large ones,
// rates with many digits and places (some beyond fixed point), and every
// region, note and month the conditions test.
func wideRow(r *rand.Rand) *kpi.Row {
	count := func() decimal.Decimal {
		switch r.IntN(8) {
		case 0:
			return decimal.NewFromInt(r.Int64N(1e15))
		case 1:
			return decimal.NewFromInt(0)
		}
		return decimal.NewFromInt(int64(r.IntN(4) * r.IntN(30)))
	}
	rate := decimal.New(r.Int64N(20001)-10000, -int32(r.IntN(4)))
	switch r.IntN(6) {
	case 0:
		rate = decimal.New(r.Int64()-r.Int64(), -int32(r.IntN(21)))
	case 1:
		rate = decimal.RequireFromString("123456789012345678901234.5")
	}
	return &kpi.Row{Keys: []string{[]string{"P", "Q"}[r.IntN(2)], []string{"N", "Wales", "North", "Scotland"}[r.IntN(4)]},
		Month: rules.NewMonth(2025, 1+r.IntN(12)),
		Values: []any{decimal.New(r.Int64N(1000000), -2), count(), count(), rate,
			[]string{"n", "x", ""}[r.IntN(3)]}}
}

// randomKPI builds a KPI with random expressions and, sometimes, a volume,
// min_volume, applies, bounds and a unit's range.
func randomKPI(r *rand.Rand, id string) *rules.KPI {
	k := &rules.KPI{ID: id, Measure: rules.Expr{Source: wideExpr(r, 4), Pos: rules.Pos{File: "r.yaml", Line: 7, Column: 3}},
		Direction: rules.Direction(r.IntN(2)), Target: d([]string{"0.98", "0.5", "1", "95", "-1"}[r.IntN(5)])}
	if r.IntN(2) == 0 {
		k.Volume = rules.Expr{Source: []string{"jobs", "done + jobs", wideExpr(r, 2)}[r.IntN(3)], Pos: rules.Pos{File: "r.yaml", Line: 8}}
		if r.IntN(2) == 0 {
			mv := d([]string{"5", "10.5", "0", "1e16"}[r.IntN(4)])
			k.MinVolume = &mv
		}
	}
	if r.IntN(2) == 0 {
		k.Applies = rules.Expr{Source: textCond(r, 3), Pos: rules.Pos{File: "r.yaml", Line: 9}}
	}
	for level := rules.Serious; level <= rules.Critical; level++ {
		if r.IntN(2) == 0 {
			b := d([]string{"0.9", "0.5", "50", "0.9797979797979798", "100000000000000000000"}[r.IntN(5)])
			k.Bounds[level-rules.Minor] = &b
		}
	}
	if r.IntN(4) == 0 {
		lo, hi := d("0"), d("1")
		k.Range = rules.Range{Lo: &lo, Hi: &hi}
	}
	return k
}

// TestFastMatchesVM compares the two paths on random expressions over
// random rows: values, results, undefined measures and errors, with
// their messages.
func TestFastMatchesVM(t *testing.T) {
	rb := fastBook(t)
	r := rand.New(rand.NewPCG(16, 20))
	exprs, rows := 1500, 20
	if testing.Short() || raceEnabled {
		exprs = 150
	}
	var fastRows, vmRows, failures int
	for i := range exprs {
		rb.KPIs = []*rules.KPI{randomKPI(r, "A"), randomKPI(r, "B")}
		p, err := kpi.Compile(rb)
		require.NoError(t, err, "%s / %s", rb.KPIs[0].Measure.Source, rb.KPIs[1].Measure.Source)
		require.Empty(t, p.Uncovered())
		ps := newPaths(p)
		for j := range rows {
			row := wideRow(r)
			if r.IntN(2) == 0 {
				row.Prepare()
			}
			what := fmt.Sprintf("expressions %d, row %d (%s, %s, %v): %s, %s", i, j, row.Keys, row.Month, row.Values,
				rb.KPIs[0].Measure.Source, rb.KPIs[1].Measure.Source)
			before := ps.fast.VMRuns()
			if !ps.compare(t, row, what) {
				failures++
			}
			if ps.fast.VMRuns() == before {
				fastRows++
			} else {
				vmRows++
			}
		}
	}
	// Both paths are exercised, the fast path alone for many rows and the
	// VM for figures that do not fit, and evaluations fail for round's
	// places.
	t.Logf("rows evaluated in fixed point alone: %d; with the VM for some figure: %d; failed: %d", fastRows, vmRows, failures)
	require.Greater(t, fastRows, exprs*rows/5)
	require.Greater(t, vmRows, exprs*rows/5)
	require.Greater(t, failures, 0)
}

// TestFastMatchesVMOnEdges compares the two paths where fixed point is at
// its limits, each expression over rows that take it there.
func TestFastMatchesVMOnEdges(t *testing.T) {
	rb := fastBook(t)
	rows := []*kpi.Row{
		{Keys: []string{"P", "N"}, Month: rules.NewMonth(2025, 3), Values: []any{d("1000"), d("1"), d("3"), d("0.000001"), "n"}},
		{Keys: []string{"P", "N"}, Month: rules.NewMonth(2025, 3), Values: []any{d("1000"), d("922"), d("1"), d("-0.5"), "n"}},
		{Keys: []string{"P", "N"}, Month: rules.NewMonth(2025, 3), Values: []any{d("1000"), d("923"), d("1"), d("0.00000000000000005"), "n"}},
		{Keys: []string{"P", "N"}, Month: rules.NewMonth(2025, 3), Values: []any{d("1000"), d("0"), d("0"), d("9223372036854775807"), "n"}},
		{Keys: []string{"P", "N"}, Month: rules.NewMonth(2025, 3), Values: []any{d("1000"), d("1"), d("20000000000000000"), d("1e-19"), "n"}},
		{Keys: []string{"P", "N"}, Month: rules.NewMonth(2025, 3), Values: []any{decimal.Decimal{}, d("17"), d("2"), d("1.50"), "n"}},
	}
	for _, src := range []string{
		"rate * rate * rate",            // 18 places, rounded to 16
		"done / jobs",                   // 922 fits at 16 places, 923 does not
		"(done / jobs) * (done / jobs)", // 32 places: the VM, then 16 places fit
		"rate + done / jobs",            // exact halves of the 17th place
		"round(rate, done)",             // places from the data: 17 fails
		"charge + rate * 0",             // the zero value of a decimal
		"max(rate, rate * 1, 1.500) - min(1.5, rate)",
		"pct(rate, jobs) + 1e18 * 0",
		"rate * 10 - rate * 10.0",
	} {
		rb.KPIs = []*rules.KPI{{ID: "K", Measure: rules.Expr{Source: src}, Target: d("1")}}
		p, err := kpi.Compile(rb)
		require.NoError(t, err, src)
		ps := newPaths(p)
		for i, row := range rows {
			ps.compare(t, row, fmt.Sprintf("%s, row %d", src, i))
		}
	}
}

// TestFastMatchesVMOnRulebooks compares the two paths on the example
// contract and the rulebooks under testdata, over their data where they
// have some and random rows where not, and on random contracts.
func TestFastMatchesVMOnRulebooks(t *testing.T) {
	for _, tc := range []struct{ rules, data string }{
		{"../examples/aasc/rules.yaml", "../examples/aasc/data.csv"},
		{"../testdata/small/small.yaml", "../testdata/small/small.csv"},
		{"../curves/testdata/small.yaml", ""},
		{"../rules/testdata/basic.yaml", ""},
	} {
		t.Run(filepath.Base(filepath.Dir(tc.rules))+"/"+filepath.Base(tc.rules), func(t *testing.T) {
			rb, err := rules.Load(tc.rules, kpi.Check)
			require.NoError(t, err)
			p, err := kpi.Compile(rb)
			require.NoError(t, err)
			require.Empty(t, p.Uncovered())
			ps := newPaths(p)
			for _, row := range rowsOf(t, rb, tc.data) {
				ps.compare(t, row, fmt.Sprintf("%s, %s", row.Keys, row.Month))
				row.Prepare()
				ps.compare(t, row, fmt.Sprintf("%s, %s, prepared", row.Keys, row.Month))
			}
			require.Zero(t, ps.fast.VMRuns(), "every figure fits in fixed point")
		})
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		c := randbook.New(r)
		rb, err := rules.Parse("random.yaml", strings.NewReader(c.Rules), kpi.Check)
		require.NoError(t, err)
		ds, err := input.ReadCSV(rb, "random.csv", strings.NewReader(c.Data))
		require.NoError(t, err)
		p, err := kpi.Compile(rb)
		require.NoError(t, err)
		ps := newPaths(p)
		for _, lot := range ds.Lots {
			for j := range lot.Rows {
				ps.compare(t, &lot.Rows[j], fmt.Sprintf("contract %d, %s, %s", i, lot.Keys, lot.Rows[j].Month))
			}
		}
	}
}

// rowsOf reads a rulebook's data file, or makes random rows for it.
func rowsOf(t *testing.T, rb *rules.Rulebook, data string) []*kpi.Row {
	var out []*kpi.Row
	if data != "" {
		_, err := os.Stat(data)
		require.NoError(t, err)
		ds, err := input.LoadData(rb, data)
		require.NoError(t, err)
		for _, lot := range ds.Lots {
			for i := range lot.Rows {
				out = append(out, &lot.Rows[i])
			}
		}
		return out
	}
	r := rand.New(rand.NewPCG(5, 5))
	for range 500 {
		row := &kpi.Row{Month: rules.NewMonth(2025, 1+r.IntN(12))}
		for range rb.Keys {
			row.Keys = append(row.Keys, []string{"Wales", "North", "Scotland"}[r.IntN(3)])
		}
		for _, f := range rb.Fields {
			if !f.Type.Numeric() {
				row.Values = append(row.Values, "x")
				continue
			}
			row.Values = append(row.Values, decimal.New(int64(r.IntN(3)*r.IntN(300)), -int32(r.IntN(2))))
		}
		out = append(out, row)
	}
	return out
}

// A row whose numbers SetFixed gives is evaluated on them, not on its
// Values; an expression that cannot be evaluated on them in fixed point
// fails with ErrNeedsDecimals, where a row with the numbers in Values
// goes to the VM; Prepare makes it an ordinary row again.
func TestSetFixed(t *testing.T) {
	fx := func(s string) fixed.Decimal {
		f, ok := fixed.Parse(s)
		require.True(t, ok, s)
		return f
	}
	for _, tc := range []struct {
		name, measure string
		rate          fixed.Decimal
		rateFits      bool
		want          string // the measure; "" for ErrNeedsDecimals
	}{
		{"in fixed point", "done / jobs", fx("0"), true, "0.9"},
		{"a number that does not fit", "rate * 2", fixed.Decimal{}, false, ""},
		{"a figure beyond fixed point", "(done / jobs) * (rate / 3)", fx("1"), true, ""},
		{"a text field as the row has it", `note == "n" ? done / jobs : 0`, fx("0"), true, "0.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compile(t, "  - {id: K, measure: '"+tc.measure+"', target: 0.5, credit: {fixed: {minor: 1.00}}}\n")
			require.NoError(t, err)
			r := row("North", "1", "1", "5") // Values that SetFixed's numbers replace
			r.SetFixed(1, fx("9"), true)
			r.SetFixed(2, fx("10"), true)
			r.SetFixed(3, tc.rate, tc.rateFits)
			ev := p.NewEvaluator()
			require.NoError(t, ev.Load(r))
			v, err := ev.Fast(0)
			if tc.want == "" {
				require.ErrorIs(t, err, kpi.ErrNeedsDecimals)
			} else {
				require.NoError(t, err)
				require.Equal(t, tc.want, v.Complete().Measure.String())
			}
			require.Zero(t, ev.VMRuns())
			r.Prepare() // Values again: 1 / 1
			require.NoError(t, ev.Load(r))
			v, err = ev.Value(0)
			require.NoError(t, err)
			require.True(t, v.HasMeasure)
			if tc.measure == "done / jobs" {
				require.Equal(t, "1", v.Measure.String())
			}
		})
	}
}
