package runner_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// openingYAML writes the opening: key of a rulebook from each lot's state.
func openingYAML(rb *rules.Rulebook, m rules.Month, lots [][]string, states []credits.State) string {
	var b strings.Builder
	fmt.Fprintf(&b, "opening:\n  month: %s\n  lots:\n", m)
	for i, s := range states {
		fmt.Fprintf(&b, "    - lot: {%s: %q, %s: %q}\n", rb.Keys[0], lots[i][0], rb.Keys[1], lots[i][1])
		if s.Year.Months > 0 {
			fmt.Fprintf(&b, "      year: {charges: %s, credits: %s, months: %d}\n", s.Year.Charges, s.Year.Credits, s.Year.Months)
		}
		b.WriteString("      kpis:\n")
		for _, id := range slices.Sorted(maps.Keys(s.KPIs)) {
			k := s.KPIs[id]
			fmt.Fprintf(&b, "        %s: {streak: %d, met_run: %d, earn_back_pool: %s}\n", id, k.Streak, k.MetRun, k.Pool)
		}
		if len(s.KPIs) == 0 {
			b.WriteString("        {}\n")
		}
	}
	return b.String()
}

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
// every scenario that starts after k.
func TestPropertyOpeningResumes(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	for i := range 30 {
		c, full := randomRun(t, r)
		rb, ds := full.Rules, full.Data
		k := ds.First.Add(r.IntN(ds.Months() - 1))
		eng, err := engine.Compile(rb)
		require.NoError(t, err)
		var lots [][]string
		var states []credits.State
		for _, lot := range ds.Lots {
			l := eng.NewLot()
			for mi := range lot.Rows[:k-ds.First+1] {
				_, err := l.Month(&lot.Rows[mi], nil)
				require.NoError(t, err)
			}
			s, _ := l.State()
			lots, states = append(lots, lot.Keys), append(states, s)
		}
		src := c.Rules + openingYAML(rb, k, lots, states)
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
			for li := range run.Lots {
				for mi, lm := range run.Lots[li] {
					want := full.Runs[ri].Lots[li][int(k-ds.First)+1+mi]
					require.Equal(t, want.Row.Month, lm.Row.Month)
					for j, kc := range lm.Credits.KPIs {
						w := want.Credits.KPIs[j]
						require.Truef(t, w.Credit.Equal(kc.Credit) && w.EarnBack.Equal(kc.EarnBack),
							"case %d, %s, lot %v, %s %s: %s %s, want %s %s\n%s", i, run.ID, lots[li], lm.Row.Month,
							kc.KPI.ID, kc.Credit, kc.EarnBack, w.Credit, w.EarnBack, src)
					}
				}
			}
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
