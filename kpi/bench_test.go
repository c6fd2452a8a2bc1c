package kpi_test

import (
	"math/bits"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The benchmarks evaluate the example contract's 15 KPIs for one
// lot-month — applies, volume and measure expressions, then
// classification — by each path, and the same arithmetic on plain int64s
// as a lower bound. Each reports ns/kpi-month; benchstat compares them
// across commits.

// exampleRow compiles the example contract and makes a row in region with
// the values value gives each field.
func exampleRow(t testing.TB, region string, value func(i int, name string) int64) (*rules.Rulebook, *kpi.Program, *kpi.Row) {
	t.Helper()
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	require.NoError(t, err)
	prog, err := kpi.Compile(rb)
	require.NoError(t, err)
	row := &kpi.Row{Keys: []string{"Meridian Support", region}, Month: rules.NewMonth(2025, 3)}
	for i, f := range rb.Fields {
		row.Values = append(row.Values, decimal.NewFromInt(value(i, f.Name)))
	}
	return rb, prog, row
}

// benchValue makes the i-th field 250 - i.
func benchValue(i int, _ string) int64 { return int64(250 - i) }

func benchEvaluate(b *testing.B, ev *kpi.Evaluator, row *kpi.Row, evaluate func(*kpi.Row, []kpi.Result) ([]kpi.Result, error)) {
	out := make([]kpi.Result, 0, 15)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = evaluate(row, out[:0]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(out)), "ns/kpi-month")
}

// BenchmarkEvaluate is Evaluate: results with their decimals.
func BenchmarkEvaluate(b *testing.B) {
	_, prog, row := exampleRow(b, "North West", benchValue)
	ev := prog.NewEvaluator()
	benchEvaluate(b, ev, row, ev.Evaluate)
}

// BenchmarkEvaluateFast is EvaluateFast, the steady loop: results in
// fixed point, from a row prepared (as the data's rows are once read) and
// from one whose numbers each load converts.
func BenchmarkEvaluateFast(b *testing.B) {
	for _, prepared := range []bool{true, false} {
		b.Run(map[bool]string{true: "prepared", false: "converted"}[prepared], func(b *testing.B) {
			_, prog, row := exampleRow(b, "North West", benchValue)
			if prepared {
				row.Prepare()
			}
			ev := prog.NewEvaluator()
			benchEvaluate(b, ev, row, ev.EvaluateFast)
		})
	}
}

// BenchmarkEvaluateVM is Evaluate with every expression run by expr's VM,
// as before the fast path.
func BenchmarkEvaluateVM(b *testing.B) {
	_, prog, row := exampleRow(b, "North West", benchValue)
	ev := prog.NewEvaluator()
	ev.UseVM()
	benchEvaluate(b, ev, row, ev.Evaluate)
}

// int64KPI is a KPI of the example contract for the lower bound: measure
// num / den, volume den, its min_volume, and its target and bounds at
// DivisionPlaces places.
type int64KPI struct {
	num, den  int
	minVolume int64 // 0 for none
	at        []int64
	lower     bool
}

// int64KPIs reads the example contract's KPIs, whose measures are all
// a / b with volume b, for the lower bound.
func int64KPIs(t testing.TB, rb *rules.Rulebook) []int64KPI {
	field := map[string]int{}
	for i, f := range rb.Fields {
		field[f.Name] = i
	}
	scaled := func(d decimal.Decimal) int64 { return d.Shift(kpi.DivisionPlaces).IntPart() }
	var out []int64KPI
	for _, k := range rb.KPIs {
		num, den, ok := strings.Cut(k.Measure.Source, " / ")
		require.True(t, ok, k.Measure.Source)
		require.Equal(t, den, k.Volume.Source)
		b := int64KPI{num: field[num], den: field[den], at: []int64{scaled(k.Target)}, lower: k.Direction == rules.Lower}
		if k.MinVolume != nil {
			b.minVolume = k.MinVolume.IntPart()
		}
		for _, l := range rules.Levels[1:] {
			if bound := k.Bound(l); bound != nil {
				b.at = append(b.at, scaled(*bound))
			}
		}
		out = append(out, b)
	}
	return out
}

// judgeInt64 does a KPI's arithmetic on int64s: the quotient rounded half
// away from zero to DivisionPlaces places (in 128 bits, as it needs), then
// compared with the target and each bound.
func judgeInt64(k *int64KPI, vals []int64) rules.Status {
	num, den := vals[k.num], vals[k.den]
	if den == 0 || den < k.minVolume {
		return rules.NotMeasured
	}
	hi, lo := bits.Mul64(uint64(num), 1e16)
	q, r := bits.Div64(hi, lo, uint64(den))
	if r >= uint64(den)-r {
		q++
	}
	m := int64(q)
	status := rules.Met
	for i, at := range k.at {
		if m < at && !k.lower || m > at && k.lower {
			status = rules.Minor + rules.Status(i)
		}
	}
	return status
}

