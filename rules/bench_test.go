package rules_test

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// sweepOf is a scenario file sweeping KPI-07's target from 0.9 by
// 0.0001 over n values.
func sweepOf(n int) string {
	to := decimal.RequireFromString("0.9").Add(decimal.New(int64(n-1), -4))
	return fmt.Sprintf("id: s\nsweep: {kpi: KPI-07, field: target, from: 0.9, to: %s, step: 0.0001}\n", to)
}

// BenchmarkReadSweep reads a sweep of 1,000 values of the example's
// KPI-07 target, over its amendments: what loading a large sweep costs
// the rulebook (its expressions aside).
func BenchmarkReadSweep(b *testing.B) {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	src := sweepOf(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rb.ParseScenarios("s.yaml", strings.NewReader(src)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHashSweep hashes every set of terms of a 1,000-value sweep's
// members, as the manifest does.
func BenchmarkHashSweep(b *testing.B) {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	scs, err := rb.ParseScenarios("s.yaml", strings.NewReader(sweepOf(1000)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, sc := range scs {
			for _, e := range sc.Timeline() {
				h := sha256.New()
				if err := e.Rules.WriteTermsYAML(h); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
