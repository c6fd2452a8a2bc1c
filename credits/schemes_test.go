package credits_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// Each case prices one failing month of one KPI from scratch (streak 1)
// with a charge of £90,000.00 unless said otherwise.
func TestSchemes(t *testing.T) {
	cases := []struct {
		name    string
		kpi     string // the KPI's YAML, indented as a list item of kpis
		status  rules.Status
		measure string
		charge  string
		want    string
	}{
		{"fixed minor", `{id: K, measure: done / jobs, target: 0.98, serious: 0.9,
      credit: {fixed: {minor: 500.00, serious: 2000.00}}}`, rules.Minor, "0.95", "90000", "500.00"},
		{"fixed serious", `{id: K, measure: done / jobs, target: 0.98, serious: 0.9,
      credit: {fixed: {minor: 500.00, serious: 2000.00}}}`, rules.Serious, "0.5", "90000", "2000.00"},
		// 0.5% of 90,000.00 = 450.00
		{"percent minor", `{id: K, measure: done / jobs, target: 0.98, serious: 0.9,
      credit: {percent_of_charge: {minor: 0.5, serious: 2}}}`, rules.Minor, "0.95", "90000", "450.00"},
		// 0.5% of 1,234.57 = 6.17285 -> 6.17
		{"percent rounds once", `{id: K, measure: done / jobs, target: 0.98,
      credit: {percent_of_charge: {minor: 0.5}}}`, rules.Minor, "0.95", "1234.57", "6.17"},
		// 3 points x 250.00 = 750.00
		{"points serious", `{id: K, measure: done / jobs, target: 0.98, serious: 0.9,
      credit: {points: {minor: 1, serious: 3}}}`, rules.Serious, "0.85", "90000", "750.00"},
		// shortfall 0.98 - 0.93 = 0.05 of span 0.98 - 0.80 = 0.18:
		// 90,000.00 x 2% x 0.05 / 0.18 = 1,800 x 5/18 = 500.00
		{"sliding part way", `{id: K, measure: done / jobs, target: 0.98,
      credit: {sliding: {max_percent_of_charge: 2, floor: 0.80}}}`, rules.Minor, "0.93", "90000", "500.00"},
		// shortfall 0.02 of 0.18: 1,800 x 2/18 = 200.00
		{"sliding small miss", `{id: K, measure: done / jobs, target: 0.98,
      credit: {sliding: {max_percent_of_charge: 2, floor: 0.80}}}`, rules.Minor, "0.96", "90000", "200.00"},
		// 1,000.00 x 2% x 0.01 / 0.03 = 20 / 3 = 6.666... -> 6.67
		{"sliding rounds once", `{id: K, measure: done / jobs, target: 0.98,
      credit: {sliding: {max_percent_of_charge: 2, floor: 0.95}}}`, rules.Minor, "0.97", "1000", "6.67"},
		// at the floor: the whole 2% of 90,000.00 = 1,800.00
		{"sliding at floor", `{id: K, measure: done / jobs, target: 0.98,
      credit: {sliding: {max_percent_of_charge: 2, floor: 0.80}}}`, rules.Minor, "0.80", "90000", "1800.00"},
		{"sliding beyond floor", `{id: K, measure: done / jobs, target: 0.98,
      credit: {sliding: {max_percent_of_charge: 2, floor: 0.80}}}`, rules.Minor, "0.10", "90000", "1800.00"},
		// lower is better: target 5 days, floor 10 days, measure 7: shortfall 2 of 5:
		// 90,000.00 x 1% x 2/5 = 360.00
		{"sliding lower is better", `{id: K, measure: done / jobs, direction: lower, target: 5,
      credit: {sliding: {max_percent_of_charge: 1, floor: 10}}}`, rules.Minor, "7", "90000", "360.00"},
		// the call-off example: measure 98%, actual 75%, 1% per point: 23 points x 1% = 23%
		// of 10,000.00 = 2,300.00
		{"per shortfall call-off", `{id: K, measure: done / jobs, target: 0.98,
      credit: {per_shortfall: {percent_of_charge: 1, per: 0.01}}}`, rules.Minor, "0.75", "10000", "2300.00"},
		// 0.98 - 0.7550 = 0.2250 = 22.5 units x 1% of 10,000.00 = 2,250.00
		{"per shortfall fractional units", `{id: K, measure: done / jobs, target: 0.98,
      credit: {per_shortfall: {percent_of_charge: 1, per: 0.01}}}`, rules.Minor, "0.7550", "10000", "2250.00"},
		// "each full 1%": 22.5 units round down to 22: 22% of 10,000.00 = 2,200.00
		{"per shortfall whole units", `{id: K, measure: done / jobs, target: 0.98,
      credit: {per_shortfall: {percent_of_charge: 1, per: 0.01, whole_units: true}}}`, rules.Minor, "0.7550", "10000", "2200.00"},
		// 0.5 of a unit, rounded down to no units at all
		{"per shortfall under one whole unit", `{id: K, measure: done / jobs, target: 0.98,
      credit: {per_shortfall: {percent_of_charge: 1, per: 0.01, whole_units: true}}}`, rules.Minor, "0.975", "10000", "0.00"},
		// 150.00 per 0.05 of shortfall: 0.98 - 0.83 = 0.15 = 3 units x 150.00 = 450.00
		{"per shortfall money", `{id: K, measure: done / jobs, target: 0.98,
      credit: {per_shortfall: {money: 150.00, per: 0.05}}}`, rules.Minor, "0.83", "10000", "450.00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := book(t, "kpis:\n  - "+tc.kpi+"\n")
			lot := credits.New(rb).NewLot()
			lm := month(t, lot, "2025-01", tc.charge, obs(tc.status, tc.measure))
			requireMoney(t, tc.want, lm.KPIs[0].Credit, lm.KPIs[0].Explanation)
			requireMoney(t, tc.want, lm.Credits)
		})
	}
}

