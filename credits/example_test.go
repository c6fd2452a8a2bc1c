package credits_test

import (
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Price two consecutive failures of a points KPI: the second escalates.
func ExampleLot_Month() {
	rb, err := rules.Parse("contract.yaml", strings.NewReader(`contract: Example
currency: GBP
keys: [provider, region]
charge: monthly_charge
point_value: 250.00
fields: {monthly_charge: money, jobs: int, fixed: int}
kpis:
  - id: KPI-01
    measure: fixed / jobs
    target: 0.98
    serious: 0.90
    credit: {points: {minor: 3, serious: 5}}
    escalation: [1, 1.5, 2]
caps: {monthly_percent_of_charge: 10}
`), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	lot := credits.New(rb).NewLot()
	charge := decimal.RequireFromString("90000.00")
	for i, measure := range []string{"0.95", "0.9615384615384615"} {
		m := decimal.RequireFromString(measure)
		lm, err := lot.Month(rules.NewMonth(2025, 2+i), charge, []credits.Observation{{Status: rules.Minor, Measure: m}})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(lm.Month, lm.KPIs[0].Explanation)
	}
	// Output:
	// 2025-02 KPI-01 minor: 0.95 < target 0.98; 3 points x £250.00 = £750.00
	// 2025-03 KPI-01 minor: 0.9615 < target 0.98; 2nd consecutive failure x1.5; 3 points x £250.00 = £750.00 x 1.5 = £1,125.00
}

// Round once, with either of the rulebook's modes.
func ExampleRoundQuo() {
	num, den := decimal.NewFromInt(1), decimal.NewFromInt(8) // 0.125
	fmt.Println(money.RoundQuo(num, den, 2, rules.HalfUp), money.RoundQuo(num, den, 2, rules.HalfEven))
	// Output: 0.13 0.12
}

// Price the example contract's KPI-05, average nights in initial
// accommodation: 0.25% of the charge for each full night over 21.
func ExampleCalculator() {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	obs := make([]credits.Observation, len(rb.KPIs))
	for i := range obs {
		obs[i] = credits.Observation{Status: rules.Met, Measure: decimal.NewFromInt(1)}
	}
	nights := decimal.RequireFromString("23.6") // 2.6 nights over: 2 full nights
	obs[4] = credits.Observation{Status: rules.Minor, Measure: nights}
	lm, err := credits.New(rb).NewLot().Month(rules.NewMonth(2025, 1), decimal.RequireFromString("1300000.00"), obs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lm.KPIs[4].Explanation)
	fmt.Println("credits", lm.Credits.StringFixed(2))
	// Output:
	// KPI-05 minor: 23.6 > target 21; 0.25% of £1,300,000.00 per 1: 2 whole units of 1 in a shortfall of 2.6 = £6,500.00
	// credits 6500.00
}
