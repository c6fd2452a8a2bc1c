package rules_test

import (
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// parseBoth reads the scenarios against the rulebook with sweeps' members
// built from their first member's terms and read in full, and requires
// the same error, or the same scenarios: fields, positions, YAML and
// changes. It returns the lean scenarios.
func parseBoth(t *testing.T, rb *rules.Rulebook, src string) ([]*rules.Scenario, error) {
	t.Helper()
	lean, leanErr := rb.ParseScenarios("s.yaml", strings.NewReader(src))
	restore := rules.SetLeanSweeps(false)
	full, fullErr := rb.ParseScenarios("s.yaml", strings.NewReader(src))
	restore()
	if fullErr != nil {
		require.Error(t, leanErr)
		require.Equal(t, fullErr.Error(), leanErr.Error())
		return nil, leanErr
	}
	require.NoError(t, leanErr)
	require.NoError(t, rules.SameScenarios(rb, lean, full))
	return lean, nil
}

// A sweep's members after the first are built from its terms, reading
// only the swept KPI again, when the swept field changes nothing else;
// they are the members read in full, field by field, with the same YAML
// and the same problems, and otherwise are read in full.
func TestLeanSweepsAreReadInFull(t *testing.T) {
	books := map[string]*rules.Rulebook{}
	for _, name := range []string{"../testdata/small/small.yaml", "../examples/aasc/rules.yaml"} {
		rb, err := rules.Load(name, nil)
		require.NoError(t, err)
		books[name] = rb
	}
	small, aasc := "../testdata/small/small.yaml", "../examples/aasc/rules.yaml"
	for _, tc := range []struct {
		name    string
		book    string
		src     string
		lean    bool   // members after the first are lean
		spliced int    // lean members written from the sweep's cut text
		err     string // the error, if any
	}{
		{"a range of targets", small, "id: s\nsweep: {kpi: K1, field: target, from: 0.85, to: 0.99, step: 0.01}\n", true, 14, ""},
		{"bounds shifted with the target", small, "id: s\nsweep: {kpi: K1, field: target, values: [0.85, 0.9, 0.97], shift_bounds: true}\n", true, 2, ""},
		{"values of many forms", small, "id: s\nsweep: {kpi: K2, field: target, values: [18, 19.5, 21.25, 2.2e1, 23.5, 24.0000, 0.5]}\n", true, 5, ""},
		{"a flow mapping's values of many lengths", small,
			"id: f\nsweep: {kpi: K2, field: credit.sliding.floor, values: [25.5, 30, 31.125, 1000.5, 45, 123456789012.123456789, 9999999999999999999999.5, 31.5]}\n", true, 5, ""},
		{"from a month on", small, "id: later\nfrom: 2025-03\nsweep: {kpi: K1, field: min_volume, values: [3, 4.5, 6]}\n", true, 1, ""},
		{"with overrides of its own", small,
			"id: both\nkpis: {K1: {serious: 0.7}, K2: {target: 19}}\nsweep: {kpi: K1, field: target, from: 0.8, to: 0.9, step: 0.05}\n", true, 2, ""},
		{"a credit level", small, "id: pts\nsweep: {kpi: K1, field: credit.points.minor, values: [1, 2.5, 4]}\n", true, 1, ""},
		{"at risk", small, "id: r\nsweep: {kpi: K1, field: at_risk_percent, values: [1, 2.5]}\n", true, 1, ""},
		{"a field that changes the period", small, "id: p\nsweep: {kpi: K1, field: period.rolling, values: [2, 3]}\n", false, 0, ""},
		{"over amendments, one revoked", aasc,
			"id: s\nfrom: 2025-06\nrevoke: [CCN-004]\nsweep: {kpi: KPI-07, field: target, from: 0.9, to: 0.99, step: 0.01}\n", true, 9, ""},
		{"a floor under an amendment", aasc, "id: s\nfrom: 2025-09\nsweep: {kpi: KPI-06, field: credit.sliding.floor, values: [0.5, 0.6, 0.55]}\n", true, 2, ""},
		{"a later value bad under an amendment", aasc, "id: s\nsweep: {kpi: KPI-14, field: serious, values: [0.85, 0.9, 0.96]}\n", false, 0,
			"s.yaml:2:58: scenarios.s.KPI-14.serious: 0.96 is above target 0.95: for a higher-is-better KPI each bound must be at or beyond the one before"},
		{"a scheme the terms do not have", aasc, "id: s\nsweep: {kpi: KPI-06, field: credit.sliding.floor, values: [0.5, 0.6]}\n", false, 0,
			`s.yaml:2:60: scenarios.s.KPI-06.credit.sliding: missing required key "max_percent_of_charge"`},
		{"shifted bounds over amendments", aasc,
			"scenarios:\n  - id: w\n    sweep: {kpi: KPI-07, field: target, from: 0.9, to: 0.99, step: 0.03, shift_bounds: true}\n", true, 3, ""},
		{"a later value below a bound", small, "id: s\nsweep: {kpi: K1, field: target, values: [0.9, 0.95, 0.75, 0.7]}\n", false, 0,
			"s.yaml:2:53: scenarios.s.K1.target: target 0.75 is below the serious bound 0.8: for a higher-is-better KPI each bound must be at or beyond the one before"},
		{"a later value beyond the unit", small, "id: s\nsweep: {kpi: K1, field: target, values: [0.9, 1, 1.05]}\n", false, 0,
			"s.yaml:2:50: scenarios.s.K1.target: 1.05 can never be met: the measure (unit share) is never above 1"},
		{"a later level below the one before", small, "id: s\nsweep: {kpi: K1, field: credit.points.serious, values: [6, 5, 1]}\n", false, 0,
			"s.yaml:2:63: scenarios.s.K1.credit.points.serious: 1 is less than 2 for minor: a worse failure must not earn less"},
		{"a later value not a number", small, "id: s\nsweep: {kpi: K1, field: target, values: [0.9, \"x\"]}\n", false, 0,
			`s.yaml:2:47: scenarios.s.sweep.values[1]: must be a number, not "x"`},
		{"a field that is not a list", small, "id: e\nsweep: {kpi: K1, field: escalation, values: [1, 2]}\n", false, 0,
			`s.yaml:2:46: scenarios.e.K1.escalation: must be a list, not "1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scs, err := parseBoth(t, books[tc.book], tc.src)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.NotEmpty(t, scs)
			require.False(t, rules.Lean(scs[0]), "the first member is read in full")
			spliced := 0
			for _, sc := range scs[1:] {
				require.Equal(t, tc.lean, rules.Lean(sc), sc.ID)
				if rules.Spliced(sc) {
					spliced++
				}
			}
			require.Equal(t, tc.spliced, spliced, "members written from the cut text")
		})
	}
}

// A sweep in the rulebook's own scenarios is placed in the rulebook's
// file, lean or read in full.
func TestLeanSweepInTheRulebook(t *testing.T) {
	const name = "../examples/aasc/rules.yaml"
	lean, err := rules.Load(name, nil)
	require.NoError(t, err)
	restore := rules.SetLeanSweeps(false)
	full, err := rules.Load(name, nil)
	restore()
	require.NoError(t, err)
	require.NoError(t, rules.SameScenarios(lean, lean.Scenarios, full.Scenarios))
	var sweeps, leanMembers int
	for _, sc := range lean.Scenarios {
		if sc.Sweep != nil {
			sweeps++
			if rules.Lean(sc) {
				leanMembers++
			}
		}
	}
	require.Equal(t, sweeps-1, leanMembers, "every member but the first is lean")
}
