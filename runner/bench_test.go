package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/input"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// benchJob is a contract scaled to lots x months, with the given number
// of the rulebook's scenarios: testdata/bench/rules.yaml, the example
// contract as it stood before amendments, measurement periods and
// triggers, or the example as it stands.
func benchJob(b *testing.B, path string, lots, months, scenarios int) runner.Job {
	b.Helper()
	rb, err := rules.Load(path, nil)
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
	return runner.Job{Rules: rb, Data: ds, Scenarios: rb.Scenarios[:scenarios], Workers: 1}
}

// BenchmarkRun measures a run of 21 lots x 24 months with no scenario and
// with one: the difference is what one extra scenario costs. Its rulebook
// has none of the terms over time (amendments, periods, triggers), so
// that it measures the baseline those must not slow down.
func BenchmarkRun(b *testing.B) {
	benchRuns(b, "testdata/bench/rules.yaml")
}

// BenchmarkRunTerms is BenchmarkRun on the example as it stands: two
// amendments, a quarterly KPI and two triggers.
func BenchmarkRunTerms(b *testing.B) {
	benchRuns(b, "../examples/aasc/rules.yaml")
}

func benchRuns(b *testing.B, path string) {
	for _, n := range []int{0, 1} {
		b.Run(fmt.Sprintf("scenarios=%d", n), func(b *testing.B) {
			job := benchJob(b, path, 21, 24, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := runner.Run(context.Background(), job); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(21*24*15*(n+1)), "ns/kpi-month")
		})
	}
}

// BenchmarkRunSweep measures a sweep of 100 values of KPI-07's target
// over 21 lots x 24 months on one worker: what a sweep's member costs
// beyond the engine's pricing (setting it up, adding up its totals,
// keeping them).
func BenchmarkRunSweep(b *testing.B) {
	job := benchJob(b, "testdata/bench/rules.yaml", 21, 24, 0)
	if err := job.Rules.ReadScenarios("s.yaml", strings.NewReader(
		"id: s\nsweep: {kpi: KPI-07, field: target, from: 0.9, to: 0.9099, step: 0.0001}\n")); err != nil {
		b.Fatal(err)
	}
	job.Scenarios = nil // every scenario: the rulebook's own and the sweep's
	b.ReportAllocs()
	for b.Loop() {
		if _, err := runner.Run(context.Background(), job); err != nil {
			b.Fatal(err)
		}
	}
	runs := len(job.Rules.Scenarios) + 1
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(21*24*15*runs), "ns/kpi-month")
}

// BenchmarkRunBaseline measures the baseline alone over 84 lots x 24
// months on one worker and on every CPU: a baseline's lots are priced in
// parallel.
func BenchmarkRunBaseline(b *testing.B) {
	for _, workers := range []int{1, 0} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			job := benchJob(b, "testdata/bench/rules.yaml", 84, 24, 0)
			job.Workers = workers
			b.ReportAllocs()
			for b.Loop() {
				if _, err := runner.Run(context.Background(), job); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
