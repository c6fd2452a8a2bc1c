package credits_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// BenchmarkLotMonth prices a month of the example contract's 15 KPIs, a
// third of them failing at various levels, with escalation, the property
// service area, caps and earn-back all in play: with explanations, with
// the fmt-based explanations they replaced (for comparison), with decimal
// figures and no explanations, figures only, and in decimals only.
func BenchmarkLotMonth(b *testing.B) {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	obs := make([]credits.Observation, len(rb.KPIs))
	for i, k := range rb.KPIs {
		obs[i] = credits.Observation{Status: rules.Met, Measure: k.Target}
		if i%3 == 0 {
			// miss by a little: 95% of the target, or 105% when lower is better
			f := decimal.RequireFromString("0.95")
			if k.Direction == rules.Lower {
				f = decimal.RequireFromString("1.05")
			}
			m := k.Target.Mul(f)
			obs[i] = credits.Observation{Status: rules.Minor, Measure: m}
			if b := k.Bound(rules.Serious); b != nil && (k.Direction == rules.Higher && m.LessThan(*b) || k.Direction == rules.Lower && m.GreaterThan(*b)) {
				obs[i].Status = rules.Serious
			}
		}
	}
	for _, mode := range []string{"explain", "explain-as-before", "decimals", "figures-only", "decimal-path"} {
		b.Run(mode, func(b *testing.B) {
			lot := credits.New(rb).NewLot()
			lot.Explain = mode == "explain"
			price := lot.Month
			switch mode {
			case "explain-as-before": // the fmt-based writer, for comparison
				price = func(m rules.Month, charge decimal.Decimal, obs []credits.Observation) (*credits.Month, error) {
					lm, err := lot.Month(m, charge, obs)
					if err == nil {
						credits.ExplainIntoAsBefore(lot, lm)
					}
					return lm, err
				}
			case "figures-only":
				price = lot.Figures
			case "decimal-path":
				credits.PriceInDecimals(lot)
				price = lot.Figures
			}
			charge := decimal.RequireFromString("4371785.56")
			m := rules.NewMonth(2024, 9)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := price(m, charge, obs); err != nil {
					b.Fatal(err)
				}
				m++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rb.KPIs)), "ns/kpi-month")
		})
	}
}
