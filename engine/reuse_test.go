package engine_test

import (
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

// A scenario engine reusing the baseline's evaluated values prices every
// lot-month exactly as it does evaluating them itself.
func TestMonthReusingMatchesMonth(t *testing.T) {
	rb, ds, base := example(t)
	for _, s := range rb.Scenarios[:2] {
		scen, err := base.Derive(s)
		require.NoError(t, err)
		reuse := scen.ReuseFrom(base)
		ev := base.Program().NewEvaluator()
		for _, l := range ds.Lots {
			plain, reusing := scen.NewLot(), scen.NewLot()
			for i := range l.Rows {
				row := &l.Rows[i]
				require.NoError(t, ev.Load(row))
				values := make([]kpi.Value, len(rb.KPIs))
				for k := range values {
					values[k], err = ev.Value(k)
					require.NoError(t, err)
				}
				a, err := plain.Month(row, nil)
				require.NoError(t, err)
				b, err := reusing.MonthReusing(row, nil, values, reuse)
				require.NoError(t, err)
				require.True(t, a.Credits.Credits.Equal(b.Credits.Credits) && a.Credits.EarnBack.Equal(b.Credits.EarnBack),
					"%s, %s, %s", s.ID, l.Name(), row.Month)
				for k := range a.Results {
					require.Equal(t, a.Results[k].Status, b.Results[k].Status)
					require.Equal(t, a.Credits.KPIs[k].Explanation, b.Credits.KPIs[k].Explanation)
				}
			}
		}
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
