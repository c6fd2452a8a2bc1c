package output

import (
	"bytes"
	"context"
	"testing"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/report"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// benchResult runs the benchmark rulebook's baseline over the example's
// data scaled to lots x months.
func benchResult(b *testing.B, lots, months int) *runner.Result {
	b.Helper()
	rb, err := rules.Load("../runner/testdata/bench/rules.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	data, _, err := aasc.Generate(aasc.Config{Seed: 1, Months: months, Start: *rb.Start, Lots: lots})
	if err != nil {
		b.Fatal(err)
	}
	ds, err := input.ReadCSV(rb, "bench.csv", bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	res, err := runner.Run(context.Background(), runner.Job{Rules: rb, Data: ds})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkSummaryFiles measures the summaries job of a run of 84 lots x
// 120 months: the curves, the summary and the pages, as a whole and in
// its parts.
func BenchmarkSummaryFiles(b *testing.B) {
	ctx := context.Background()
	res := benchResult(b, 84, 120)
	set, err := runCurves(ctx, res, CurvesData(res))
	if err != nil || set == nil {
		b.Fatal(err)
	}
	s := report.Summarize(res)
	s.Curves = CurvesLink(set, "curves.html")
	parts := []struct {
		name string
		run  func() error
	}{
		{"all", func() error { _, err := summaryFiles(ctx, res, nil); return err }},
		{"CurvesData", func() error { CurvesData(res); return nil }},
		{"Compute", func() error { _, err := runCurves(ctx, res, CurvesData(res)); return err }},
		{"CurvesPages", func() error { _, err := curvesFiles(set); return err }},
		{"Summarize", func() error { report.Summarize(res); return nil }},
		{"WriteMarkdown", func() error { return report.WriteMarkdown(&bytes.Buffer{}, s) }},
		{"WriteHTML", func() error { return report.WriteHTML(&bytes.Buffer{}, s) }},
	}
	for _, p := range parts {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := p.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
