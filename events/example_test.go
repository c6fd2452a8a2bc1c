package events_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Measure one lot's repair, move and transport KPIs for January 2025 from
// the example contract's job records, as a run does with --events: compile
// the rulebook's event sources, read each file, and put the computed
// fields into the lot's data row, noting where the provider's own figures
// differ.
func Example() {
	rb, err := rules.Load("../examples/aasc/rules-events.yaml", kpi.Check)
	if err != nil {
		log.Fatal(err)
	}
	prog, err := events.Compile(rb) // filters type-checked, calendars built
	if err != nil {
		log.Fatal(err)
	}
	wales := []string{"Harbour Living", "Wales"}
	jan := rules.NewMonth(2025, 1)
	agg, err := prog.NewAggregator(events.Options{Lots: [][]string{wales}, First: jan, Last: jan, Sample: true})
	if err != nil {
		log.Fatal(err)
	}
	files := map[string]string{}
	for _, name := range prog.Files() { // repair_stops, repairs, moves, transport
		files[name] = filepath.Join("../examples/aasc/events-sample", name+".csv")
	}
	if err := agg.ReadFiles(files); err != nil {
		log.Fatal(err) // an *InputError names the file, line and column
	}
	res, err := agg.Result()
	if err != nil {
		log.Fatal(err)
	}
	// Suppose the provider's return said 155 urgent jobs, 153 of them fixed
	// in time.
	row := kpi.Row{Keys: wales, Month: jan, Values: make([]any, len(rb.Fields))}
	for i, f := range rb.Fields {
		if f.Name == "urgent_jobs" {
			row.Values[i] = decimal.NewFromInt(155)
		}
		if f.Name == "urgent_fixed_5d" {
			row.Values[i] = decimal.NewFromInt(153)
		}
	}
	diffs, err := res.Fill(&row)
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"urgent_jobs", "urgent_fixed_5d", "moves", "moves_5_days_notice", "transport_requests", "transport_on_time"} {
		v, _ := res.Value(wales, jan, name)
		fmt.Printf("%-20s %s\n", name, v)
	}
	for _, d := range diffs {
		fmt.Printf("reported %s %s, computed %s\n", d.Field, d.Reported, d.Computed)
	}
	fmt.Println("QA sample of repairs:", res.Sample()[0].Size, "of", res.Sample()[0].Events)
	events.WriteSampleCSV(os.Stdout, rb, res.Sample()[:1])
	// Output:
	// urgent_jobs          157
	// urgent_fixed_5d      153
	// moves                15
	// moves_5_days_notice  15
	// transport_requests   18
	// transport_on_time    17
	// reported urgent_jobs 155, computed 157
	// QA sample of repairs: 44 of 1250
	// source,provider,region,month,rank,sample_size,events,event_id,file,line,start,end,sha256
	// repairs,Harbour Living,Wales,2025-01,1,44,1250,R-L07-2501-006172,../examples/aasc/events-sample/repairs.csv,1736,2025-01-15T18:15:00Z,2025-02-06T10:50:00Z,006122aecb99dadffe1ba08c72c55915aea28a0bf3687e21a50acf17b9008af0
}
