package credits_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/internal/randbook"
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
				[]credits.Observation{{Status: k.Classify(m), Measure: m}})
			require.NoError(t, err)
			return lm.Credits
		}
		pb, pw := price(better), price(worse)
		require.Falsef(t, pw.LessThan(pb), "case %d: measure %s earns %s but the worse %s earns %s\n%s",
			i, better, pb, worse, pw, src)
	}
}

// No lot-month's credits exceed its cap; the KPIs' credits sum to the
// month's; no credit is negative or above what the KPI was priced at; and
// a KPI priced higher never ends with a smaller credit than one priced
// lower, however the monthly and annual caps bind.
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
				o[j] = credits.Observation{Status: k.Classify(measure), Measure: measure}
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
			requireOrderKept(t, lm, fmt.Sprintf("case %d %s", i, month))
			yearTotal[month.Year()] = yearTotal[month.Year()].Add(lm.Credits)
			require.False(t, yearTotal[month.Year()].GreaterThan(*rb.Caps.AnnualAmount))
		}
	}
}

// requireOrderKept fails when a KPI priced higher than another ends with a
// smaller credit.
func requireOrderKept(t *testing.T, lm *credits.Month, where string) {
	t.Helper()
	for _, a := range lm.KPIs {
		for _, b := range lm.KPIs {
			require.Falsef(t, a.Amount.GreaterThan(b.Amount) && a.Credit.LessThan(b.Credit),
				"%s: %s priced %s gets %s, less than %s priced %s gets %s (before cap %s, cap %s, annual left %s)",
				where, a.KPI.ID, a.Amount, a.Credit, b.KPI.ID, b.Amount, b.Credit, lm.BeforeCap, lm.Cap, lm.AnnualCapLeft)
		}
	}
}

// Both caps binding in the same month spread the capped total once: a KPI
// priced higher never ends with less. The rulebooks mix random KPIs with
// fixed amounts a cent or two apart, where spreading twice (first the
// monthly cap, then the annual cap over the rounded shares) inverted the
// order; the annual cap is small enough to bind in the first months.
func TestPropertyCapsKeepOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 300 {
		var body strings.Builder
		body.WriteString("kpis:\n")
		n := 2 + r.IntN(5)
		base := 1000 + r.IntN(100000) // cents
		for j := range n {
			if r.IntN(4) == 0 {
				body.WriteString(randomKPI(r, fmt.Sprintf("K%d", j)))
				continue
			}
			fmt.Fprintf(&body, "  - {id: K%d, measure: done / jobs * 100, target: 50, credit: {fixed: {minor: %s}}}\n",
				j, decimal.New(int64(base+r.IntN(3)), -2))
		}
		fmt.Fprintf(&body, "caps: {monthly_percent_of_charge: %d, annual_amount: %s}\n",
			1+r.IntN(15), decimal.New(int64(r.IntN(base*n)), -2))
		rb := book(t, body.String())
		lot := credits.New(rb).NewLot()
		for m := range 3 {
			charge := decimal.New(int64(r.IntN(base*n*10)), -2)
			o := make([]credits.Observation, n)
			for j, k := range rb.KPIs {
				measure := randomMeasure(r)
				o[j] = credits.Observation{Status: k.Classify(measure), Measure: measure}
			}
			lm, err := lot.Month(rules.NewMonth(2024, 1).Add(m), charge, o)
			require.NoError(t, err)
			requireOrderKept(t, lm, fmt.Sprintf("case %d month %d\n%s", i, m, body.String()))
		}
	}
}

// Explanations change no figure: a lot priced with them and one priced
// without agree on every amount, and without them no text is built at
// all, for KPIs or service areas.
func TestPropertyExplainChangesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 100 {
		var body strings.Builder
		body.WriteString("kpis:\n")
		n := 1 + r.IntN(6)
		for j := range n {
			body.WriteString(randomKPI(r, fmt.Sprintf("K%d", j)))
		}
		fmt.Fprintf(&body, "caps: {monthly_percent_of_charge: %d}\n", 1+r.IntN(15))
		rb := book(t, body.String())
		with, without := credits.New(rb).NewLot(), credits.New(rb).NewLot()
		without.Explain = false
		for m := range 12 {
			charge := decimal.New(int64(r.IntN(20_000_000)), -2)
			o := make([]credits.Observation, n)
			for j, k := range rb.KPIs {
				measure := randomMeasure(r)
				o[j] = credits.Observation{Status: k.Classify(measure), Measure: measure}
			}
			month := rules.NewMonth(2024, 1).Add(m)
			a, err := with.Month(month, charge, o)
			require.NoError(t, err)
			b, err := without.Month(month, charge, o)
			require.NoError(t, err)
			require.True(t, a.Credits.Equal(b.Credits) && a.EarnBack.Equal(b.EarnBack), "case %d %s", i, month)
			for j := range a.KPIs {
				require.True(t, a.KPIs[j].Credit.Equal(b.KPIs[j].Credit) && a.KPIs[j].Points.Equal(b.KPIs[j].Points), "case %d %s K%d", i, month, j)
				require.Empty(t, b.KPIs[j].Explanation)
			}
			for _, ac := range b.Areas {
				require.Empty(t, ac.How)
			}
		}
	}
}
