package curves_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kpicredit/kpicredit/fixed"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestTypicalCharge(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lots   map[string][]string
		mode   rules.Rounding
		want   string
		nLots  int
		absent bool
	}{
		{name: "no charges", absent: true},
		{name: "one lot, odd months: the middle one", lots: map[string][]string{"A": {"100.00", "300.00", "200.00"}},
			want: "200", nLots: 1},
		// (100.00 + 200.01) / 2 = 150.005, rounded once.
		{name: "even months, half up", lots: map[string][]string{"A": {"200.01", "100.00"}}, want: "150.01", nLots: 1},
		{name: "even months, half even", lots: map[string][]string{"A": {"200.01", "100.00"}}, mode: rules.HalfEven,
			want: "150", nLots: 1},
		// Medians 15 and 30 (one month): their median is (15 + 30) / 2.
		{name: "median of the lots' medians", lots: map[string][]string{"A": {"10", "20"}, "B": {"30"}},
			want: "22.5", nLots: 2},
		// Medians 15 (A), 1000 (B, its 3 months), 40 (C): the middle is 40,
		// not the median of all 6 months ((20 + 40) / 2 = 30).
		{name: "each lot counts once", lots: map[string][]string{"A": {"10", "20"}, "B": {"1000", "1000", "1000"}, "C": {"40"}},
			want: "40", nLots: 3},
		// The inner medians keep their third place: 100.005 and 100.015
		// average to 100.01 exactly; rounded first (100.01 and 100.02) they
		// would give 100.015, rounded to 100.02.
		{name: "rounded once, at the end", lots: map[string][]string{"A": {"100.00", "100.01"}, "B": {"100.01", "100.02"}},
			want: "100.01", nLots: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := curves.NewData()
			for lot, cs := range tc.lots {
				for _, c := range cs {
					data.AddCharge(lot, d(c))
				}
			}
			got, n, ok := data.TypicalCharge(2, tc.mode)
			require.Equal(t, !tc.absent, ok)
			if tc.absent {
				return
			}
			require.Equal(t, tc.want, got.String())
			require.Equal(t, tc.nLots, n)
		})
	}
}

func TestTypicalChargeOfTheExample(t *testing.T) {
	rb := example(t)
	// Medians per lot, from data.csv: 1,315,326.285 (Wales),
	// 1,935,814.17, 2,433,009.43, 3,167,787.595 (Yorkshire and the
	// Humber), 4,468,033.85, 5,704,423.52, 6,020,197.785; the middle one,
	// rounded half up.
	got, n, ok := exampleData(t, rb).TypicalCharge(rb.MinorUnits, rb.Rounding)
	require.True(t, ok)
	require.Equal(t, 7, n)
	require.Equal(t, "3167787.6", got.String())
}

// Only judged months (met or failed) give a measure; repeats count once,
// and Measures sorts them.
func TestDataMeasures(t *testing.T) {
	data := curves.NewData()
	for _, r := range []kpi.Result{
		{Status: rules.Met, Measure: d("0.97"), HasMeasure: true},
		{Status: rules.Serious, Measure: d("0.80"), HasMeasure: true},
		{Status: rules.Minor, Measure: d("0.9"), HasMeasure: true},
		{Status: rules.Met, Measure: d("0.970"), HasMeasure: true},
		{Status: rules.Excused, Measure: d("0.1"), HasMeasure: true},
		{Status: rules.NotMeasured, Reason: "volume 3 < min_volume 10"},
		{Status: rules.NotApplicable},
	} {
		data.AddResult("K1", r)
	}
	var got []string
	for _, m := range data.Measures("K1") {
		got = append(got, m.String())
	}
	require.Equal(t, []string{"0.8", "0.9", "0.97"}, got)
	require.Nil(t, data.Measures("K2"))
	data.AddMeasure("K2", decimal.NewFromInt(3))
	require.Len(t, data.Measures("K2"), 1)
}

