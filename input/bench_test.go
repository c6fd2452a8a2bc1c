package input_test

import (
	"bytes"
	"testing"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/rules"
)

// BenchmarkReadParquet reads the benchmark contract's data for 84 lots
// over 120 months (10,080 rows of 34 columns) from Parquet, as a run
// loads it.
func BenchmarkReadParquet(b *testing.B) {
	rb, err := rules.Load("../runner/testdata/bench/rules.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	data, _, err := aasc.Generate(aasc.Config{Seed: 1, Months: 120, Start: *rb.Start, Lots: 84})
	if err != nil {
		b.Fatal(err)
	}
	var pq bytes.Buffer
	if err := aasc.ToParquet(data, &pq); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := input.ReadParquet(rb, "bench.parquet", bytes.NewReader(pq.Bytes()), int64(pq.Len())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(84*120), "ns/row")
}
