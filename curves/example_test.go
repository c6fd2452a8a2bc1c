package curves_test

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Compute a rulebook's credit curves at the data's typical charge, list
// one KPI's flags, and write curves.html and curves.csv.
func Example() {
	rb, err := rules.Load("testdata/small.yaml", nil)
	if err != nil {
		log.Fatal(err)
	}
	// A run feeds each lot-month's charge and each KPI's judged measure.
	data := curves.NewData()
	data.AddCharge("A", decimal.NewFromInt(95000))
	data.AddMeasure("K1", decimal.RequireFromString("0.93"))
	set, err := curves.Compute(context.Background(), rb, rb.Scenarios, curves.Options{Data: data})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range set.KPIs[0].Curves {
		if c.SameAs != "" { // the same curve and flags as an earlier one
			fmt.Printf("%s: as %s\n", c.Scenario, c.SameAs)
			continue
		}
		for _, f := range c.Flags {
			fmt.Printf("%s %s: %s\n", c.Scenario, f.Kind, f.Text)
		}
	}
	if err := set.WriteHTML(io.Discard); err != nil { // an os.File in practice
		log.Fatal(err)
	}
	if err := set.WriteCSV(io.Discard); err != nil {
		log.Fatal(err)
	}
	// Output:
	// baseline cliff: a step of 0.1 percentage point from 95% to 94.9% moves the credit by £1,500.00 (1.5789% of the charge)
	// baseline cliff: a step of 0.1 percentage point from 90% to 89.9% moves the credit by £2,500.00 (2.6316% of the charge)
	// baseline over_at_risk: the largest credit, £4,000.00 (4.2105% of the charge) from just below 90%, exceeds the 1.5% at risk (£1,425.00; monthly cap 6% / 4 KPIs) from just below 95%; at the highest escalation (x2), it is £8,000.00 (8.4211% of the charge)
	// baseline unreached: no month of the data reached serious (below 90%); the worst measure judged is 93%
	// soft unreached: no month of the data reached serious (below 90%); the worst measure judged is 93%
	// sweep/target=0.9: as baseline
	// sweep/target=0.95: as baseline
}
