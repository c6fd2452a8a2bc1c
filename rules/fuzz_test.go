package rules_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
)

// FuzzParse feeds the loader arbitrary documents: it must never panic, and
// it either returns a rulebook or a *ValidationError whose problems all
// carry the file name.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/basic.yaml", "../examples/aasc/rules.yaml", "../examples/aasc/rules-events.yaml"} {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, tc := range validationCases {
		f.Add(tc.src)
	}
	for _, tc := range unitCases {
		f.Add(tc.src)
	}
	f.Add(eventBook)
	for _, tc := range termCases {
		f.Add(tc.src)
	}
	f.Add(closeHead + closeSample)
	f.Add(openingHead + openingCarried)
	f.Add("a: &x [*x]\n")
	f.Add("contract: !!python/object:os.system {x: 1}\n")
	f.Add("keys: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n")
	f.Add("contract: X\x00\ncurrency: \ufeffGBP\n")
	f.Add("kpis: &k\n  - *k\n")
	f.Fuzz(func(t *testing.T, src string) {
		rb, err := rules.Parse("f.yaml", strings.NewReader(src), nil)
		if err == nil {
			if rb == nil || len(rb.KPIs) == 0 {
				t.Fatalf("no error and no KPIs for %q", src)
			}
			return
		}
		var ve *rules.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) == 0 {
			t.Fatalf("error is not a *ValidationError with problems: %v", err)
		}
		for _, p := range ve.Problems {
			if p.Pos.File != "f.yaml" {
				t.Fatalf("problem without the file: %v", p)
			}
		}
	})
}

// FuzzReadScenarios feeds arbitrary scenario files to the example
// contract's rulebook, which has service areas, every scheme and
// escalation: reading never panics, and either adds scenarios that each
// have their rulebook or returns a *ValidationError placed in one of the
// two files; and sweeps' members built from their first member's terms
// are those read in full, or the same problems.
func FuzzReadScenarios(f *testing.F) {
	const base = "../examples/aasc/rules.yaml"
	src, err := os.ReadFile(base)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"id: s\nkpis:\n  KPI-01: {target: 0.9, serious: 0.8, credit: {sliding: {max_percent_of_charge: 1, floor: 0.5}}}\n",
		"id: s\nremove: [KPI-03]\nservice_areas: null\nearn_back: {percent: 25, after_met_months: 6}\n",
		"- id: a\n  from: 2025-06\n  caps: {monthly_percent_of_charge: 5, annual_amount: 100}\n- id: b\n  point_value: null\n",
		"scenarios:\n  - id: w\n    sweep: {kpi: KPI-07, field: target, from: 0.9, to: 0.99, step: 0.03, shift_bounds: true}\n",
		"id: s\nsweep: {kpi: KPI-06, field: credit.sliding.floor, values: [0.5, 0.6]}\n",
		"id: s\nadd:\n  - {id: N, measure: '1', target: 1, credit: {fixed: {minor: 1}}}\nkpis: {KPI-02: {measure: null}}\n",
		"id: s\nkpis: {KPI-01: K2}\n",
		"id: s\nrevoke: [CCN-007]\nkpis: {KPI-04: {period: {rolling: 3}}}\ntriggers: [{id: t, failures: 1, within: 1, kpi: KPI-09}]\n",
		"id: s\nfrom: 2025-12\nkpis: {KPI-08: {period: quarter}}\nbonus: {points: 1, expiry_months: 6}\n",
		"id: s\nfrom: 2025-06\nremove: [KPI-14]\ncaps: {rolling_12_percent_of_charge: 3}\n",
		"id: s\nservice_areas: [{id: p, kpis: [KPI-01, KPI-02], bands: [{from: 4, percent_of_charge: 1}]}]\n",
	} {
		f.Add(s)
	}
	// The example is parsed once: ReadScenarios adds nothing on failure,
	// and what it adds on success is cut off again after each input.
	rb, err := rules.Parse(base, strings.NewReader(string(src)), nil)
	if err != nil {
		f.Fatal(err)
	}
	n := len(rb.Scenarios)
	f.Fuzz(func(t *testing.T, s string) {
		defer func() { rb.Scenarios = rb.Scenarios[:n] }()
		restore := rules.SetLeanSweeps(false)
		full, fullErr := rb.ParseScenarios("s.yaml", strings.NewReader(s))
		restore()
		err := rb.ReadScenarios("s.yaml", strings.NewReader(s))
		if (err == nil) != (fullErr == nil) || err != nil && err.Error() != fullErr.Error() {
			t.Fatalf("sweeps' members built lean give %v, read in full %v", err, fullErr)
		}
		if err == nil {
			if err := rules.SameScenarios(rb, rb.Scenarios[n:], full); err != nil {
				t.Fatalf("sweeps' members built lean differ from those read in full: %v", err)
			}
			for _, sc := range rb.Scenarios[n:] {
				if sc.Rules() == nil || len(sc.Rules().KPIs) == 0 {
					t.Fatalf("scenario %s has no rulebook or no KPIs", sc.ID)
				}
				for _, e := range sc.Timeline() {
					if e.Rules == nil || len(e.Rules.KPIs) == 0 {
						t.Fatalf("scenario %s has terms from %s with no rulebook or no KPIs", sc.ID, e.From)
					}
				}
			}
			return
		}
		var ve *rules.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) == 0 {
			t.Fatalf("error is not a *ValidationError with problems: %v", err)
		}
		for _, p := range ve.Problems {
			if p.Pos.File != "s.yaml" && p.Pos.File != base {
				t.Fatalf("problem placed in neither file: %v", p)
			}
		}
	})
}
