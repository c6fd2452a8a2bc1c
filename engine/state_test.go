package engine_test

import (
	"fmt"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// A lot started from the state another had after month k prices the
// months after k exactly as the other does, for KPIs judged over a rolling
// window and a quarter too: the state holds the recent months' fields and
// relief. Every k of eight months is tried.
func TestStateResumesPeriods(t *testing.T) {
	rb := book(t, `kpis:
  - {id: R, measure: done / jobs, target: 0.8, period: {rolling: 3}, credit: {percent_of_charge: {minor: 1}}}
  - {id: Q, measure: done / jobs, target: 0.8, period: quarter, credit: {percent_of_charge: {minor: 1}}}
  - {id: M, measure: done / jobs, target: 0.8, credit: {fixed: {minor: 10.00}}}
triggers:
  - {id: t, failures: 3, within: 4}
amendments:
  - {id: A1, agreed: 2025-01-15, from: 2025-04, caps: {rolling_12_percent_of_charge: 2}}
`)
	terms, err := engine.Terms(rb)
	require.NoError(t, err)
	data := rows(5, 9, 7, 6, 10, 4, 9, 7)
	relief := func(i int) engine.Relief {
		if i != 1 {
			return nil
		}
		return func(id string) (string, bool) { return "flood", id == "R" }
	}
	describe := func(lm *engine.LotMonth) string {
		out := lm.Credits.Credits.String()
		for i, kc := range lm.Credits.KPIs {
			out += fmt.Sprintf(" %s:%s:%s:%s", kc.KPI.ID, lm.Results[i].Status, lm.Results[i].Reason, kc.Credit)
		}
		return out + fmt.Sprint(" triggers ", len(lm.Credits.Triggers))
	}
	whole := terms.NewLot()
	var want []string
	var states []engine.State
	for i := range data {
		lm, err := whole.MonthIn(terms, &data[i], relief(i))
		require.NoError(t, err)
		want = append(want, describe(lm))
		s, _ := whole.State()
		states = append(states, s)
	}
	require.Equal(t, map[string]string{"R": "flood"}, states[1].Rows[1].Relief, "February's relief, kept for R's window")
	for k := range len(data) - 1 {
		lot := terms.NewLot()
		require.NoError(t, lot.SetState(states[k]))
		for i := k + 1; i < len(data); i++ {
			lm, err := lot.MonthIn(terms, &data[i], relief(i))
			require.NoError(t, err)
			require.Equal(t, want[i], describe(lm), "resumed after month %d: month %d", k, i)
			s, _ := lot.State()
			require.Equal(t, states[i], s, "resumed after month %d: the state after month %d", k, i)
		}
	}
}

// SetState refuses rows out of order, after the state's month or without
// a numeric field, as an impossible state.
func TestSetStateRows(t *testing.T) {
	rb := book(t, `kpis:
  - {id: R, measure: done / jobs, target: 0.8, period: {rolling: 3}, credit: {percent_of_charge: {minor: 1}}}
`)
	eng, err := engine.Compile(rb)
	require.NoError(t, err)
	feb := rules.NewMonth(2025, 2)
	fields := map[string]rules.Decimal{"charge": d("1000"), "done": d("9"), "jobs": d("10")}
	for _, tc := range []struct {
		name string
		rows []engine.RowState
		err  string
	}{
		{"after the state's month", []engine.RowState{{Month: feb + 1, Fields: fields}}, "row 2025-03 is after 2025-02"},
		{"out of order", []engine.RowState{{Month: feb, Fields: fields}, {Month: feb - 1, Fields: fields}}, "row 2025-01 does not follow 2025-02"},
		{"a field missing", []engine.RowState{{Month: feb, Fields: map[string]rules.Decimal{"charge": d("1000"), "done": d("9")}}},
			"row 2025-02 has no field jobs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := eng.NewLot().SetState(engine.State{State: credits.State{Month: feb}, Rows: tc.rows})
			require.ErrorIs(t, err, credits.ErrState)
			require.EqualError(t, err, "credits: impossible lot state: "+tc.err)
		})
	}
}

func d(s string) rules.Decimal { return decimal.RequireFromString(s) }
