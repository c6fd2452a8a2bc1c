package engine_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const head = `contract: T
currency: GBP
keys: [lot]
charge: charge
start: 2025-01
fields: {charge: money, done: int, jobs: int}
`

func book(t *testing.T, body string) *rules.Rulebook {
	t.Helper()
	rb, err := rules.Parse("t.yaml", strings.NewReader(head+body), kpi.Check)
	require.NoError(t, err)
	return rb
}

// rows makes one lot's months from January 2025, charge 1,000.00 and
// done of 10 jobs each.
func rows(done ...int) []kpi.Row {
	out := make([]kpi.Row, len(done))
	for i, d := range done {
		out[i] = kpi.Row{Keys: []string{"A"}, Month: rules.NewMonth(2025, 1).Add(i),
			Values: []any{decimal.NewFromInt(1000), decimal.NewFromInt(int64(d)), decimal.NewFromInt(10)}}
	}
	return out
}

// MonthIn prices each month under the terms in force and names them.
func TestMonthInFollowsTheTerms(t *testing.T) {
	rb := book(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.9, credit: {fixed: {minor: 10.00}}}
amendments:
  - {id: A1, agreed: 2025-01-15, from: 2025-02, kpis: {K: {target: 0.7}}}
`)
	terms, err := engine.Terms(rb)
	require.NoError(t, err)
	require.Len(t, terms, 2)
	lot := terms.NewLot()
	var got []string
	for _, r := range rows(8, 8) {
		lm, err := lot.MonthIn(terms, &r, nil)
		require.NoError(t, err)
		_, c, _ := lm.KPI("K")
		got = append(got, fmt.Sprintf("%s %q %s", lm.Row.Month, lm.Terms, c.Status))
	}
	require.Equal(t, []string{`2025-01 "" minor`, `2025-02 "A1" met`}, got)
}

// A lot keeps the months a later engine's periods need only when told to
// (Reserve): without it, a rolling window starts with the switch.
func TestReserveKeepsMonthsForLaterTerms(t *testing.T) {
	rb := book(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.9, credit: {fixed: {minor: 10.00}}}
amendments:
  - {id: A1, agreed: 2025-01-15, from: 2025-03, kpis: {K: {period: {rolling: 3}}}}
`)
	terms, err := engine.Terms(rb)
	require.NoError(t, err)
	span, within := terms.Span()
	require.Equal(t, 3, span)
	require.Equal(t, 0, within)
	for _, c := range []struct {
		reserve bool
		want    string
	}{{true, "met 0.9"}, {false, "not_measured window incomplete: 1 of 3 months of data"}} {
		lot := terms[0].Engine.NewLot()
		if c.reserve {
			lot.Reserve(span, within)
		}
		var lm *engine.LotMonth
		for _, r := range rows(8, 9, 10) {
			lm, err = lot.MonthIn(terms, &r, nil)
			require.NoError(t, err)
		}
		r, _, _ := lm.KPI("K")
		got := r.Status.String() + " " + r.Reason
		if r.HasMeasure {
			got = r.Status.String() + " " + r.Measure.String()
		}
		require.Equal(t, c.want, got, "reserve %v", c.reserve)
	}
}

// A KPI measured over a period shares no values with another engine's: its
// values come from the period's months.
func TestReuseSkipsPeriodKPIs(t *testing.T) {
	rb := book(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.9, credit: {fixed: {minor: 10.00}}}
  - {id: Q, measure: done / jobs, target: 0.9, period: quarter, credit: {fixed: {minor: 10.00}}}
`)
	e, err := engine.Compile(rb)
	require.NoError(t, err)
	require.Equal(t, engine.Reuse{From: []int{0, -1}, Judged: []bool{true, false}}, e.ReuseFrom(e))
}

// One timeline prices many lots at once, each with its own Lot.
func TestTimelineIsSafeForConcurrentLots(t *testing.T) {
	rb := book(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.9, period: {rolling: 2}, credit: {percent_of_charge: {minor: 1}}}
triggers:
  - {id: t, failures: 2, within: 3}
amendments:
  - {id: A1, agreed: 2025-01-15, from: 2025-04, caps: {rolling_12_percent_of_charge: 1}}
`)
	terms, err := engine.Terms(rb)
	require.NoError(t, err)
	data := rows(5, 9, 5, 6, 10, 4, 9, 9)
	totals := make([]string, 8)
	var wg sync.WaitGroup
	for g := range totals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lot := terms.NewLot()
			sum := decimal.Zero
			for i := range data {
				lm, err := lot.MonthIn(terms, &data[i], nil)
				if err != nil {
					totals[g] = err.Error()
					return
				}
				sum = sum.Add(lm.Credits.Credits)
			}
			totals[g] = sum.StringFixed(2)
		}()
	}
	wg.Wait()
	for _, s := range totals {
		require.Equal(t, totals[0], s)
	}
	require.NotEqual(t, "0.00", totals[0])
}