// TestDataMeasuresKeepTheLastOfEachValue records each value written in
// several ways — trailing zeros, more places than fixed point carries, a
// coefficient beyond int64 — and requires one measure per value, the last
// recorded, coefficient and exponent.
func TestDataMeasuresKeepTheLastOfEachValue(t *testing.T) {
	data := curves.NewData()
	for _, s := range []string{
		"0.5", "0.50", "0.5000000000000000000000000", // the last: 25 places
		"500", "5E+2", "500.000",
		"0", "0.000", "-0.00",
		"123456789012345678901234.5", "123456789012345678901234.50", // beyond int64
		"-0.25", "-0.250",
	} {
		data.AddMeasure("K", decimal.RequireFromString(s))
	}
	var got []string
	for _, m := range data.Measures("K") {
		got = append(got, m.String()+" e"+decimal.NewFromInt(int64(m.Exponent())).String())
	}
	require.Equal(t, []string{"-0.25 e-3", "0 e-2", "0.5 e-25", "500 e-3", "123456789012345678901234.5 e-2"}, got)
}

// TestDataResultsKeyedByTheirFixedMeasure records the same measures as
// results carrying their fixed-point measure and as plain decimals, and
// requires the same distinct measures, ascending, from both.
func TestDataResultsKeyedByTheirFixedMeasure(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	viaResult, viaDecimal := curves.NewData(), curves.NewData()
	for range 5000 {
		m := decimal.New(rng.Int64N(4000)-2000, -int32(rng.IntN(6))) // many equal values, written with different places
		f, ok := fixed.FromDecimal(m)
		require.True(t, ok)
		viaResult.AddResult("K", kpi.Result{Status: rules.Met, Measure: m, HasMeasure: true,
			Fixed: kpi.Fixed{Measure: f, HasMeasure: true}})
		viaDecimal.AddMeasure("K", m)
	}
	a, b := viaResult.Measures("K"), viaDecimal.Measures("K")
	require.Equal(t, len(b), len(a))
	for i := range a {
		require.Equal(t, b[i].String()+"e"+fmt.Sprint(b[i].Exponent()), a[i].String()+"e"+fmt.Sprint(a[i].Exponent()), i)
		if i > 0 {
			require.True(t, a[i-1].LessThan(a[i]), "ascending and distinct at %d", i)
		}
	}
}

// TestDataMeasuresAcrossScales records measures at one scale, then others
// (another scale, too long for fixed point), asking for the measures in
// between, and requires each value once, as last recorded, ascending.
func TestDataMeasuresAcrossScales(t *testing.T) {
	for _, tc := range []struct {
		name    string
		batches [][]string // Measures is asked for after each
		want    []string   // value and exponent, after the last
	}{
		{name: "one scale, repeats", batches: [][]string{{"0.70", "0.50", "0.50", "0.70", "0.10"}},
			want: []string{"0.1 e-2", "0.5 e-2", "0.7 e-2"}},
		{name: "one scale, asked twice", batches: [][]string{{"0.70", "0.50"}, {"0.50", "0.60", "0.70"}},
			want: []string{"0.5 e-2", "0.6 e-2", "0.7 e-2"}},
		{name: "another scale keeps the last", batches: [][]string{{"0.50", "0.70"}, {"0.5", "0.90"}},
			want: []string{"0.5 e-1", "0.7 e-2", "0.9 e-2"}},
		{name: "too long for fixed point", batches: [][]string{{"2.00", "1.00"}, {"1.0000000000000000000000000", "3.00"}},
			want: []string{"1 e-25", "2 e-2", "3 e-2"}},
		{name: "first too long", batches: [][]string{{"123456789012345678901234.5", "1.00", "1.0"}},
			want: []string{"1 e-1", "123456789012345678901234.5 e-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := curves.NewData()
			var got []string
			for _, batch := range tc.batches {
				for _, s := range batch {
					data.AddMeasure("K", d(s))
				}
				got = got[:0]
				for _, m := range data.Measures("K") {
					got = append(got, m.String()+" e"+fmt.Sprint(m.Exponent()))
				}
			}
			require.Equal(t, tc.want, got)
		})
	}
}
