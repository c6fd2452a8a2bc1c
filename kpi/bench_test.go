package kpi_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// BenchmarkEvaluate evaluates the example contract's 15 KPIs for one
// lot-month: applies, volume and measure expressions, then classification.
func BenchmarkEvaluate(b *testing.B) {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	prog, err := kpi.Compile(rb)
	if err != nil {
		b.Fatal(err)
	}
	row := &kpi.Row{Keys: []string{"Meridian Support", "North West"}, Month: rules.NewMonth(2025, 3)}
	for i := range rb.Fields {
		row.Values = append(row.Values, decimal.NewFromInt(int64(250-i)))
	}
	ev := prog.NewEvaluator()
	out := make([]kpi.Result, 0, len(rb.KPIs))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = ev.Evaluate(row, out[:0]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rb.KPIs)), "ns/kpi-month")
}
