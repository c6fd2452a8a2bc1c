package credits_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// randomKPI writes a KPI with a random direction, target, bounds and
// scheme over a measure from 0 to 100.
func randomKPI(r *rand.Rand, id string) string {
	return randbook.KPI(r, id, "done / jobs * 100")
}

func randomMeasure(r *rand.Rand) decimal.Decimal {
	return decimal.New(int64(r.IntN(10001)), -2) // 0.00 .. 100.00
}

// A worse measure never earns a smaller credit, whatever the scheme.
func TestPropertyWorseNeverCheaper(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		src := "kpis:\n" + randomKPI(r, "K")
		rb := book(t, src)
		k := rb.KPIs[0]
		charge := decimal.New(int64(r.IntN(10_000_000)), -2)
		a, b := randomMeasure(r), randomMeasure(r)
		better, worse := a, b
		if (k.Direction == rules.Higher) == a.LessThan(b) {
			better, worse = b, a
		}
		price := func(m decimal.Decimal) decimal.Decimal {
			lm, err := credits.New(rb).NewLot().Month(rules.NewMonth(2025, 1), charge,
				[]credits.Observation{{Status: kpi.Classify(k, m), Measure: m}})
			require.NoError(t, err)
			return lm.Credits
		}
		pb, pw := price(better), price(worse)
		require.Falsef(t, pw.LessThan(pb), "case %d: measure %s earns %s but the worse %s earns %s\n%s",
			i, better, pb, worse, pw, src)
	}
}

// No lot-month's credits exceed its cap; the KPIs' credits sum to the
// month's; no credit is negative or above what the KPI was priced at.
func TestPropertyCapsHold(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 100 {
		var body strings.Builder
		body.WriteString("kpis:\n")
		n := 1 + r.IntN(6)
		for j := range n {
			body.WriteString(randomKPI(r, fmt.Sprintf("K%d", j)))
		}
		fmt.Fprintf(&body, "caps: {monthly_percent_of_charge: %d, annual_amount: %d}\n", 1+r.IntN(15), r.IntN(50000))
		rb := book(t, body.String())
		lot := credits.New(rb).NewLot()
		yearTotal := map[int]decimal.Decimal{}
		for m := range 24 {
			charge := decimal.New(int64(r.IntN(20_000_000)), -2)
			o := make([]credits.Observation, n)
			for j, k := range rb.KPIs {
				measure := randomMeasure(r)
				o[j] = credits.Observation{Status: kpi.Classify(k, measure), Measure: measure}
			}
			month := rules.NewMonth(2024, 1).Add(m)
			lm, err := lot.Month(month, charge, o)
			require.NoError(t, err)
			require.False(t, lm.Credits.GreaterThan(lm.Cap), "case %d %s: %s over cap %s", i, month, lm.Credits, lm.Cap)
			sum := decimal.Zero
			for _, kc := range lm.KPIs {
				require.False(t, kc.Credit.IsNegative())
				require.False(t, kc.Credit.GreaterThan(kc.Amount))
				sum = sum.Add(kc.Credit)
			}
			require.True(t, sum.Equal(lm.Credits), "case %d %s: KPIs sum to %s, month says %s", i, month, sum, lm.Credits)
			yearTotal[month.Year()] = yearTotal[month.Year()].Add(lm.Credits)
			require.False(t, yearTotal[month.Year()].GreaterThan(*rb.Caps.AnnualAmount))
		}
	}
}
