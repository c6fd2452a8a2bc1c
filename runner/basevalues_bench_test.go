package runner

import (
	"bytes"
	"context"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/rules"
)

// BenchmarkBaseValues measures evaluating the baseline's expressions
// for 84 lots over 120 months on one worker, as a run does before
// pricing.
func BenchmarkBaseValues(b *testing.B) {
	rb, err := rules.Load("testdata/bench/rules.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	data, _, err := aasc.Generate(aasc.Config{Seed: 1, Months: 120, Start: *rb.Start, Lots: 84})
	if err != nil {
		b.Fatal(err)
	}
	ds, err := input.ReadCSV(rb, "bench.csv", bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	job := Job{Rules: rb, Data: ds, Workers: 1}
	eng, err := engine.Compile(rb)
	if err != nil {
		b.Fatal(err)
	}
	terms, err := eng.CompileTimeline(rb.Timeline(), "", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := baseValues(context.Background(), job, terms); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(84*120*len(rb.KPIs)), "ns/kpi-month")
}
