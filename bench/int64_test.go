package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// boundFixture is the bench rulebook and the example's data at lots x
// months, read for the bound.
func boundFixture(t testing.TB, lots, months int) (*rules.Rulebook, []byte, *i64Bound) {
	t.Helper()
	rb, err := rules.Load(benchRules, nil)
	require.NoError(t, err)
	data, _, err := aasc.Generate(aasc.Config{Seed: 1, Start: *rb.Start, Months: months, Lots: lots})
	require.NoError(t, err)
	bd, err := newI64Bound(rb, data)
	require.NoError(t, err)
	bd.measure()
	return rb, data, bd
}

// The bound prices the rulebook's own sweep of KPI-07's target (0.90 to
// 0.99) to the penny as the engine does: each value's credits after caps
// and its earn-back, over 21 lots and three contract years.
func TestInt64BoundAgreesWithTheEngine(t *testing.T) {
	rb, data, bd := boundFixture(t, 21, 36)
	ds, err := input.ReadCSV(rb, "data.csv", bytes.NewReader(data))
	require.NoError(t, err)
	var sweep []*rules.Scenario
	for _, s := range rb.Scenarios {
		if s.Sweep != nil {
			sweep = append(sweep, s)
		}
	}
	require.Len(t, sweep, 10)
	res, err := runner.Run(context.Background(), runner.Job{Rules: rb, Data: ds, Scenarios: sweep})
	require.NoError(t, err)
	want := map[string]i64Totals{}
	for _, c := range res.Comparisons() {
		w := want[c.Scenario]
		w.credits += c.Credit.Shift(2).IntPart()
		w.earnBack += c.EarnBack.Shift(2).IntPart()
		want[c.Scenario] = w
	}
	values := make([]int64, len(sweep))
	for i, s := range sweep {
		values[i] = s.Sweep.Value.Shift(16).IntPart()
	}
	got := bd.sweep(values)
	for i, s := range sweep {
		require.Equal(t, want[s.ID], got[i], s.ID)
		require.Positive(t, got[i].credits, s.ID)
		require.Negative(t, got[i].earnBack, s.ID)
	}
	require.NotEqual(t, got[0], got[len(got)-1], "the values price differently")
}

// The bound reads only measures a / b with volume b, and no applies but
// KPI-04's.
func TestInt64BoundRejects(t *testing.T) {
	rb, err := rules.Load(benchRules, nil)
	require.NoError(t, err)
	col := map[string]int{"a": 1, "b": 2}
	for _, tc := range []struct {
		name, measure, volume, applies, want string
	}{
		{"not a quotient", "a", "b", "", "needs a measure a / b"},
		{"volume not the denominator", "a / b", "a", "", "needs a measure a / b"},
		{"another applies", "a / b", "b", `region == "Wales"`, `knows no applies but region != "Scotland"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := *rb.KPIs[0]
			k.Measure.Source, k.Volume.Source, k.Applies.Source = tc.measure, tc.volume, tc.applies
			_, err := newI64KPI(&k, col)
			require.ErrorContains(t, err, tc.want)
			require.True(t, strings.HasPrefix(err.Error(), "KPI-01: "), err.Error())
		})
	}
}

// BenchmarkInt64Bound prices one value of KPI-07's target over the
// example's 21 lots x 120 months on plain int64s (the measures already
// taken, as the engine reuses the baseline's): the lower bound, in
// ns/kpi-month.
func BenchmarkInt64Bound(b *testing.B) {
	rb, _, bd := boundFixture(b, 21, 120)
	kpiMonths := len(bd.lots) * len(bd.lots[0].charge) * len(rb.KPIs)
	targets := make([]int64, len(bd.kpis))
	for k := range bd.kpis {
		targets[k] = bd.kpis[k].target
	}
	b.ReportAllocs()
	for b.Loop() {
		var t i64Totals
		for li := range bd.lots {
			bd.priceLot(&bd.lots[li], targets, &t)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*kpiMonths), "ns/kpi-month")
}

// The bound's pricing is the example's, KPI by KPI: it refuses a
// rulebook with other KPIs or in another order.
func TestInt64BoundRejectsOtherKPIs(t *testing.T) {
	rb, data, _ := boundFixture(t, 1, 1)
	fewer, swapped := *rb, *rb
	fewer.KPIs = rb.KPIs[:14]
	swapped.KPIs = append([]*rules.KPI{rb.KPIs[1], rb.KPIs[0]}, rb.KPIs[2:]...)
	for _, tc := range []struct {
		name string
		rb   *rules.Rulebook
		want string
	}{
		{"fewer", &fewer, "the example's 15 KPIs, not 14"},
		{"another order", &swapped, "KPI-02 where KPI-01 was expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newI64Bound(tc.rb, data)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
