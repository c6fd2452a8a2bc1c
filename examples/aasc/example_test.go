package aasc_test

import (
	"fmt"
	"log"
	"os"
	"slices"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/rules"
)

// Load the rulebook, run one lot's months in order (streaks carry from
// month to month) and print how its emergency-repairs credit arose in March
// 2025. February was excused for storm damage, which leaves the streak
// alone, so March is the second failure in a row and escalates.
func Example_explain() {
	rb, err := rules.Load("rules.yaml", nil)
	if err != nil {
		log.Fatal(err)
	}
	engine, err := engine.Compile(rb)
	if err != nil {
		log.Fatal(err)
	}
	ds, err := input.LoadData(rb, "data.csv")
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open("relief.csv")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	relief, err := input.ReadRelief(ds, kpiIDs(rb), "relief.csv", f)
	if err != nil {
		log.Fatal(err)
	}

	want := []string{"Meridian Support", "North West"}
	march := rules.NewMonth(2025, 3)
	data := ds.Lots[slices.IndexFunc(ds.Lots, func(l *input.LotData) bool { return slices.Equal(l.Keys, want) })]
	lot := engine.NewLot()
	for i := range data.Rows {
		row := &data.Rows[i]
		lm, err := lot.Month(row, relief.Lookup(data.Keys, row.Month))
		if err != nil {
			log.Fatal(err)
		}
		if row.Month != march {
			continue
		}
		c := lm.Credits
		money := func(d rules.Decimal) string { return money.Format(d, rb.Currency, rb.MinorUnits) }
		fmt.Printf("%s, %s, %s: charge %s\n", row.Keys[0], row.Keys[1], row.Month, money(c.Charge))
		fmt.Println(c.KPIs[0].Explanation)
		fmt.Printf("all KPIs: %s before the cap of %s; deducted %s\n", money(c.BeforeCap), money(c.Cap), money(c.Credits))
	}
	// Output:
	// Meridian Support, North West, 2025-03: charge £5,438,765.62
	// KPI-01 severe: 0.9686 < severe 0.97; 2nd consecutive failure x1.5; 6 points x 1.5 = 9 points to area property: 10 points = (2 nil + 8 x1) x 0.3% of £5,438,765.62 = £130,530.37; share £117,477.33
	// all KPIs: £185,565.73 before the cap of £407,907.42; deducted £185,565.73
}
