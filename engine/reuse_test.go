package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// example loads the example contract, its data and an engine for it.
func example(t *testing.T) (*rules.Rulebook, *input.Dataset, *engine.Engine) {
	t.Helper()
	rb, err := rules.Load("../examples/aasc/rules.yaml", kpi.Check)
	require.NoError(t, err)
	ds, err := input.LoadData(rb, "../examples/aasc/data.csv")
	require.NoError(t, err)
	eng, err := engine.Compile(rb)
	require.NoError(t, err)
	return rb, ds, eng
}

// A scenario engine reusing the baseline's evaluated values, and their
// judgements where it judges alike, prices every lot-month exactly as it
// does evaluating and judging them itself: every result and every figure.
// The scenarios change targets, bounds and expressions, so each path is
// taken.
func TestMonthReusingMatchesMonth(t *testing.T) {
	rb, ds, base := example(t)
	for _, s := range rb.Scenarios {
		scen, err := base.Derive(s)
		require.NoError(t, err)
		reuse := scen.ReuseFrom(base)
		ev := base.Program().NewEvaluator()
		for _, l := range ds.Lots {
			plain, reusing := scen.NewLot(), scen.NewLot()
			for i := range l.Rows {
				row := &l.Rows[i]
				require.NoError(t, ev.Load(row))
				c := engine.Cached{Values: make([]kpi.Value, len(rb.KPIs)), Judged: make([]kpi.Result, len(rb.KPIs))}
				for k := range c.Values {
					if rb.KPIs[k].Period.Kind != rules.Monthly {
						continue
					}
					c.Values[k], err = ev.Fast(k)
					require.NoError(t, err)
					base.Program().JudgeTo(k, &c.Values[k], &c.Judged[k])
				}
				a, err := plain.Month(row, nil)
				require.NoError(t, err)
				b, err := reusing.MonthReusing(row, nil, c, reuse)
				require.NoError(t, err)
				what := s.ID + ", " + l.Name() + ", " + row.Month.String()
				require.Equal(t, a.Results, b.Results, what)
				require.Equal(t, a.Credits.Credits.String(), b.Credits.Credits.String(), what)
				require.Equal(t, a.Credits.EarnBack.String(), b.Credits.EarnBack.String(), what)
				for k := range a.Credits.KPIs {
					require.Equal(t, a.Credits.KPIs[k].Explanation, b.Credits.KPIs[k].Explanation, what)
				}
			}
		}
	}
}

// ReuseFrom judges alike only KPIs with the same direction, target,
// bounds and min_volume as written.
func TestReuseJudgedAlike(t *testing.T) {
	const kpis = `kpis:
  - {id: K, measure: done / jobs, volume: jobs, target: 0.9, %s credit: {fixed: {minor: 10.00, serious: 20.00, severe: 30.00}}}
`
	base, err := engine.Compile(book(t, fmt.Sprintf(kpis, "serious: 0.8, severe: 0.6, min_volume: 10,")))
	require.NoError(t, err)
	above, err := engine.Compile(book(t, strings.Replace(fmt.Sprintf(kpis, "serious: 1.2, severe: 1.4, min_volume: 10,"), "target: 0.9", "target: 0.9, direction: lower", 1)))
	require.NoError(t, err)
	require.Equal(t, []bool{false}, above.ReuseFrom(base).Judged, "another direction")
	for _, tc := range []struct {
		terms string
		alike bool
	}{
		{"serious: 0.8, severe: 0.6, min_volume: 10,", true},
		{"serious: 0.80, severe: 0.6, min_volume: 10,", true},   // a bound by value
		{"serious: 0.8, severe: 0.6, min_volume: 10.0,", false}, // the reason quotes min_volume
		{"serious: 0.7, severe: 0.6, min_volume: 10,", false},
		{"serious: 0.8, severe: 0.6,", false},
		{"serious: 0.8, severe: 0.5, min_volume: 10,", false},
	} {
		e, err := engine.Compile(book(t, fmt.Sprintf(kpis, tc.terms)))
		require.NoError(t, err)
		r := e.ReuseFrom(base)
		require.Equal(t, []int{0}, r.From, tc.terms)
		require.Equal(t, []bool{tc.alike}, r.Judged, tc.terms)
	}
}

// A lot switched to another engine keeps each KPI's streak: the n-th
// failure in a row stays the n-th across the switch.
func TestUseCarriesStreaks(t *testing.T) {
	rb, ds, base := example(t)
	scen, err := base.Derive(rb.Scenarios[0])
	require.NoError(t, err)
	for _, l := range ds.Lots {
		whole, switched := base.NewLot(), base.NewLot()
		for i := range l.Rows {
			if i == len(l.Rows)/2 {
				switched.Use(scen)
				switched.Use(scen) // a second Use of the same engine changes nothing
			}
			a, err := whole.Month(&l.Rows[i], nil)
			require.NoError(t, err)
			b, err := switched.Month(&l.Rows[i], nil)
			require.NoError(t, err)
			for k, kc := range b.Credits.KPIs {
				_, ka, ok := a.KPI(kc.KPI.ID)
				require.True(t, ok)
				require.Equal(t, ka.Streak, kc.Streak, "%s %s %s", l.Name(), l.Rows[i].Month, kc.KPI.ID)
				require.Equal(t, ka.Status, b.Results[k].Status)
			}
		}
	}
}

// Without explanations a lot prices the same and writes no text.
func TestSetExplain(t *testing.T) {
	_, ds, eng := example(t)
	on, off := eng.NewLot(), eng.NewLot()
	off.SetExplain(false)
	for i := range ds.Lots[0].Rows {
		a, err := on.Month(&ds.Lots[0].Rows[i], nil)
		require.NoError(t, err)
		b, err := off.Month(&ds.Lots[0].Rows[i], nil)
		require.NoError(t, err)
		require.True(t, a.Credits.Credits.Equal(b.Credits.Credits))
		for _, kc := range b.Credits.KPIs {
			require.Empty(t, kc.Explanation)
		}
	}
}

// Relief excuses the KPIs it names, and the months after go on as before.
func TestRelief(t *testing.T) {
	_, ds, eng := example(t)
	lot := eng.NewLot()
	m, err := lot.Month(&ds.Lots[0].Rows[0], func(id string) (string, bool) { return "storm", id == "KPI-02" })
	require.NoError(t, err)
	r, kc, ok := m.KPI("KPI-02")
	require.True(t, ok)
	require.Equal(t, rules.Excused, r.Status)
	require.Equal(t, "storm", kc.Reason)
	require.True(t, kc.Credit.IsZero())
	_, err = lot.Month(&ds.Lots[0].Rows[0], nil)
	require.Error(t, err, "a month must follow the last")
}
