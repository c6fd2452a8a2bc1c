package credits_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The explanations, each KPI's and each area's How, are byte for byte
// those of the fmt-based writer they replace (credits.ExplainAsBefore),
// on random rulebooks (every scheme, escalation, service areas with tiers
// or bands, caps, earn-back, bonus points, triggers, relief) in several
// currencies, and random months: measures negative, zero, far beyond the
// target and with many places, charges near and beyond what fixed point
// holds, KPIs not measured, not applicable, in period or excused with a
// reason, and an earn-back threshold lowered during a run.
func TestExplanationsAsBefore(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	cases := 200
	if testing.Short() {
		cases = 40
	}
	var lines int
	for i := range cases {
		c := randbook.New(r)
		if i%2 == 1 {
			c = randbook.WithTerms(r, c)
		}
		src := explainVariant(r, c.Rules)
		rb, err := rules.Parse("random.yaml", strings.NewReader(src), nil)
		require.NoError(t, err, src)
		lower, err := rules.Parse("random.yaml", strings.NewReader(earnBackSooner(src)), nil)
		require.NoError(t, err, src)
		calc, sooner := credits.New(rb), credits.New(lower)
		lots := []*credits.Lot{calc.NewLot(), calc.NewLot()}
		credits.PriceInDecimals(lots[1])
		switchAt := rules.NewMonth(2024, 1+r.IntN(12))
		for _, pm := range randomPathMonths(r, rb, 6+r.IntN(30), i%4 < 2) {
			explainMeasures(r, rb, pm.obs)
			for j, lot := range lots {
				if pm.month == switchAt {
					lot.Use(sooner)
				}
				lm, err := lot.Month(pm.month, pm.charge, pm.obs)
				require.NoError(t, err)
				kpis, areas := credits.ExplainAsBefore(lot, lm)
				what := fmt.Sprintf("case %d, lot %d, %s\n%s", i, j, pm.month, src)
				for k := range lm.KPIs {
					require.Equal(t, kpis[k], lm.KPIs[k].Explanation, what)
					lines++
				}
				require.Len(t, lm.Areas, len(areas), what)
				for k := range lm.Areas {
					require.Equal(t, areas[k], lm.Areas[k].How, what)
				}
			}
		}
	}
	t.Logf("%d explanations compared", lines)
}

var (
	areaTiers   = regexp.MustCompile(`threshold: \d+, point_value: 50\.00, tiers: \[.*\]\}`)
	afterMonth  = regexp.MustCompile(`after_met_months: \d+`)
	earnBackPct = regexp.MustCompile(`(earn_back: \{percent: \d+)`)
)

// explainVariant changes a random rulebook's currency, perhaps gives its
// earn-back percent more places than fixed point holds, and perhaps prices its
// service area through bands or as a percent of the charge.
func explainVariant(r *rand.Rand, src string) string {
	switch r.IntN(5) {
	case 1:
		src = strings.Replace(src, "currency: GBP", "currency: EUR", 1)
	case 2:
		src = strings.Replace(src, "currency: GBP", "currency: JPY", 1)
		src = strings.ReplaceAll(src, "point_value: 100.00", "point_value: 100")
		src = strings.ReplaceAll(src, "point_value: 50.00", "point_value: 50")
	case 3:
		src = strings.Replace(src, "currency: GBP", "currency: XAU\nminor_units: 3", 1)
	case 4:
		src = strings.Replace(src, "currency: GBP", "currency: USD", 1)
	}
	if r.IntN(6) == 0 { // a figure beyond fixed point: every month priced and explained in decimals
		src = earnBackPct.ReplaceAllString(src, "$1.000000000000000000000")
	}
	switch r.IntN(3) {
	case 1:
		src = areaTiers.ReplaceAllString(src, "bands: [{from: 2, percent_of_charge: 1}, {from: 6, percent_of_charge: 2.5}]}")
	case 2:
		src = areaTiers.ReplaceAllString(src, "threshold: 1, percent_of_charge_per_point: 0.35, tiers: [{from: 4, multiplier: 1.25}]}")
	}
	return src
}

// earnBackSooner is the rulebook with earn-back after one met month.
func earnBackSooner(src string) string {
	return afterMonth.ReplaceAllString(src, "after_met_months: 1")
}

// explainMeasures gives some observations a measure negative, zero, far
// beyond 100 or with many places, and some a reason or another status.
func explainMeasures(r *rand.Rand, rb *rules.Rulebook, obs []credits.Observation) {
	for j, k := range rb.KPIs {
		o := &obs[j]
		var m decimal.Decimal
		switch r.IntN(12) {
		case 0:
			m = randomPathMeasure(r, false).Neg()
		case 1:
			m = decimal.New(0, -r.Int32N(4))
		case 2:
			m = randomPathMeasure(r, false).Mul(decimal.New(1, 4))
		case 3:
			m = decimal.New(r.Int64N(1e17), -r.Int32N(19))
		case 4:
			o.Status, o.Reason = []rules.Status{rules.NotApplicable, rules.InPeriod, rules.Excused, rules.NotMeasured}[r.IntN(4)], []string{"", "relief: strike", "no volume"}[r.IntN(3)]
			continue
		default:
			continue
		}
		o.Measure, o.Fixed.Measure, o.Fixed.HasMeasure = m, fixed.Decimal{}, false
		o.Status = k.Classify(m)
	}
}
