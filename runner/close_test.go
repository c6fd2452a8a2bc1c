package runner_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// dataFrom keeps the header and the rows of a CSV from month m on.
func dataFrom(csv string, m rules.Month) string {
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	out := []string{lines[0]}
	for _, l := range lines[1:] {
		if mm, _ := rules.ParseMonth(strings.Split(l, ",")[2]); mm >= m {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// A contract priced from an opening state (each lot's state after month k,
// written as the rulebook's opening:) and the data after k gives exactly
// what pricing the whole data gives for those months: the baseline, and
// every scenario that starts after k; the triggers fire in the same
// months. Half the contracts have terms over time (randbook.WithTerms): a
// quarterly or rolling KPI, whose state holds the recent months' fields,
// bonus points, a rolling cap, triggers and an amendment.
func TestPropertyOpeningResumes(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	for i := range 40 {
		c := randbook.New(r)
		if i%2 == 1 {
			c = randbook.WithTerms(r, c)
		}
		full := runContract(t, c)
		rb, ds := full.Rules, full.Data
		k := ds.First.Add(r.IntN(ds.Months() - 1))
		lots, states := statesAt(t, rb, ds, k)
		src := c.Rules + randbook.Opening(rb, k, lots, states)
		rb2, err := rules.Parse("opened.yaml", strings.NewReader(src), nil)
		require.NoError(t, err, src)
		ds2, err := input.ReadCSV(rb2, "later.csv", strings.NewReader(dataFrom(c.Data, k+1)))
		require.NoError(t, err)
		res, err := runner.Run(context.Background(), runner.Job{Rules: rb2, Data: ds2})
		require.NoError(t, err)
		for ri, run := range res.Runs {
			if sc := run.Scenario; sc != nil && (sc.From == nil || *sc.From <= k) {
				continue // under other rules before the opening month than the baseline's
			}
			sameFrom(t, fmt.Sprintf("case %d, %s\n%s", i, run.ID, src), full.Runs[ri], run, int(k-ds.First)+1)
		}
	}
}

// runContract runs a random contract's baseline and scenarios.
func runContract(t *testing.T, c randbook.Contract) *runner.Result {
	t.Helper()
	rb, err := rules.Parse("random.yaml", strings.NewReader(c.Rules), nil)
	require.NoError(t, err, c.Rules)
	ds, err := input.ReadCSV(rb, "random.csv", strings.NewReader(c.Data))
	require.NoError(t, err)
	res, err := runner.Run(context.Background(), runner.Job{Rules: rb, Data: ds})
	require.NoError(t, err, c.Rules)
	return res
}

// statesAt prices each lot under the rulebook's terms month by month up
// to k and returns its key values and state.
func statesAt(t *testing.T, rb *rules.Rulebook, ds *input.Dataset, k rules.Month) ([][]string, []engine.State) {
	t.Helper()
	terms, err := engine.Terms(rb)
	require.NoError(t, err)
	var lots [][]string
	var states []engine.State
	for _, lot := range ds.Lots {
		l := terms.NewLot()
		for mi := range lot.Rows[:k-ds.First+1] {
			_, err := l.MonthIn(terms, &lot.Rows[mi], nil)
			require.NoError(t, err)
		}
		s, _ := l.State()
		lots, states = append(lots, lot.Keys), append(states, s)
	}
	return lots, states
}

// sameFrom requires a run from an opening state to price every lot-month
// as the whole run does from its skip-th month, and to fire the same
// triggers in those months.
func sameFrom(t *testing.T, what string, whole, opened *runner.ScenarioRun, skip int) {
	t.Helper()
	for li := range opened.Lots {
		for mi, lm := range opened.Lots[li] {
			want := whole.Lots[li][skip+mi]
			require.Equal(t, want.Row.Month, lm.Row.Month)
			require.Equal(t, want.Terms, lm.Terms)
			require.True(t, want.Credits.Credits.Equal(lm.Credits.Credits) && want.Credits.EarnBack.Equal(lm.Credits.EarnBack),
				"%s: lot %d, %s: %s %s, want %s %s", what, li, lm.Row.Month, lm.Credits.Credits, lm.Credits.EarnBack,
				want.Credits.Credits, want.Credits.EarnBack)
			for j, kc := range lm.Credits.KPIs {
				w := want.Credits.KPIs[j]
				require.Truef(t, w.Status == kc.Status && w.Credit.Equal(kc.Credit) && w.EarnBack.Equal(kc.EarnBack),
					"%s: lot %d, %s %s: %s %s %s, want %s %s %s", what, li, lm.Row.Month, kc.KPI.ID,
					kc.Status, kc.Credit, kc.EarnBack, w.Status, w.Credit, w.EarnBack)
			}
			require.Equal(t, len(want.Credits.Triggers), len(lm.Credits.Triggers), "%s: lot %d, %s: triggers", what, li, lm.Row.Month)
			require.Equal(t, want.Credits.Bonus, lm.Credits.Bonus, "%s: lot %d, %s: bonus points", what, li, lm.Row.Month)
		}
	}
}

// A waived amount comes out of the KPI's earn-back pool after its month,
// in every run; streaks, caps and the month's own credit are as they were,
// and a waiver of a lot the data does not have changes nothing.
func TestWaivedLeavesThePool(t *testing.T) {
	rb, err := rules.Parse("w.yaml", strings.NewReader(`contract: W
currency: GBP
keys: [provider]
charge: charge
fields: {charge: money, done: int, jobs: int}
earn_back: {percent: 100, after_met_months: 1}
kpis:
  - {id: A, measure: done / jobs, target: 0.9, credit: {fixed: {minor: 100.00}}, escalation: [1, 2]}
scenarios:
  - {id: same}
`), nil)
	require.NoError(t, err)
	ds, err := input.ReadCSV(rb, "w.csv", strings.NewReader("provider,month,charge,done,jobs\n"+
		"P,2025-01,1000,1,2\nP,2025-02,1000,1,2\nP,2025-03,1000,2,2\n"))
	require.NoError(t, err)
	jan, feb := rules.NewMonth(2025, 1), rules.NewMonth(2025, 2)
	for _, tc := range []struct {
		name   string
		waived []runner.Waived
		refund string
	}{
		{"none", nil, "-300.00"},
		{"part of January's", []runner.Waived{{Lot: []string{"P"}, Month: jan, KPI: "A", Amount: d("40.00")}}, "-260.00"},
		{"both months, split", []runner.Waived{
			{Lot: []string{"P"}, Month: jan, KPI: "A", Amount: d("100.00")},
			{Lot: []string{"P"}, Month: feb, KPI: "A", Amount: d("150.00")},
			{Lot: []string{"P"}, Month: feb, KPI: "A", Amount: d("50.00")}}, "0.00"},
		{"another lot", []runner.Waived{{Lot: []string{"Q"}, Month: jan, KPI: "A", Amount: d("100.00")}}, "-300.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runner.Run(context.Background(), runner.Job{Rules: rb, Data: ds, Waived: tc.waived})
			require.NoError(t, err)
			for _, run := range res.Runs {
				months := run.Lots[0]
				requireDec(t, "100.00", months[0].Credits.Credits)
				requireDec(t, "200.00", months[1].Credits.Credits) // escalated: the streak is as it was
				requireDec(t, tc.refund, months[2].Credits.EarnBack)
			}
		})
	}
}

func d(s string) rules.Decimal { return decimal.RequireFromString(s) }

func requireDec(t *testing.T, want string, got rules.Decimal) {
	t.Helper()
	require.Truef(t, d(want).Equal(got), "want %s, got %s", want, got)
}
