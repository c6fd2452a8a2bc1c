// Command library prices one lot of a contract month by month with the
// kpicredit engine, as a Go service embedding it would. It is the README's
// "As a library" example, kept in step with it by a test.
package main

import (
	"fmt"
	"log"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

func main() {
	// Every problem of the rulebook and its expressions, with file:line:column.
	rb, err := rules.Load("examples/aasc/rules.yaml", kpi.Check)
	if err != nil {
		log.Fatal(err)
	}
	// The terms month by month, the original and each agreed change
	// notice, compiled once; safe for concurrent use.
	terms, err := engine.Terms(rb)
	if err != nil {
		log.Fatal(err)
	}
	// A service builds kpi.Rows from its own data; here they come from a file.
	ds, err := input.LoadData(rb, "examples/aasc/data.csv")
	if err != nil {
		log.Fatal(err)
	}
	lot := terms.NewLot() // one lot's state: streaks, caps, earn-back, recent months
	rows := ds.Lots[0].Rows
	for i := range rows[:3] { // its months, in order
		m, err := lot.MonthIn(terms, &rows[i], nil) // under the terms in force; nil: no relief
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
