package aasc_test

import (
	"fmt"
	"log"
	"os"
	"slices"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Load the rulebook, run one lot's months in order (streaks carry from
// month to month) and print how its emergency-repairs credit arose in March
// 2025. February was excused for storm damage, which leaves the streak
// alone, so March is the second failure in a row and escalates.
func Example_explain() {
	rb, err := rules.Load("rules.yaml")
	if err != nil {
		log.Fatal(err)
	}
	prog, err := kpi.Compile(rb)
	if err != nil {
		log.Fatal(err)
	}
	data, relief := mustOpen("data.csv"), mustOpen("relief.csv")
	defer data.Close()
	defer relief.Close()
	lots, err := readRows(rb, data)
	if err != nil {
		log.Fatal(err)
	}
	reliefs, err := readRelief(relief)
	if err != nil {
		log.Fatal(err)
	}

	want := []string{"Meridian Support", "North West"}
	march := rules.NewMonth(2025, 3)
	for _, rows := range lots {
		if !slices.Equal(rows[0].Keys, want) {
			continue
		}
		l := newLot(prog)
		for _, row := range rows {
			lm, err := l.Month(row, reliefs.of(row))
			if err != nil {
				log.Fatal(err)
			}
			if row.Month != march {
				continue
			}
			c := lm.Credits
			money := func(d rules.Decimal) string { return credits.Money(d, rb.Currency, rb.MinorUnits) }
			fmt.Printf("%s, %s, %s: charge %s\n", row.Keys[0], row.Keys[1], row.Month, money(c.Charge))
			fmt.Println(c.KPIs[0].Explanation)
			fmt.Printf("all KPIs: %s before the cap of %s; deducted %s\n", money(c.BeforeCap), money(c.Cap), money(c.Credits))
		}
	}
	// Output:
	// Meridian Support, North West, 2025-03: charge £5,438,765.62
	// KPI-01 severe: 0.9686 < severe 0.97; 2nd consecutive failure x1.5; 6 points x 1.5 = 9 points to area property: 10 points = (2 nil + 8 x1) x 0.3% of £5,438,765.62 = £130,530.37; share £117,477.33
	// all KPIs: £185,565.73 before the cap of £407,907.42; deducted £185,565.73
}

func mustOpen(path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	return f
}
