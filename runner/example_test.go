package runner_test

import (
	"context"
	"fmt"

	"github.com/kpicredit/kpicredit/input"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
)

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