// The explanation spells out the arithmetic, as the example does.
func TestExplanation(t *testing.T) {
	rb := book(t, `kpis:
  - {id: KPI-01, measure: done / jobs, target: 0.98, serious: 0.90,
     credit: {points: {minor: 3, serious: 5}}, escalation: [1, 1.5, 2]}
`)
	lot := credits.New(rb).NewLot()
	month(t, lot, "2025-01", "9000", obs(rules.Minor, "0.95"))
	lm := month(t, lot, "2025-02", "9000", obs(rules.Minor, "0.9615384615384615"))
	// 3 points x 250.00 = 750.00, x 1.5 for the 2nd consecutive failure = 1,125.00
	require.Equal(t, "KPI-01 minor: 0.9615 < target 0.98; 2nd consecutive failure x1.5; "+
		"3 points x £250.00 = £750.00 x 1.5 = £1,125.00", lm.KPIs[0].Explanation)
	requireMoney(t, "1125.00", lm.KPIs[0].Credit)
	lm = month(t, lot, "2025-03", "9000", obs(rules.Met, "0.98"))
	require.Equal(t, "KPI-01 met: 0.98 >= target 0.98", lm.KPIs[0].Explanation)
}

// "Any miss is serious": target 1 and serious 1 leave minor an empty band.
// Each scheme prices two consecutive misses, classified by rules.KPI.Classify, on
// a charge of 10,000.00 with escalation [1, 2]; a met month between runs
// resets the streak. A minor observation, which no measure gives, is
// refused rather than priced at nothing.
func TestAnyMissIsSerious(t *testing.T) {
	for _, tc := range []struct {
		name, credit string
		first, twice string // the 1st miss (streak 1) and the 2nd (x2)
	}{
		// 500.00; then 500.00 x 2 = 1,000.00
		{"fixed", "fixed: {serious: 500.00}", "500.00", "1000.00"},
		// the minor amount is kept but never earned
		{"fixed with an unused minor amount", "fixed: {minor: 100.00, serious: 500.00}", "500.00", "1000.00"},
		// 2% of 10,000.00 = 200.00; x2 = 400.00
		{"percent_of_charge", "percent_of_charge: {serious: 2}", "200.00", "400.00"},
		// 3 points x 250.00 = 750.00; x2 = 1,500.00
		{"points", "points: {serious: 3}", "750.00", "1500.00"},
		// shortfall 1 - 0.9 = 0.1 of span 1 - 0.5 = 0.5: 10,000.00 x 2% x
		// 0.1/0.5 = 40.00; x2 = 80.00
		{"sliding", "sliding: {max_percent_of_charge: 2, floor: 0.5}", "40.00", "80.00"},
		// 0.1 / 0.01 = 10 units x 1% of 10,000.00 = 1,000.00; x2 = 2,000.00
		{"per_shortfall", "per_shortfall: {percent_of_charge: 1, per: 0.01}", "1000.00", "2000.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rb := book(t, "kpis:\n  - {id: K, measure: done / jobs, target: 1, serious: 1, credit: {"+
				tc.credit+"}, escalation: [1, 2]}\n")
			k := rb.KPIs[0]
			lot := credits.New(rb).NewLot()
			at := func(m string) credits.Observation { return obs(k.Classify(d(m)), m) }
			require.Equal(t, rules.Met, at("1").Status)
			lm := month(t, lot, "2025-01", "10000", at("0.9"))
			require.Equal(t, rules.Serious, lm.KPIs[0].Status)
			requireMoney(t, tc.first, lm.Credits, lm.KPIs[0].Explanation)
			lm = month(t, lot, "2025-02", "10000", at("0.9"))
			require.Equal(t, 2, lm.KPIs[0].Streak)
			requireMoney(t, tc.twice, lm.Credits, lm.KPIs[0].Explanation)
			requireMoney(t, "0", month(t, lot, "2025-03", "10000", at("1")).Credits)
			requireMoney(t, tc.first, month(t, lot, "2025-04", "10000", at("0.9")).Credits)
			mm, _ := rules.ParseMonth("2025-05")
			_, err := lot.Month(mm, d("10000"), []credits.Observation{obs(rules.Minor, "0.9")})
			require.EqualError(t, err, "credits: 2025-05: KPI K is minor, a level it cannot reach")
		})
	}
}
