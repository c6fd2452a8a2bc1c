// Command library prices one lot of a contract month by month with the
// kpicredit engine, as a Go service embedding it would. It is the README's
// "As a library" example, kept in step with it by a test.
package main

import (
	"fmt"
	"log"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

func main() {
	rb, err := rules.Load("examples/aasc/rules.yaml") // every problem, with file:line:column
	if err != nil {
		log.Fatal(err)
	}
	engine, err := runner.Compile(rb) // expressions type-checked against the fields
	if err != nil {
		log.Fatal(err)
	}
	ds, err := runner.LoadData(rb, "examples/aasc/data.csv")
	if err != nil {
		log.Fatal(err)
	}
	lot := engine.NewLot() // one lot's state: streaks, caps, earn-back
	rows := ds.Lots[0].Rows
	for i := range rows[:3] { // its months, in order
		m, err := lot.Month(&rows[i], nil) // nil: no relief
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Row.Month, m.Credits.Credits.StringFixed(2))
		for _, kc := range m.Credits.KPIs {
			if kc.Status.Failed() {
				fmt.Println("  ", kc.Explanation)
			}
		}
	}
}