// BenchmarkInt64Bound is the lower bound: the same per-KPI-month
// arithmetic on plain int64s, the row's counts already integers.
func BenchmarkInt64Bound(b *testing.B) {
	rb, prog, row := exampleRow(b, "North West", benchValue)
	kpis := int64KPIs(b, rb)
	vals := make([]int64, len(row.Values))
	for i, v := range row.Values {
		vals[i] = v.(decimal.Decimal).IntPart()
	}
	want, err := prog.NewEvaluator().EvaluateFast(row, nil)
	require.NoError(b, err)
	statuses := make([]rules.Status, len(kpis))
	for i := range kpis {
		if statuses[i] = judgeInt64(&kpis[i], vals); statuses[i] != want[i].Status && want[i].Status != rules.NotApplicable {
			b.Fatalf("%s: the bound gives %s, the evaluator %s", rb.KPIs[i].ID, statuses[i], want[i].Status)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range kpis {
			statuses[i] = judgeInt64(&kpis[i], vals)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(kpis)), "ns/kpi-month")
}

// The steady loop allocates nothing: EvaluateFast, and Load, Fast and
// Judge KPI by KPI as the engine does, for months measured, months with
// nothing to measure (0/0, volumes below min_volume) and a region where
// a KPI does not apply, once the evaluator has seen the month.
func TestSteadyLoopAllocatesNothing(t *testing.T) {
	for _, tc := range []struct {
		name, region string
		value        func(int, string) int64
		prepared     bool
	}{
		{"measured", "North West", benchValue, false},
		{"measured, prepared", "North West", benchValue, true},
		{"nothing to measure", "North West", func(int, string) int64 { return 0 }, false},
		{"below min_volume", "North West", func(int, string) int64 { return 3 }, true},
		{"not applicable", "Scotland", benchValue, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rb, prog, row := exampleRow(t, tc.region, tc.value)
			if tc.prepared {
				row.Prepare()
			}
			ev := prog.NewEvaluator()
			out, err := ev.EvaluateFast(row, make([]kpi.Result, 0, len(rb.KPIs)))
			require.NoError(t, err)
			require.Zero(t, testing.AllocsPerRun(100, func() { out, err = ev.EvaluateFast(row, out[:0]) }), "EvaluateFast")
			require.NoError(t, err)
			require.Zero(t, testing.AllocsPerRun(100, func() {
				err = ev.Load(row)
				for i, k := range rb.KPIs {
					var v kpi.Value
					v, err = ev.Fast(i)
					out[i] = kpi.Judge(k, v)
				}
			}), "Load, Fast and Judge")
			require.NoError(t, err)
			got := make([]kpi.Result, len(rb.KPIs))
			require.Zero(t, testing.AllocsPerRun(100, func() {
				err = ev.Load(row)
				for i := range rb.KPIs {
					err = ev.JudgeFast(i, &got[i])
				}
			}), "Load and JudgeFast")
			require.NoError(t, err)
			require.Equal(t, out, got, "JudgeFast is Judge of Fast")
			v, err := ev.Fast(0)
			require.NoError(t, err)
			prog.JudgeTo(0, &v, &got[0])
			require.Equal(t, prog.Judge(0, v), got[0], "JudgeTo is Judge")
			require.Zero(t, ev.VMRuns())
		})
	}
}

// The results' fixed-point numbers are what the credits side will price:
// the example's measure is held in Fixed, the decimal left for Complete.
func TestEvaluateFastHoldsFixed(t *testing.T) {
	_, prog, row := exampleRow(t, "North West", func(_ int, name string) int64 {
		if name == "emergency_fixed_24h" {
			return 247
		}
		return 255
	})
	res, err := prog.NewEvaluator().EvaluateFast(row, nil)
	require.NoError(t, err)
	r := res[0]
	require.True(t, r.HasMeasure)
	require.True(t, r.Fixed.HasMeasure)
	want, _ := fixed.New(9686274509803922, 16) // 247 / 255
	require.Equal(t, want, r.Fixed.Measure)
	require.True(t, r.Measure.IsZero(), "not set until Complete")
	require.Equal(t, "0.9686274509803922", r.Complete().Measure.String())
}

// A row's values in fixed point are the same prepared or not, and false
// for text and for numbers that do not fit; reading them allocates
// nothing.
func TestRowFixedValue(t *testing.T) {
	row := &kpi.Row{Values: []any{d("12.50"), "text", d("123456789012345678901234"), d("0"), decimal.Decimal{}}}
	want := []struct {
		coef  int64
		scale int
		ok    bool
	}{{1250, 2, true}, {0, 0, false}, {0, 0, false}, {0, 0, true}, {0, 0, true}}
	for _, prepared := range []bool{false, true} {
		if prepared {
			row.Prepare()
		}
		for i, w := range want {
			got, ok := row.FixedValue(i)
			require.Equal(t, w.ok, ok, "value %d, prepared %v", i, prepared)
			require.Equal(t, w.coef, got.Coef(), "value %d, prepared %v", i, prepared)
			require.Equal(t, w.scale, got.Scale(), "value %d, prepared %v", i, prepared)
		}
		require.Zero(t, testing.AllocsPerRun(10, func() { _, _ = row.FixedValue(0) }))
	}
	row.Values = append(row.Values, d("1")) // changed since prepared: converted
	got, ok := row.FixedValue(5)
	require.True(t, ok)
	require.Equal(t, int64(1), got.Coef())
}

// A copy of a prepared row given other Values, of the same length, is
// evaluated on them, not on the numbers prepared for the original.
func TestPreparedRowGivenOtherValues(t *testing.T) {
	_, prog, row := exampleRow(t, "North West", benchValue)
	row.Prepare()
	worse := *row
	worse.Values = make([]any, len(row.Values))
	for i := range worse.Values {
		worse.Values[i] = decimal.NewFromInt(0)
	}
	ev := prog.NewEvaluator()
	res, err := ev.EvaluateFast(&worse, nil)
	require.NoError(t, err)
	require.Equal(t, rules.NotMeasured, res[0].Status, "0 / 0")
	got, ok := worse.FixedValue(0)
	require.True(t, ok)
	require.True(t, got.IsZero())
	res, err = ev.EvaluateFast(row, nil)
	require.NoError(t, err)
	require.NotEqual(t, rules.NotMeasured, res[0].Status)
}
