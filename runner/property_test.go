package runner_test

import (
	"context"
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

// randomRun draws a contract and runs it.
func randomRun(t *testing.T, r *rand.Rand) (randbook.Contract, *runner.Result) {
	t.Helper()
	c := randbook.New(r)
	rb, err := rules.Parse("random.yaml", strings.NewReader(c.Rules), nil)
	require.NoError(t, err, c.Rules)
	ds, err := input.ReadCSV(rb, "random.csv", strings.NewReader(c.Data))
	require.NoError(t, err)
	res, err := runner.Run(context.Background(), runner.Job{Rules: rb, Data: ds})
	require.NoError(t, err, c.Rules)
	return c, res
}

// The promises every run keeps, on 60 random contracts: credits are never
// negative, refunds never positive and only on met months; only failures
// earn credits; no lot-month exceeds its monthly cap or what the annual
// cap left; KPI credits sum to the month's; a scenario identical to the
// baseline differs from it nowhere.
func TestPropertyRunInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 60 {
		c, res := randomRun(t, r)
		for _, run := range res.Runs {
			for _, months := range run.Lots {
				for _, lm := range months {
					checkLotMonth(t, c, lm.Credits.Month.String(), lm)
				}
			}
		}
		for _, cmp := range res.Comparisons() {
			if cmp.Scenario == "same" {
				require.Truef(t, cmp.Difference.IsZero(), "case %d: %v %s differs\n%s", i, cmp.Lot, cmp.KPI, c.Rules)
			}
		}
	}
}

func checkLotMonth(t *testing.T, c randbook.Contract, month string, lm *engine.LotMonth) {
	t.Helper()
	m := lm.Credits
	sum := decimal.Zero
	for _, kc := range m.KPIs {
		require.False(t, kc.Credit.IsNegative(), "%s %s: negative credit\n%s", month, kc.KPI.ID, c.Rules)
		require.False(t, kc.EarnBack.IsPositive())
		if !kc.EarnBack.IsZero() {
			require.Equal(t, rules.Met, kc.Status, "earn-back only on a met month")
		}
		if !kc.Status.Failed() {
			require.Truef(t, kc.Credit.IsZero(), "%s %s is %s but earns %s", month, kc.KPI.ID, kc.Status, kc.Credit)
		}
		require.False(t, kc.Credit.GreaterThan(kc.Amount))
		sum = sum.Add(kc.Credit)
	}
	require.True(t, sum.Equal(m.Credits), "%s: KPIs sum to %s, the month to %s", month, sum, m.Credits)
	require.True(t, m.HasCap)
	require.False(t, m.Credits.GreaterThan(m.Cap), "%s: %s over the cap %s", month, m.Credits, m.Cap)
	require.True(t, m.HasAnnualCap)
	require.False(t, m.Credits.GreaterThan(m.AnnualCapLeft), "%s: %s over what the annual cap left, %s", month, m.Credits, m.AnnualCapLeft)
}

// A worse measure never lowers a KPI's amount before caps (nor, in a
// service area, its points): each data row is worsened for one KPI and the
// month run again.
func TestPropertyWorseMeasure(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 17))
	for range 40 {
		c, res := randomRun(t, r)
		rb, ds := res.Rules, res.Data
		eng, err := engine.Compile(rb)
		require.NoError(t, err)
		li, mi, k := r.IntN(len(ds.Lots)), r.IntN(ds.Months()), r.IntN(c.KPIs)
		lot := ds.Lots[li]
		worse := worsen(rb, lot.Rows[mi].Values, k)
		l := eng.NewLot()
		var before, after *engine.LotMonth
		for m := 0; m <= mi; m++ {
			row := lot.Rows[m]
			if m == mi {
				// Run the month on a copy of the lot so far, once as it is and
				// once worsened.
				alt := eng.NewLot()
				for p := 0; p < mi; p++ {
					_, err := alt.Month(&lot.Rows[p], nil)
					require.NoError(t, err)
				}
				worseRow := row
				worseRow.Values = worse
				after, err = alt.Month(&worseRow, nil)
				require.NoError(t, err)
			}
			lm, err := l.Month(&row, nil)
			require.NoError(t, err)
			before = lm
		}
		b, a := before.Credits.KPIs[k], after.Credits.KPIs[k]
		if b.KPI.Area != nil {
			require.False(t, a.Points.LessThan(b.Points), "points fell from %s to %s\n%s", b.Points, a.Points, c.Rules)
			continue
		}
		require.Falsef(t, a.Amount.LessThan(b.Amount), "%s: amount fell from %s (%s) to %s (%s)\n%s",
			b.KPI.ID, b.Amount, b.Explanation, a.Amount, a.Explanation, c.Rules)
	}
}

// worsen returns a copy of a row's values with KPI k's measure (d/n x 100)
// moved the wrong way by one event.
func worsen(rb *rules.Rulebook, values []any, k int) []any {
	out := append([]any(nil), values...)
	d, n := 1+2*k, 2+2*k // after the charge: d1, n1, d2, n2, ...
	done, jobs := out[d].(decimal.Decimal), out[n].(decimal.Decimal)
	if rb.KPIs[k].Direction == rules.Higher {
		if done.IsPositive() {
			out[d] = done.Sub(decimal.NewFromInt(1))
		}
	} else if done.LessThan(jobs) {
		out[d] = done.Add(decimal.NewFromInt(1))
	}
	return out
}
