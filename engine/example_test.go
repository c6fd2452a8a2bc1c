package engine_test

import (
	"fmt"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Evaluate one lot of the example contract month by month and read a
// KPI's credit, with its explanation, by the KPI's id.
func ExampleEngine_NewLot() {
	rb, err := rules.Load("../examples/aasc/rules.yaml", kpi.Check)
	if err != nil {
		fmt.Println(err)
		return
	}
	eng, err := engine.Compile(rb)
	if err != nil {
		fmt.Println(err)
		return
	}
	ds, _ := input.LoadData(rb, "../examples/aasc/data.csv")
	li, _ := ds.Lot("Harbour Living", "Wales")
	lot := eng.NewLot()
	rows := ds.Lots[li].Rows
	for i := range rows[:4] {
		m, err := lot.Month(&rows[i], nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		_, kc, _ := m.KPI("KPI-07") // five days' notice of a move
		fmt.Println(m.Row.Month, kc.Credit.StringFixed(2), kc.Explanation)
	}
	// Output:
	// 2024-09 0.00 KPI-07 met: 1 >= target 0.95
	// 2024-10 0.00 KPI-07 met: 1 >= target 0.95
	// 2024-11 2220.47 KPI-07 minor: 0.9333 < target 0.95; sliding: 2% of £1,332,281.06 x shortfall 0.0167 / 0.2 = £2,220.47
	// 2024-12 0.00 KPI-07 met: 1 >= target 0.95
}
