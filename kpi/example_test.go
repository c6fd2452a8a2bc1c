package kpi_test

import (
	"fmt"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Compile the example contract's expressions once and evaluate one lot's
// month: emergency defects, 247 of 255 fixed within 24 hours.
func ExampleProgram_NewEvaluator() {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	prog, err := kpi.Compile(rb)
	if err != nil {
		fmt.Println(err)
		return
	}
	row := &kpi.Row{Keys: []string{"Meridian Support", "North West"}, Month: rules.NewMonth(2025, 3)}
	for _, f := range rb.Fields {
		v := decimal.NewFromInt(100) // every count 100 of 100 ...
		switch f.Name {
		case "emergency_jobs":
			v = decimal.NewFromInt(255)
		case "emergency_fixed_24h":
			v = decimal.NewFromInt(247)
		}
		row.Values = append(row.Values, v)
	}
	results, err := prog.NewEvaluator().Evaluate(row, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := results[0] // KPI-01: target 0.99, serious 0.98, severe 0.97, critical 0.96
	fmt.Println(r.Measure, r.Status)
	// Output: 0.9686274509803922 severe
}
