package runner_test

import (
	"context"
	"fmt"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
)

// Evaluate one lot of the example contract month by month and read a
// KPI's credit with its explanation.
func ExampleEngine_NewLot() {
	rb, _ := rules.Load("../examples/aasc/rules.yaml", nil)
	engine, err := engine.Compile(rb)
	if err != nil {
		fmt.Println(err)
		return
	}
	ds, _ := input.LoadData(rb, "../examples/aasc/data.csv")
	lot := engine.NewLot()
	data := ds.Lots[1] // Harbour Living / Wales
	for i := range data.Rows[:4] {
		m, err := lot.Month(&data.Rows[i], nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		kc := m.Credits.KPIs[6] // KPI-07, five days' notice of a move
		fmt.Println(m.Row.Month, kc.Credit.StringFixed(2), kc.Explanation)
	}
	// Output:
	// 2024-09 0.00 KPI-07 met: 1 >= target 0.95
	// 2024-10 0.00 KPI-07 met: 1 >= target 0.95
	// 2024-11 2220.47 KPI-07 minor: 0.9333 < target 0.95; sliding: 2% of £1,332,281.06 x shortfall 0.0167 / 0.2 = £2,220.47
	// 2024-12 0.00 KPI-07 met: 1 >= target 0.95
}

// Model a contract change in code and compare it with the baseline,
// without writing any file.
func ExampleRun() {
	rb, _ := rules.Load("../examples/aasc/rules.yaml", nil)
	ds, _ := input.LoadData(rb, "../examples/aasc/data.csv")
	s, err := rb.AddOverlay(rules.Overlay{
		ID:   "rolling-cap",
		From: rules.NewMonth(2025, 9),
		Caps: map[string]any{"rolling_12_percent_of_charge": 0.75},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := runner.Run(context.Background(), runner.Job{Rules: rb, Data: ds, Scenarios: []*rules.Scenario{s}})
	if err != nil {
		fmt.Println(err)
		return
	}
	change := decimal.Zero
	for _, c := range res.Comparisons() {
		change = change.Add(c.Difference)
	}
	fmt.Println(len(res.Runs), "runs; the rolling cap changes credits by", change.StringFixed(2))
	// Output:
	// 2 runs; the rolling cap changes credits by -775784.48
}
